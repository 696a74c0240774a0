// Cost of each augmentation plugin on one 224x224 face crop (and on an 8-frame clip for the
// codec round trip), p = 1, one thread. Run:
//   ninja -C build dflab_augment_bench && build/bench/dflab_augment_bench --benchmark_min_time=0.2
// Video plugins get a textured 224x224 crop; audio plugins a 128 x 431 dB mel matrix (10 s at
// 22.05 kHz, hop 512). Each iteration copies the sample first (cv::Mat headers only: plugins never
// write into the input pixels), so the time is the plugin's.
#include <benchmark/benchmark.h>

#include <opencv2/imgproc.hpp>

#include "modalities/augment/augmentation.h"
#include "modalities/augment/h264_reencode.h"

namespace dflab {
namespace {

const Registry& registry() {
  static const Registry reg = [] {
    Registry r;
    register_augmentation_plugins(r);
    return r;
  }();
  return reg;
}

cv::Mat crop(int size, int seed) {
  cv::Mat noise(size, size, CV_32FC3);
  cv::RNG rng(static_cast<std::uint64_t>(seed));
  rng.fill(noise, cv::RNG::UNIFORM, cv::Scalar::all(0), cv::Scalar::all(255));
  cv::GaussianBlur(noise, noise, cv::Size(0, 0), 3.0);
  cv::Mat out;
  noise.convertTo(out, CV_8UC3);
  cv::circle(out, {size / 3, size / 3}, size / 8, cv::Scalar(230, 200, 180), -1);
  return out;
}

AugmentSample video(int frames) {
  AugmentSample s;
  for (int i = 0; i < frames; ++i) s.frames.push_back(crop(224, 1 + i));
  s.target = 1.0f;
  return s;
}

AugmentSample audio() {
  AugmentSample s;
  s.modality = AugmentModality::audio;
  s.feature.create(128, 431, CV_32FC1);
  cv::RNG(3).fill(s.feature, cv::RNG::UNIFORM, cv::Scalar(-80.0), cv::Scalar(0.0));
  return s;
}

void bm_plugin(benchmark::State& state, const std::string& name, AugmentModality m, int frames) {
  Params p = registry().defaults(kind::augmentation, name);
  p.set("p", 1.0);
  auto aug = registry().create<Augmentation>(kind::augmentation, name, p);
  const AugmentSample base = m == AugmentModality::video ? video(frames) : audio();
  AugmentSample partner = m == AugmentModality::video ? video(frames) : audio();
  partner.target = 0.0f;
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    AugmentSample s = base;
    aug->apply(s, aug->partner() == PartnerKind::none ? nullptr : &partner, rng);
    benchmark::DoNotOptimize(s.frames.data());
  }
  state.SetItemsProcessed(state.iterations() * (m == AugmentModality::video ? frames : 1));
}

void bm_h264(benchmark::State& state, int frames, int crf, double scale, const char* preset) {
  const AugmentSample s = video(frames);
  for (auto _ : state) benchmark::DoNotOptimize(h264_roundtrip(s.frames, crf, scale, preset));
  state.SetItemsProcessed(state.iterations() * frames);
}

const int registered = [] {
  for (const char* n : {"hflip", "random_resized_crop", "color_jitter", "gaussian_blur", "gaussian_noise", "cutout",
                        "jpeg", "h264_reencode", "landmark_cutout", "cutmix", "mixup", "paired_mixup"}) {
    benchmark::RegisterBenchmark((std::string("video/") + n + "/1x224").c_str(), bm_plugin, std::string(n),
                                 AugmentModality::video, 1)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string("video/") + n + "/8x224").c_str(), bm_plugin, std::string(n),
                                 AugmentModality::video, 8)->Unit(benchmark::kMicrosecond);
  }
  for (const char* n : {"audio_gain", "audio_noise", "time_shift", "spec_augment", "mixup"})
    benchmark::RegisterBenchmark((std::string("audio/") + n + "/128x431").c_str(), bm_plugin, std::string(n),
                                 AugmentModality::audio, 1)->Unit(benchmark::kMicrosecond);
  for (int frames : {1, 8})
    for (const char* preset : {"ultrafast", "veryfast", "medium"})
      for (auto [crf, scale] : {std::pair<int, double>{17, 1.0}, {40, 1.0}, {28, 0.5}, {40, 0.25}})
        benchmark::RegisterBenchmark(("h264_roundtrip/" + std::to_string(frames) + "x224/" + preset + "/crf" +
                                      std::to_string(crf) + "/scale" + std::to_string(scale).substr(0, 4))
                                         .c_str(),
                                     bm_h264, frames, crf, scale, preset)->Unit(benchmark::kMicrosecond);
  return 0;
}();

}  // namespace
}  // namespace dflab

BENCHMARK_MAIN();
