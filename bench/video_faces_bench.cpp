// Sample 16 frames from a video, detect faces with OpenCV's Haar cascade, crop: dflab's pipeline
// (libav decoding that skips what is not needed) vs the python3-opencv notebook code measured by
// bench/peers/video_faces_peer.py in the same run (bench/run_video_bench.sh makes the table).
//
//   video_faces_bench CLIP.mp4 [--benchmark_filter=...] [--benchmark_format=json]
//
// The detector is the same on both sides: haarcascade_frontalface_default.xml, grey frame
// downscaled to a longer side of 640 (INTER_AREA), detectMultiScale(1.1, 5, 0, 30×30).
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "modalities/video/face_extractor.h"
#include "modalities/video/video_decoder.h"

namespace {

std::string g_clip;
const char* kCascade = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";

class HaarDetector : public dflab::FaceDetector {
 public:
  HaarDetector() {
    if (!cascade_.load(kCascade)) throw std::runtime_error(std::string("cannot load ") + kCascade);
  }
  std::vector<dflab::FaceDetection> detect(const cv::Mat& bgr) override {
    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    std::vector<cv::Rect> faces;
    cascade_.detectMultiScale(gray, faces, 1.1, 5, 0, cv::Size(30, 30));
    std::vector<dflab::FaceDetection> out;
    for (const auto& f : faces) out.push_back({cv::Rect2f(f), 1.0f, {}});
    return out;
  }

 private:
  cv::CascadeClassifier cascade_;
};

const dflab::DecodeMode kModes[] = {dflab::DecodeMode::all, dflab::DecodeMode::skip_nonref,
                                    dflab::DecodeMode::seek, dflab::DecodeMode::automatic};

// Decode only: k uniform frames as BGR, nothing else.
void BM_DecodeUniform(benchmark::State& state) {
  dflab::DecodeOptions opt;
  opt.mode = kModes[state.range(0)];
  opt.threads = static_cast<int>(state.range(1));
  const int k = static_cast<int>(state.range(2));
  int64_t frames = 0, decoded = 0;
  for (auto _ : state) {
    dflab::DecodeReport r = dflab::decode_video(g_clip, dflab::FrameSampling::uniform(k),
        [&](dflab::VideoFrame& f) { benchmark::DoNotOptimize(f.bgr.data); return true; }, opt);
    if (r.status != dflab::DecodeStatus::ok) state.SkipWithError(r.message.c_str());
    frames += r.n_selected;
    decoded += r.n_decoded;
  }
  state.SetLabel(std::string(dflab::to_string(opt.mode)) + " threads=" + std::to_string(opt.threads) +
                 " k=" + std::to_string(k));
  state.counters["videos_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  state.counters["decoded_per_video"] = static_cast<double>(decoded) / state.iterations();
}
// Modes all / skip_nonref / seek / auto, one decoder thread, k = 16 and a sparse k = 4; then auto
// with libav's own thread count (0), as OpenCV's VideoCapture uses.
BENCHMARK(BM_DecodeUniform)
    ->ArgsProduct({{0, 1, 2, 3}, {1}, {16, 4}})
    ->Args({3, 0, 16})
    ->ArgNames({"mode", "threads", "k"})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(3.0)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// The whole pipeline: 16 uniform frames, Haar on a 640-px copy, track, 224-px crops with margin 1.3.
void BM_FacesHaarUniform16(benchmark::State& state) {
  HaarDetector haar;
  dflab::FaceExtractOptions opt;
  opt.sampling = dflab::FrameSampling::uniform(16);
  opt.detect_max_side = 640;
  opt.crop.size = 224;
  opt.crop.margin = 1.3f;
  opt.decode.threads = static_cast<int>(state.range(0));
  opt.hold_yuv = state.range(1) != 0;
  opt.roi_full_every = static_cast<int>(state.range(2));
  int64_t frames = 0, faces = 0;
  for (auto _ : state) {
    dflab::FaceClip clip = dflab::extract_faces(g_clip, haar, opt);
    if (clip.status == dflab::ClipStatus::failed) state.SkipWithError(clip.message.c_str());
    frames += static_cast<int64_t>(clip.frames.size());
    for (auto d : clip.detected) faces += d;
  }
  state.SetLabel("auto threads=" + std::to_string(opt.decode.threads) + (opt.hold_yuv ? " hold_yuv" : "") +
                 (opt.roi_full_every > 0 ? " roi_every=" + std::to_string(opt.roi_full_every) : ""));
  state.counters["videos_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
  state.counters["detected_per_video"] = static_cast<double>(faces) / state.iterations();
}
BENCHMARK(BM_FacesHaarUniform16)
    ->Args({1, 0, 0})
    ->Args({0, 0, 0})
    ->Args({1, 1, 0})
    ->Args({1, 0, 4})    // track-guided: whole frame every 4th sampled frame
    ->Args({1, 0, 16})   // whole frame only at the start (and when lost)
    ->ArgNames({"threads", "hold_yuv", "roi_every"})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(5.0)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// Throughput: 8 videos (the clip 8 times) over W worker threads, one decoder thread and one Haar
// cascade per worker, the way `dflab extract` spreads videos over cores. videos_per_s is wall-clock
// throughput of the whole batch; compare it with the peer run as W processes side by side.
void BM_FacesHaarParallel(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  constexpr int kVideos = 8;
  dflab::FaceExtractOptions opt;
  opt.sampling = dflab::FrameSampling::uniform(16);
  opt.detect_max_side = 640;
  opt.crop.size = 224;
  opt.crop.margin = 1.3f;
  opt.decode.threads = 1;
  std::vector<std::unique_ptr<HaarDetector>> dets;
  for (int w = 0; w < workers; ++w) dets.push_back(std::make_unique<HaarDetector>());
  int64_t videos = 0, failed = 0;
  for (auto _ : state) {
    std::atomic<int> next{0}, bad{0};
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w)
      pool.emplace_back([&, w] {
        for (int i = next++; i < kVideos; i = next++)
          if (dflab::extract_faces(g_clip, *dets[w], opt).status == dflab::ClipStatus::failed) ++bad;
      });
    for (auto& t : pool) t.join();
    videos += kVideos;
    failed += bad;
  }
  if (failed) state.SkipWithError("extraction failed");
  state.SetLabel("workers=" + std::to_string(workers) + " (8 videos per batch)");
  state.counters["videos_per_s"] = benchmark::Counter(static_cast<double>(videos), benchmark::Counter::kIsRate);
  state.counters["frames_per_s"] = benchmark::Counter(16.0 * videos, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FacesHaarParallel)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("workers")
    ->Unit(benchmark::kMillisecond)
    ->MinTime(5.0)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CLIP [--benchmark_* flags]\n", argv[0]);
    return 2;
  }
  g_clip = argv[1];
  dflab::VideoInfo info = dflab::probe_video(g_clip);   // fail early, naming the file
  std::fprintf(stderr, "clip %s: %dx%d %.2f fps %.2f s %s\n", g_clip.c_str(), info.width, info.height,
               info.fps, info.duration_s, info.codec.c_str());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
