// Mel spectrogram speed: dflab (FFTW, float, one thread) on one 10 s 22.05 kHz clip, plus the whole
// decode -> resample -> mel path of an mp4's audio. bench/run_audio_bench.sh runs this and the
// Python peers (bench/peers/audio_mel_peers.py: torchaudio, numpy/scipy librosa formulas) on the
// same clip and writes reports/audio_bench.md.
//
//   dflab_audio_mel_bench [--clip=clip.wav] [--mp4=file.mp4] [--out_npy=mel.npy] [benchmark flags]
//
// Without --clip the signal is a synthetic 10 s chirp + noise; without --mp4 the FFDV sample under
// DFLAB_SHARED_DIR is used when present. --out_npy writes the default mel of the clip so the peer
// script can check that every implementation gives the same numbers.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>

#include "modalities/audio/audio_decoder.h"
#include "modalities/audio/cepstrum.h"
#include "modalities/audio/filterbank.h"
#include "modalities/audio/npy.h"
#include "modalities/audio/sound_file.h"
#include "modalities/audio/stft.h"

namespace {

using namespace dflab;

std::string g_clip, g_mp4, g_out_npy;
std::vector<float> g_signal;

std::vector<float> synthetic_clip() {
  std::mt19937 rng(42);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  std::vector<float> x(220500);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = double(i) / 22050;
    x[i] = 0.5f * float(std::sin(2 * M_PI * (200 * t + 400 * t * t))) + noise(rng);
  }
  return x;
}

void BM_Mel_dflab(benchmark::State& state) {
  const StftOptions stft;   // librosa defaults: n_fft 2048, hop 512, hann, center, constant, power 2
  MelOptions mel;           // 22050 Hz, 128 Slaney mels, norm slaney
  const Filterbank fb = mel_filterbank(mel);   // built once, as a plugin does in its constructor
  for (auto _ : state) benchmark::DoNotOptimize(filterbank_spectrogram(g_signal, stft, fb).data.data());
  state.counters["audio_s_per_s"] =
      benchmark::Counter(double(g_signal.size()) / 22050, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_MelIncludingFilterbank_dflab(benchmark::State& state) {
  const StftOptions stft;
  const MelOptions mel;
  for (auto _ : state)
    benchmark::DoNotOptimize(filterbank_spectrogram(g_signal, stft, mel_filterbank(mel)).data.data());
}

void BM_Stft_dflab(benchmark::State& state) {
  const StftOptions stft;
  for (auto _ : state) benchmark::DoNotOptimize(spectrogram(g_signal, stft).data.data());
}

void BM_Mfcc_dflab(benchmark::State& state) {
  const MfccOptions o;
  for (auto _ : state) benchmark::DoNotOptimize(mfcc(g_signal, o).data.data());
}

void BM_DecodeResampleMel_mp4_dflab(benchmark::State& state) {
  const StftOptions stft;
  const Filterbank fb = mel_filterbank(MelOptions{});
  for (auto _ : state) {
    const DecodedAudio a = decode_audio(g_mp4);   // 22050 Hz mono
    if (!a.ok()) {
      state.SkipWithError(a.error.c_str());
      return;
    }
    benchmark::DoNotOptimize(filterbank_spectrogram(a.samples, stft, fb).data.data());
  }
}

void BM_DecodeResample_mp4_dflab(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(decode_audio(g_mp4).samples.data());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--clip=", 0) == 0) g_clip = a.substr(7);
    else if (a.rfind("--mp4=", 0) == 0) g_mp4 = a.substr(6);
    else if (a.rfind("--out_npy=", 0) == 0) g_out_npy = a.substr(10);
    else rest.push_back(argv[i]);
  }
  if (!g_clip.empty()) {
    const SoundFile s = read_sound_file(g_clip);
    if (s.sample_rate != 22050) {
      std::cerr << g_clip << ": expected 22050 Hz, got " << s.sample_rate << "\n";
      return 1;
    }
    g_signal = s.mono();
  } else {
    g_signal = synthetic_clip();
  }
  if (g_mp4.empty()) {
    const std::string sample = std::string(DFLAB_SHARED_DIR) + "/data/ffdv-sample/trainset/2359ab528cd84d273ca9db9719fadde9.mp4";
    if (std::filesystem::exists(sample)) g_mp4 = sample;
  }
  if (!g_out_npy.empty()) {
    write_npy(g_out_npy, filterbank_spectrogram(g_signal, StftOptions{}, mel_filterbank(MelOptions{})));
  }
  benchmark::RegisterBenchmark("mel/dflab", BM_Mel_dflab)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mel_with_filterbank/dflab", BM_MelIncludingFilterbank_dflab)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("stft/dflab", BM_Stft_dflab)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("mfcc/dflab", BM_Mfcc_dflab)->Unit(benchmark::kMillisecond);
  if (!g_mp4.empty()) {
    benchmark::RegisterBenchmark("decode_resample/dflab", BM_DecodeResample_mp4_dflab)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark("decode_resample_mel/dflab", BM_DecodeResampleMel_mp4_dflab)->Unit(benchmark::kMillisecond);
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
