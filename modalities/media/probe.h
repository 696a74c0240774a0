#pragma once
// What a media file holds, read from its container headers (libavformat) plus one decoded video
// frame to prove the stream is readable — cheap enough to run over a whole dataset.
//
//   MediaInfo m = probe_media("clip.mp4");
//   if (!m.ok) std::cerr << m.error << "\n";          // never throws for a bad file
//   else std::cout << m.width << "x" << m.height << " @ " << m.fps << " fps, " << m.duration_s << " s\n";
//
// ref: ffprobe (fftools/ffprobe.c) for the fields; fftools/cmdutils.c get_rotation() for rotation.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace dflab {

struct MediaInfo {
  std::string path;
  bool ok = false;              // false: `error` says why (cannot open, no streams, truncated, ...)
  std::string error;
  std::string container;        // libavformat's short name, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "avi"
  double duration_s = 0;        // container duration (stream duration when the container has none)

  bool has_video = false;
  std::string video_codec;      // e.g. "h264", "mpeg4"
  int width = 0, height = 0;    // coded size in pixels, before rotation
  double fps = 0;               // avg_frame_rate; r_frame_rate when the average is unknown
  int rotation_deg = 0;         // clockwise rotation a player applies to show it upright: 0, 90, 180, 270
  std::optional<std::int64_t> n_frames;   // from the container index, when it says

  bool has_audio = false;
  std::string audio_codec;      // e.g. "aac", "mp3", "ac3"
  int sample_rate = 0;          // Hz
  int channels = 0;
};

struct ProbeOptions {
  // Decode the first video frame (a header can look fine while the data is garbage).
  bool decode_first_frame = true;
};

// Never throws for a bad or missing file: the result has ok == false and the reason in `error`.
MediaInfo probe_media(const std::string& path, const ProbeOptions& options = {});

// The same probe on `size` bytes in memory (read through a libav custom I/O context); `name`
// fills MediaInfo::path and labels messages. Used by the fuzz target (tests/fuzz).
MediaInfo probe_media_bytes(const std::uint8_t* data, std::size_t size, const std::string& name,
                            const ProbeOptions& options = {});

}  // namespace dflab
