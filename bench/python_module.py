#!/usr/bin/env python3
"""The dflab Python module's costs: `import dflab` (wall time and resident memory, in fresh
processes) and the speed-up of a thread pool over one-after-another calls of dflab.audio.features
and dflab.video.faces on `dflab synth` clips (the GIL is released inside them).

    PYTHONPATH=build/python /usr/bin/python3 bench/python_module.py [--build build] [--clips 16]
        [--workers 1,2,4] [--repeat 3] [--opencv-threads 1]

Prints a table; the speed-up depends on the free cores (2 on the reference machine), the overlap
column shows whether calls ran side by side at all.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

IMPORT_PROBE = r"""
import resource, time
t = time.perf_counter()
import dflab
dt = time.perf_counter() - t
rss_kb = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0])
print(dt, rss_kb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
BASELINE_PROBE = r"""
import resource
import numpy
rss_kb = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0])
print(0, rss_kb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def probe(code, repeat):
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        runs.append((float(out[0]), int(out[1]) / 1024, int(out[2]) / 1024))
    return runs


def timed(job, clips, workers, repeat):
    """Best wall time of running job over clips on `workers` threads (1: a plain loop), and the
    overlap of that run: the sum of the calls' own durations over the wall time. An overlap near 1
    with several workers means the calls ran one at a time (the GIL held); near `workers` means
    they ran side by side, whatever the speed-up the free cores allow."""

    def call(c):
        t = time.perf_counter()
        job(c)
        return time.perf_counter() - t

    best = None
    for _ in range(repeat):
        t = time.perf_counter()
        if workers == 1:
            durations = [call(c) for c in clips]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                durations = list(pool.map(call, clips))
        wall = time.perf_counter() - t
        if best is None or wall < best[0]:
            best = (wall, sum(durations) / wall)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=str(Path(__file__).resolve().parents[1] / "build"))
    ap.add_argument("--clips", type=int, default=16)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--opencv-threads", type=int, default=-1,
                    help="cv2.setNumThreads(N) first (python3-opencv shares dflab's libopencv_core), "
                         "so OpenCV's own detector threads do not hide the thread pool's")
    a = ap.parse_args()
    import dflab

    if a.opencv_threads >= 0:
        import cv2

        cv2.setNumThreads(a.opencv_threads)

    imports = probe(IMPORT_PROBE, a.repeat)
    base = probe(BASELINE_PROBE, 1)[0]
    print(f"import dflab: {statistics.median(t for t, _, _ in imports) * 1000:.0f} ms wall (median of {a.repeat}), "
          f"RSS {statistics.median(r for _, r, _ in imports):.0f} MB after import "
          f"(python3 with numpy alone: {base[1]:.0f} MB)")

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        subprocess.run([str(Path(a.build) / "apps" / "dflab"), "synth", "--out", str(data), "--train", str(a.clips),
                        "--val", "1", "--test", "1", "--seconds", "2", "--seed", "1"], check=True,
                       capture_output=True)
        clips = sorted(str(p) for p in (data / "trainset").glob("*.mp4"))
        jobs = {
            "audio.features mel": lambda c: dflab.audio.features(c, "mel"),
            "video.faces haar 8 frames": lambda c: dflab.video.faces(c, frames=8),
        }
        print(f"\n{len(clips)} clips of 2 s (dflab synth, 320x240), best of {a.repeat}; {os.cpu_count()} CPUs")
        print(f"{'call':28s} {'workers':>7s} {'seconds':>8s} {'speed-up':>8s} {'overlap':>8s}")
        for name, job in jobs.items():
            one = None
            for w in [int(x) for x in a.workers.split(",")]:
                wall, overlap = timed(job, clips, w, a.repeat)
                one = one or wall
                print(f"{name:28s} {w:7d} {wall:8.3f} {one / wall:7.2f}x {overlap:8.2f}")

if __name__ == "__main__":
    main()
