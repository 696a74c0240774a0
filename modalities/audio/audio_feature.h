#pragma once
// Audio feature extractors (plugins of kind "audio_feature"): mono samples at the plugin's sample
// rate → FeatureMatrix [n_features][n_frames]. Each is built from validated Params (its TOML table).
//
//   Registry reg; register_audio_feature_plugins(reg);
//   Params p = reg.defaults(kind::audio_feature, "mel");
//   p.set("n_mels", std::int64_t{64});
//   auto mel = reg.create<AudioFeature>(kind::audio_feature, "mel", p);
//   AudioDecodeOptions d; d.sample_rate = mel->sample_rate();
//   FeatureMatrix m = mel->compute(decode_audio("clip.mp4", d).samples);   // [64][n_frames]
//
// Plugins: stft, mel, mfcc, lfcc, ffdv_mel_image, waveform (modalities/audio/features/, one file each).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modalities/audio/decibel.h"
#include "modalities/audio/feature_matrix.h"
#include "modalities/audio/filterbank.h"
#include "modalities/audio/stft.h"
#include "registry/registry.h"

namespace dflab {

class AudioFeature : public Plugin {
 public:
  AudioFeature(std::string name, Params params) : name_(std::move(name)), params_(std::move(params)) {}

  // `mono` holds samples at sample_rate() Hz (the caller decodes at that rate). Throws
  // std::invalid_argument for a signal the transform cannot take (empty, too short).
  virtual FeatureMatrix compute(const std::vector<float>& mono) const = 0;
  // The rate the input must have, Hz (the plugin's `sample_rate` parameter).
  virtual int sample_rate() const { return static_cast<int>(params_.integer("sample_rate")); }
  // The feature's value for silence when it is known without looking at data (a waveform: 0).
  // nullopt: training takes the training features' minimum (the dB floor of a log spectrogram).
  // Fills silent tracks and pads clips shorter than the model's width.
  virtual std::optional<float> silence() const { return std::nullopt; }

  const std::string& name() const { return name_; }
  const Params& params() const { return params_; }
  // "mel:fmax=0.0;hop_length=512;...": identifies the computation, for cache keys.
  std::string cache_key() const { return name_ + ":" + params_.canonical(); }

 private:
  std::string name_;
  Params params_;
};

// Parameter declarations shared by the plugins, each with librosa's default unless given.
std::vector<ParamSpec> sample_rate_params(int default_rate = 22050);
std::vector<ParamSpec> stft_params(const StftOptions& defaults = {});
std::vector<ParamSpec> mel_params(const MelOptions& defaults = {});
std::vector<ParamSpec> db_params(const DbOptions& defaults = {});

// Params → options. Cross-field checks (win_length <= n_fft, fmin < fmax <= sr/2) throw
// std::invalid_argument naming the parameter and p.origin.
StftOptions stft_from_params(const Params& p);
MelOptions mel_from_params(const Params& p);   // sample_rate and n_fft from p too
DbOptions db_from_params(const Params& p);

// Adds stft, mel, mfcc, lfcc, ffdv_mel_image, waveform (called from experiments/builtin_plugins.cpp).
void register_audio_feature_plugins(Registry& registry);

}  // namespace dflab
