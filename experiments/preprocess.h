#pragma once
// The preprocessing stage of an experiment: face crops and audio features of every video,
// in parallel, through the on-disk caches, so a second run (or a resumed one) skips what is done.
//
//   PreprocessReport r = preprocess(exp, dataset, registry, {/*threads=*/0, on_progress});
//   for (const VideoPrep& v : r.videos) if (!v.video_ok()) warn(v.id + ": " + v.video_message);
//
// Caches live under <work_dir>/cache/{faces,audio,av}. With [av] (ExperimentConfig::wants_av), each
// video also gets its time-aligned audio-visual samples (modalities/av/av_clip.h), cut from its
// face crops and cached beside them. Each worker builds its own face detector
// (detectors are not thread-safe); memory holds one video's sampled frames per worker, never a
// dataset's crops. Bad files do not stop the stage: each video's outcome is recorded; only with
// [data] on_error = "stop" does the first video that cannot be read (video "failed" or audio
// "unreadable") end it, by PreprocessStopped naming the file, once the videos in flight are cached.

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "datasets/dataset.h"
#include "modalities/audio/audio_decoder.h"
#include "modalities/audio/audio_feature.h"
#include "modalities/av/av_clip.h"
#include "modalities/video/face_extractor.h"
#include "experiments/experiment_config.h"
#include "registry/registry.h"

namespace dflab {

struct VideoPrep {
  std::string id, path, split;
  // "ok", "partial", "no_face", "no_video", "failed", or "off" when the modality is disabled.
  std::string video_status = "off";
  std::string video_message;
  bool video_from_cache = false;
  std::size_t n_crops = 0;      // face crops (one per sampled frame that gave one)
  std::size_t n_detected = 0;   // of those, crops where the detector saw a face (not interpolated)
  // "ok", "no_audio_stream", "unreadable", "feature_error", or "off".
  std::string audio_status = "off";
  std::string audio_message;
  bool audio_from_cache = false;
  // "ok", "no_face", "no_audio", "failed", or "off" without [av].
  std::string av_status = "off";
  std::string av_message;
  bool av_from_cache = false;
  // The file gave nothing usable to a modality that is on: video failed / no_video, audio
  // unreadable / feature_error, av failed (not "no face" or "no audio": those are policies' business).
  bool unusable() const {
    return video_status == "failed" || video_status == "no_video" || audio_status == "unreadable" ||
           audio_status == "feature_error" || av_status == "failed";
  }
  // Every modality that is on came from the cache.
  bool fully_cached() const {
    return (video_from_cache || video_status == "off") && (audio_from_cache || audio_status == "off") &&
           (av_from_cache || av_status == "off");
  }
};

struct PreprocessReport {
  std::vector<VideoPrep> videos;    // in dataset order
  std::string face_cache_dir, audio_cache_dir, av_cache_dir;
  double seconds = 0.0;
  std::size_t count_video(const std::string& status) const;
  std::size_t count_audio(const std::string& status) const;
  std::size_t count_av(const std::string& status) const;
};

struct PreprocessOptions {
  int threads = 0;   // 0: [experiment] threads, and 0 there means every core
  // Called after each video, one call at a time.
  std::function<void(std::size_t done, std::size_t total, const VideoPrep& last)> on_progress;
};

// Where preprocess puts things and how it keys them, for the readers of the caches (the runner).
FaceExtractOptions face_extract_options(const ExperimentConfig& exp);
std::string face_cache_params(const ExperimentConfig& exp);   // the face cache's params string
std::string cache_dir(const ExperimentConfig& exp, const std::string& what);   // "faces" | "audio" | "av"
// [audio] decode options at the feature's sample rate: FeatureCache::key(file, feature, this).
AudioDecodeOptions audio_decode_options(const ExperimentConfig& exp, const AudioFeature& feature);
// [av] → the sample options, and the av cache's params string (face params, options, feature).
AvOptions av_options(const ExperimentConfig& exp);
std::string av_cache_params(const ExperimentConfig& exp, const AudioFeature& av_feature);

// [data] on_error = "stop" met a video that cannot be read: the message names its path.
class PreprocessStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ConfigError for an experiment whose plugins cannot be built (e.g. a bad model file);
// per-video problems are outcomes in the report, or PreprocessStopped under on_error = "stop".
PreprocessReport preprocess(const ExperimentConfig& exp, const Dataset& dataset, const Registry& registry,
                            const PreprocessOptions& options = {});

}  // namespace dflab
