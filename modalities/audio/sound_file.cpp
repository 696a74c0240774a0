#include "modalities/audio/sound_file.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <sndfile.h>

namespace dflab {

namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

std::string lower_extension(const std::string& path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

}  // namespace

std::vector<float> SoundFile::mono() const {
  if (channels <= 1) return samples;
  const std::size_t n = n_frames();
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    float acc = 0.0f;
    for (int c = 0; c < channels; ++c) acc += samples[i * channels + c];
    out[i] = acc / static_cast<float>(channels);
  }
  return out;
}

SoundFile read_sound_file(const std::string& path) {
  SF_INFO info{};
  SndfilePtr f(sf_open(path.c_str(), SFM_READ, &info));
  if (!f) throw SoundFileError(path + ": cannot open: " + sf_strerror(nullptr));
  SoundFile out;
  out.sample_rate = info.samplerate;
  out.channels = info.channels;
  if (info.channels <= 0 || info.samplerate <= 0)
    throw SoundFileError(path + ": invalid header (channels or sample rate is 0)");
  out.samples.resize(static_cast<std::size_t>(info.frames) * info.channels);
  const sf_count_t got = sf_readf_float(f.get(), out.samples.data(), info.frames);
  if (got < 0) throw SoundFileError(path + ": read failed: " + sf_strerror(f.get()));
  out.samples.resize(static_cast<std::size_t>(got) * info.channels);   // a truncated file: what exists
  return out;
}

void write_sound_file(const std::string& path, const std::vector<float>& samples, int sample_rate,
                      int channels, SoundFormat format) {
  if (channels <= 0 || sample_rate <= 0)
    throw SoundFileError(path + ": channels and sample rate must be positive");
  if (samples.size() % channels != 0)
    throw SoundFileError(path + ": sample count is not a multiple of the channel count");
  if (format == SoundFormat::from_extension) {
    const std::string ext = lower_extension(path);
    if (ext == "wav") format = SoundFormat::wav_pcm16;
    else if (ext == "flac") format = SoundFormat::flac_pcm16;
    else throw SoundFileError(path + ": unknown sound file extension '" + ext + "' (wav, flac)");
  }
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  switch (format) {
    case SoundFormat::wav_pcm16: info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16; break;
    case SoundFormat::wav_float: info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT; break;
    case SoundFormat::flac_pcm16: info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16; break;
    case SoundFormat::from_extension: break;
  }
  SndfilePtr f(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!f) throw SoundFileError(path + ": cannot create: " + sf_strerror(nullptr));
  // Clip instead of wrapping when converting floats outside [-1, 1] to integers.
  sf_command(f.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const sf_count_t frames = static_cast<sf_count_t>(samples.size() / channels);
  if (sf_writef_float(f.get(), samples.data(), frames) != frames)
    throw SoundFileError(path + ": write failed: " + sf_strerror(f.get()));
}

}  // namespace dflab
