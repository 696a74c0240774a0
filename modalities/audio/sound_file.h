#pragma once
// WAV / FLAC (anything libsndfile reads) in and out, for exporting clips and reading audio-only
// datasets without FFmpeg. Samples are float in [-1, 1].
//
//   SoundFile s = read_sound_file("clip.wav");      // throws SoundFileError naming the file
//   std::vector<float> mono = s.mono();
//   write_sound_file("out.flac", mono, s.sample_rate);   // format from the extension

#include <stdexcept>
#include <string>
#include <vector>

namespace dflab {

class SoundFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SoundFile {
  int sample_rate = 0;
  int channels = 0;
  std::vector<float> samples;   // interleaved, [n_frames * channels]

  std::size_t n_frames() const { return channels > 0 ? samples.size() / channels : 0; }
  double duration_s() const { return sample_rate > 0 ? double(n_frames()) / sample_rate : 0.0; }
  // Mean of the channels (ref: librosa.to_mono).
  std::vector<float> mono() const;
};

SoundFile read_sound_file(const std::string& path);

enum class SoundFormat { wav_pcm16, wav_float, flac_pcm16, from_extension };

// Writes interleaved samples; from_extension picks wav_pcm16 for .wav and flac_pcm16 for .flac.
// Throws SoundFileError on an unknown extension or a write failure.
void write_sound_file(const std::string& path, const std::vector<float>& samples, int sample_rate,
                      int channels = 1, SoundFormat format = SoundFormat::from_extension);

}  // namespace dflab
