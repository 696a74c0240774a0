#include "experiments/preprocess.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include "modalities/audio/audio_feature.h"
#include "modalities/audio/feature_cache.h"
#include "modalities/av/av_cache.h"
#include "modalities/video/face_cache.h"
#include "modalities/video/face_detector.h"
#include "modalities/video/face_extractor.h"
#include "registry/diagnostics.h"
#include "registry/interrupt.h"

namespace dflab {

std::size_t PreprocessReport::count_video(const std::string& status) const {
  return static_cast<std::size_t>(std::count_if(videos.begin(), videos.end(),
                                                [&](const VideoPrep& v) { return v.video_status == status; }));
}
std::size_t PreprocessReport::count_av(const std::string& status) const {
  return static_cast<std::size_t>(std::count_if(videos.begin(), videos.end(),
                                                [&](const VideoPrep& v) { return v.av_status == status; }));
}
std::size_t PreprocessReport::count_audio(const std::string& status) const {
  return static_cast<std::size_t>(std::count_if(videos.begin(), videos.end(),
                                                [&](const VideoPrep& v) { return v.audio_status == status; }));
}

// [video] sampling / crop / no_face → the extractor's options.
FaceExtractOptions face_extract_options(const ExperimentConfig& exp) {
  FaceExtractOptions o;
  const Params& s = exp.sampling;
  const std::string strategy = s.string("strategy");
  if (strategy == "every_nth") o.sampling = FrameSampling::every_nth(static_cast<int>(s.integer("every")));
  else if (strategy == "fps") o.sampling = FrameSampling::fixed_rate(s.real("fps"));
  else o.sampling = FrameSampling::uniform(static_cast<int>(s.integer("frames")));
  const double end = s.real("end_s") > 0 ? s.real("end_s") : std::numeric_limits<double>::infinity();
  if (strategy == "window" || s.real("start_s") > 0 || s.real("end_s") > 0) o.sampling.window(s.real("start_s"), end);
  o.crop.size = static_cast<int>(exp.crop.integer("size"));
  o.crop.margin = static_cast<float>(exp.crop.real("margin"));
  o.fixed_box = exp.crop.boolean("fixed_box");
  o.align = exp.crop.boolean("align");   // the aligner itself is preprocess()'s (one 100 MB model)
  o.landmarks68 = exp.wants_landmarks68();   // a cache key part: crops cached without them miss
  o.detect_max_side = static_cast<int>(exp.video.integer("max_side"));
  o.roi_full_every = static_cast<int>(exp.video.integer("roi_every"));
  o.roi_margin = exp.video.real("roi_margin");
  o.hold_yuv = true;   // same crops, half the memory for the frames held until tracking is done
  o.no_face = exp.video.string("no_face") == "prior" ? NoFacePolicy::mark : NoFacePolicy::centre_crop;
  o.validate();
  return o;
}

std::string cache_dir(const ExperimentConfig& exp, const std::string& what) {
  return (std::filesystem::path(exp.experiment.string("work_dir")) / "cache" / what).string();
}

std::string face_cache_params(const ExperimentConfig& exp) {
  return face_cache_params(face_extract_options(exp), exp.detector.plugin, exp.detector.params);
}

AudioDecodeOptions audio_decode_options(const ExperimentConfig& exp, const AudioFeature& feature) {
  AudioDecodeOptions decode;
  decode.offset_s = exp.audio.real("offset_s");
  decode.max_duration_s = exp.audio.real("max_duration_s");
  decode.sample_rate = feature.sample_rate();
  return decode;
}

AvOptions av_options(const ExperimentConfig& exp) {
  AvOptions o;
  o.mouth.width = static_cast<int>(exp.av.integer("mouth_width"));
  o.mouth.height = static_cast<int>(exp.av.integer("mouth_height"));
  o.mouth.margin = exp.av.real("mouth_margin");
  o.window_s = exp.av.real("window_s");
  o.validate();
  return o;
}

std::string av_cache_params(const ExperimentConfig& exp, const AudioFeature& av_feature) {
  return face_cache_params(exp) + "|" + av_options(exp).canonical() + "|" + av_feature.cache_key();
}

PreprocessReport preprocess(const ExperimentConfig& exp, const Dataset& dataset, const Registry& registry,
                            const PreprocessOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  PreprocessReport report;
  const bool do_video = !exp.detector.plugin.empty() && exp.video.boolean("enabled");
  const bool do_audio = !exp.audio_feature.plugin.empty() && exp.audio.boolean("enabled");
  const bool do_av = do_video && exp.wants_av();

  // Build everything that can fail on configuration before touching any video.
  FaceExtractOptions face_opt;
  std::unique_ptr<FaceCache> face_cache;
  std::string face_params;
  if (do_video) {
    face_opt = face_extract_options(exp);
    report.face_cache_dir = cache_dir(exp, "faces");
    face_cache = std::make_unique<FaceCache>(report.face_cache_dir);
    face_params = face_cache_params(exp);
  }
  // The calling thread's detector, built here so a bad model file fails before any video; the
  // other workers build their own (detectors are not thread-safe).
  std::unique_ptr<FaceDetector> first_detector;
  if (do_video) first_detector = registry.create<FaceDetector>(kind::face_detector, exp.detector.plugin, exp.detector.params);
  // One landmark model for every worker (it is thread-safe), loaded before any video.
  std::unique_ptr<LandmarkAligner> aligner;
  if (do_video && (face_opt.align || face_opt.landmarks68)) {
    try {
      aligner = std::make_unique<LandmarkAligner>();
    } catch (const std::exception& e) {
      throw ConfigError(exp.file, 0, std::string(face_opt.align ? "[video] crop.align = true: " : "[video] crop.landmarks: ") + e.what());
    }
    face_opt.aligner = aligner.get();
  }
  std::unique_ptr<AudioFeature> feature;
  std::unique_ptr<FeatureCache> audio_cache;
  AudioDecodeOptions decode;
  if (do_audio) {
    feature = registry.create<AudioFeature>(kind::audio_feature, exp.audio_feature.plugin, exp.audio_feature.params);
    report.audio_cache_dir = cache_dir(exp, "audio");
    audio_cache = std::make_unique<FeatureCache>(report.audio_cache_dir);
    decode = audio_decode_options(exp, *feature);
  }

  std::unique_ptr<AudioFeature> av_feature;
  std::unique_ptr<AvCache> av_cache;
  AvOptions av_opt;
  std::string av_params;
  if (do_av) {
    av_feature = registry.create<AudioFeature>(kind::audio_feature, exp.av_feature.plugin, exp.av_feature.params);
    av_opt = av_options(exp);
    try {   // each window is transformed alone: fail here, not on every video
      av_feature->compute(std::vector<float>(static_cast<std::size_t>(std::llround(av_opt.window_s * av_feature->sample_rate())), 0.0f));
    } catch (const std::exception& e) {
      throw ConfigError(exp.file, exp.av_feature.line,
                        "[av] feature " + exp.av_feature.plugin + " cannot take a window_s = " + std::to_string(av_opt.window_s) +
                            " s window: " + e.what());
    }
    report.av_cache_dir = cache_dir(exp, "av");
    av_cache = std::make_unique<AvCache>(report.av_cache_dir);
    av_params = av_cache_params(exp, *av_feature);
  }

  report.videos.resize(dataset.items.size());
  int threads = options.threads > 0 ? options.threads : static_cast<int>(exp.experiment.integer("threads"));
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::max(1, std::min<int>(threads, static_cast<int>(dataset.items.size())));

  // [data] on_error = "stop": the first video that cannot be read ends the stage. Workers finish
  // the video they hold (its cache entry is written, as every finished one's) and take no more.
  const bool stop_on_error = exp.data.has("on_error") && exp.data.string("on_error") == "stop";
  std::atomic<bool> stop{false};
  std::optional<std::size_t> first_unreadable;   // dataset index, guarded by progress_mutex

  std::atomic<std::size_t> next{0};
  std::mutex progress_mutex;
  std::size_t done = 0;
  auto worker = [&](std::unique_ptr<FaceDetector> detector) {
    if (do_video && !detector)
      detector = registry.create<FaceDetector>(kind::face_detector, exp.detector.plugin, exp.detector.params);
    for (std::size_t i = next++; i < dataset.items.size() && !stop; i = next++) {
      if (interrupt_requested()) break;   // finished videos are in the cache; the rest on resume
      const VideoItem& item = dataset.items[i];
      VideoPrep& v = report.videos[i];
      v.id = item.id;
      v.path = item.path;
      v.split = item.split;
      std::optional<FaceClip> faces;   // for the audio-visual samples
      if (do_video) {
        try {
          std::optional<FaceClip> cached = face_cache->load(item.path, face_params);
          if (cached) {
            v.video_from_cache = true;
          } else {
            cached = extract_faces(item.path, *detector, face_opt);
            face_cache->store(*cached, face_params);
          }
          v.video_status = to_string(cached->status);
          v.video_message = cached->message;
          v.n_crops = cached->frames.size();
          for (std::uint8_t d : cached->detected) v.n_detected += d != 0;
          if (do_av) faces = std::move(cached);
        } catch (const std::exception& e) {   // a missing file (stat) or an unwritable cache
          v.video_status = "failed";
          v.video_message = item.path + ": " + e.what();
        }
      }
      if (do_av) {
        try {
          std::optional<AvClip> av = av_cache->load(item.path, av_params);
          if (av) {
            v.av_from_cache = true;
          } else if (faces) {
            av = make_av_clip(*faces, *av_feature, av_opt);
            av_cache->store(*av, av_params);
          }
          v.av_status = av ? to_string(av->status) : "failed";
          v.av_message = av ? av->message : v.video_message;
        } catch (const std::exception& e) {   // an unwritable cache
          v.av_status = "failed";
          v.av_message = item.path + ": " + e.what();
        }
        faces.reset();
      }
      if (do_audio) {
        const FeatureResult r = extract_feature(item.path, *feature, decode, audio_cache.get());
        v.audio_status = to_string(r.status);
        v.audio_message = r.error;
        v.audio_from_cache = r.from_cache;
      }
      fault_point("preprocess_video");
      std::lock_guard<std::mutex> lock(progress_mutex);
      ++done;
      if (options.on_progress) options.on_progress(done, dataset.items.size(), v);
      if (stop_on_error && (v.video_status == "failed" || v.audio_status == "unreadable" || v.av_status == "failed")) {
        if (!first_unreadable || i < *first_unreadable) first_unreadable = i;
        stop = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, nullptr);
  worker(std::move(first_detector));
  for (auto& t : pool) t.join();
  throw_if_interrupted();
  if (first_unreadable) {
    const VideoPrep& v = report.videos[*first_unreadable];
    const std::string why = v.video_status == "failed" ? v.video_message
                            : v.audio_status == "unreadable" ? v.audio_message
                                                             : v.av_message;
    throw PreprocessStopped(v.path + ": cannot read this video (" + why + "); [data] on_error = \"stop\" stopped " +
                            "preprocessing after " + std::to_string(done) + " of " + std::to_string(dataset.items.size()) +
                            " videos (those finished are cached; on_error = \"skip\" records such videos and goes on)");
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace dflab
