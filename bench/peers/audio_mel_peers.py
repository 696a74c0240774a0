#!/usr/bin/python3
"""Peers of bench/audio_mel_bench.cpp, timed in the same run on the same clip, one thread each.

    /usr/bin/python3 bench/peers/audio_mel_peers.py --clip clip.wav [--mp4 file.mp4]
                     [--dflab-npy mel.npy] [--json out.json]

mel (librosa defaults: sr 22050, n_fft 2048, hop 512, periodic hann, center, constant pad,
power 2, 128 Slaney mels, slaney norm) of the 10 s clip by:
  torchaudio   torchaudio.transforms.MelSpectrogram, float32, torch.set_num_threads(1)
  numpy        librosa's formulas with numpy.fft.rfft (what librosa.stft calls), float32 in
  scipy        the same with scipy.fft.rfft in float32, workers=1
and the seed pipeline for a whole mp4: `ffmpeg -i mp4 -vn -ac 1 -ar 22050 out.wav` + read + numpy
mel. With --dflab-npy, each peer's output is compared with dflab's (max relative error over bins
above 1e-6 of the maximum).
"""
import argparse
import json
import os
import resource
import subprocess
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np            # noqa: E402
import scipy.fft              # noqa: E402
import scipy.io.wavfile       # noqa: E402
import torch                  # noqa: E402
import torchaudio             # noqa: E402

torch.set_num_threads(1)
SR, N_FFT, HOP, N_MELS = 22050, 2048, 512, 128


def hz_to_mel(f):   # ref: librosa.hz_to_mel (slaney)
    f = np.asanyarray(f, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    mels = f / f_sp
    return np.where(f >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mels)


def mel_to_hz(m):
    m = np.asanyarray(m, dtype=np.float64)
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    min_log_mel = min_log_hz / f_sp
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filters(sr=SR, n_fft=N_FFT, n_mels=N_MELS):   # ref: librosa.filters.mel, norm="slaney"
    fftfreqs = np.linspace(0, sr / 2, 1 + n_fft // 2)
    mel_f = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)   # periodic hann


def frames_of(y):   # ref: librosa.stft center=True, pad_mode="constant", util.frame
    y = np.pad(y, (N_FFT // 2, N_FFT // 2), mode="constant")
    n_frames = 1 + (len(y) - N_FFT) // HOP
    return np.lib.stride_tricks.as_strided(y, (n_frames, N_FFT), (y.strides[0] * HOP, y.strides[0]))


def mel_numpy(y, fb):
    spec = np.fft.rfft(frames_of(y) * WINDOW, axis=-1)       # numpy computes in float64
    power = (np.abs(spec) ** 2).astype(np.float32)
    return fb @ power.T


def mel_scipy(y, fb):
    spec = scipy.fft.rfft(frames_of(y) * WINDOW, axis=-1, workers=1)   # float32 in, complex64 out
    power = spec.real ** 2 + spec.imag ** 2
    return fb @ power.T


def cpu_now():
    """CPU seconds of this process and its finished children (ffmpeg) — robust on a shared machine."""
    c = resource.getrusage(resource.RUSAGE_CHILDREN)   # microsecond resolution (os.times: 10 ms)
    return time.process_time() + c.ru_utime + c.ru_stime


def timeit(fn, min_time=1.0, min_reps=5):
    fn()   # warm-up (plans, caches)
    walls, cpus = [], []
    start = time.perf_counter()
    while len(walls) < min_reps or time.perf_counter() - start < min_time:
        c0, t0 = cpu_now(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(cpu_now() - c0)
    return {"median_ms": 1e3 * float(np.median(walls)), "min_ms": 1e3 * float(np.min(walls)),
            "cpu_median_ms": 1e3 * float(np.median(cpus)), "reps": len(walls)}


def max_rel(a, ref):
    a, ref = np.asarray(a, np.float64), np.asarray(ref, np.float64)
    if a.shape != ref.shape:
        return float("inf")
    mask = ref > 1e-6 * ref.max()
    return float(np.max(np.abs(a[mask] - ref[mask]) / ref[mask]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clip", required=True, help="mono 22050 Hz WAV")
    ap.add_argument("--mp4")
    ap.add_argument("--dflab-npy")
    ap.add_argument("--json")
    args = ap.parse_args()

    sr, y = scipy.io.wavfile.read(args.clip)
    assert sr == SR, f"{args.clip}: expected {SR} Hz, got {sr}"
    y = y.astype(np.float32)
    out = {"clip": args.clip, "clip_seconds": len(y) / SR, "threads": torch.get_num_threads(),
           "versions": {"torch": torch.__version__, "torchaudio": torchaudio.__version__,
                        "numpy": np.__version__, "scipy": scipy.__version__}}

    fb = mel_filters()
    ta = torchaudio.transforms.MelSpectrogram(sample_rate=SR, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS,
                                              center=True, pad_mode="constant", power=2.0,
                                              norm="slaney", mel_scale="slaney")
    yt = torch.from_numpy(y)

    def run_ta():
        with torch.no_grad():
            return ta(yt)

    results = {"torchaudio": (timeit(run_ta), run_ta().numpy()),
               "numpy": (timeit(lambda: mel_numpy(y, fb)), mel_numpy(y, fb)),
               "scipy": (timeit(lambda: mel_scipy(y, fb)), mel_scipy(y, fb))}
    ref = np.load(args.dflab_npy) if args.dflab_npy else None
    out["mel"] = {}
    for name, (t, m) in results.items():
        out["mel"][name] = dict(t, shape=list(m.shape))
        if ref is not None:
            out["mel"][name]["max_rel_vs_dflab"] = max_rel(ref, m)

    if args.mp4:
        with tempfile.TemporaryDirectory() as tmp:
            wav = os.path.join(tmp, "a.wav")

            def seed_pipeline():   # the seed: ffmpeg to WAV, then numpy
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-nostdin", "-threads", "1", "-i", args.mp4,
                                "-vn", "-ac", "1", "-ar", str(SR), "-c:a", "pcm_f32le", wav], check=True)
                _, a = scipy.io.wavfile.read(wav)
                return mel_numpy(a.astype(np.float32), fb)

            def ffmpeg_only():
                subprocess.run(["ffmpeg", "-v", "error", "-y", "-nostdin", "-threads", "1", "-i", args.mp4,
                                "-vn", "-ac", "1", "-ar", str(SR), "-c:a", "pcm_f32le", wav], check=True)

            out["whole_file"] = {"mp4": args.mp4,
                                 "ffmpeg_wav_numpy_mel": timeit(seed_pipeline, min_time=2.0),
                                 "ffmpeg_wav_only": timeit(ffmpeg_only, min_time=2.0)}

    text = json.dumps(out, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)
    print(text)


if __name__ == "__main__":
    main()
