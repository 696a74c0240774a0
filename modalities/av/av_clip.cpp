#include "modalities/av/av_clip.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

#include "modalities/audio/audio_decoder.h"
#include "modalities/av/av_timing.h"
#include "modalities/video/video_decoder.h"

namespace dflab {

void AvOptions::validate() const {
  mouth.validate();
  if (!(window_s >= 0.02 && window_s <= 10.0))
    throw std::invalid_argument("av: window_s must be in [0.02, 10] s, got " + std::to_string(window_s));
}

std::string AvOptions::canonical() const {
  std::ostringstream s;
  s.precision(17);
  s << "mouth=" << mouth.width << "x" << mouth.height << ";margin=" << mouth.margin << ";window_s=" << window_s;
  return s.str();
}

const char* to_string(AvStatus s) {
  switch (s) {
    case AvStatus::ok: return "ok";
    case AvStatus::no_face: return "no_face";
    case AvStatus::no_audio: return "no_audio";
    case AvStatus::failed: return "failed";
  }
  return "?";
}

AvStatus parse_av_status(const std::string& name) {
  for (AvStatus s : {AvStatus::ok, AvStatus::no_face, AvStatus::no_audio, AvStatus::failed})
    if (name == to_string(s)) return s;
  throw std::invalid_argument("unknown audio-visual status '" + name + "'");
}

AvClip make_av_clip(const FaceClip& faces, const AudioFeature& feature, const AvOptions& options) {
  options.validate();
  AvClip av;
  av.path = faces.path;
  if (faces.status == ClipStatus::failed || faces.status == ClipStatus::no_video) {
    av.message = faces.message.empty() ? faces.path + ": no readable video" : faces.message;
    return av;
  }
  AudioDecodeOptions decode;
  decode.sample_rate = feature.sample_rate();
  const DecodedAudio audio = decode_audio(faces.path, decode);
  if (audio.status == AudioDecodeStatus::no_audio_stream) {
    av.status = AvStatus::no_audio;
    av.message = audio.error;   // "path: no audio stream"
    return av;
  }
  if (!audio.ok()) {
    av.message = audio.error;
    return av;
  }
  // The face cache keeps no stream start, so read it from the header (cheap: no decoding).
  try {
    av.video_start_s = probe_video(faces.path).start_s;
  } catch (const std::exception& e) {
    av.message = e.what();
    return av;
  }
  av.audio_start_s = audio.start_s;
  av.sample_rate = audio.sample_rate;
  av.window_samples = static_cast<std::int64_t>(std::llround(options.window_s * audio.sample_rate));
  const AvTiming timing{av.video_start_s, av.audio_start_s, av.sample_rate};

  for (std::size_t i = 0; i < faces.frames.size(); ++i) {
    const double t = faces.timestamps_s.at(i);
    const std::int64_t first = audio_window_start(timing, t, av.window_samples);
    const MouthCrop mouth = cut_mouth(faces, i, options.mouth);
    try {
      av.audio.push_back(feature.compute(audio_window(audio.samples, first, av.window_samples)));
    } catch (const std::invalid_argument& e) {   // a window too short for the feature's n_fft
      av = AvClip{};
      av.path = faces.path;
      av.message = faces.path + ": audio feature " + feature.name() + " of a " + std::to_string(options.window_s) +
                   " s window: " + e.what();
      return av;
    }
    av.timestamps_s.push_back(t);
    av.window_starts.push_back(first);
    av.coverage.push_back(static_cast<float>(window_coverage(first, av.window_samples, audio.samples.size())));
    av.mouths.push_back(mouth.image);
    av.mouth_from_landmarks.push_back(mouth.from_landmarks ? 1 : 0);
  }
  av.status = faces.status == ClipStatus::no_face ? AvStatus::no_face : AvStatus::ok;
  if (av.status == AvStatus::no_face) av.message = faces.message;
  return av;
}

}  // namespace dflab
