#pragma once
// Time-aligned audio-visual samples of one video: for each sampled frame (the face crops of
// face_extractor.h), the mouth region and the audio feature window centred on that frame's
// presentation time (av_timing.h), from the decoders' real timestamps.
//
//   FaceClip faces = extract_faces(path, *detector, face_options);
//   AvOptions o;  o.window_s = 0.2;                       // mouth 96 x 48, 0.2 s of audio
//   auto mfcc = registry.create<AudioFeature>(kind::audio_feature, "mfcc", params);
//   AvClip av = make_av_clip(faces, *mfcc, o);
//   if (av.status == AvStatus::ok) use(av.mouths[k], av.audio[k]);   // audio[k]: [features][frames]
//
// Never throws for bad input: an audio-less or unreadable file is a status, and `message` names
// the file. Every window has the same shape (zeros stand for audio before the track starts or
// after it ends; `coverage` says how much of each window is real audio).

#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "modalities/audio/audio_feature.h"
#include "modalities/audio/feature_matrix.h"
#include "modalities/av/mouth_crop.h"
#include "modalities/video/face_extractor.h"

namespace dflab {

struct AvOptions {
  MouthCropOptions mouth;
  double window_s = 0.2;   // audio per frame, centred on its timestamp
  void validate() const;   // throws std::invalid_argument naming the bad value
  // Everything that changes the samples but the feature (whose cache_key() goes beside it).
  std::string canonical() const;
};

enum class AvStatus {
  ok,         // mouths and audio windows for every crop
  no_face,    // the face clip found no face: mouths of its centre crops (or none under "prior")
  no_audio,   // the file has no audio stream: no samples
  failed,     // video or audio could not be read: no samples
};
const char* to_string(AvStatus s);
AvStatus parse_av_status(const std::string& name);   // throws std::invalid_argument

struct AvClip {
  std::string path;
  AvStatus status = AvStatus::failed;
  std::string message;              // empty when ok; names the file otherwise
  double video_start_s = 0.0;       // the timeline of av_timing.h
  double audio_start_s = 0.0;
  int sample_rate = 0;              // of the audio the feature was computed from
  std::int64_t window_samples = 0;

  // One entry per sampled frame, in time order:
  std::vector<double> timestamps_s;           // frame time from the video stream's start
  std::vector<std::int64_t> window_starts;    // first audio sample of each window (may be < 0)
  std::vector<float> coverage;                // share of each window that is real audio
  std::vector<cv::Mat> mouths;                // mouth.height x mouth.width BGR
  std::vector<std::uint8_t> mouth_from_landmarks;
  std::vector<FeatureMatrix> audio;           // the feature of each window, all one shape
};

// Decodes `faces.path`'s audio at feature.sample_rate() and builds the samples.
AvClip make_av_clip(const FaceClip& faces, const AudioFeature& feature, const AvOptions& options);

}  // namespace dflab
