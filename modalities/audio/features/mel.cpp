#include "modalities/audio/features/mel.h"

namespace dflab {

PluginInfo MelFeature::info() {
  std::vector<ParamSpec> specs = sample_rate_params();
  for (auto& s : stft_params()) specs.push_back(std::move(s));
  for (auto& s : mel_params()) specs.push_back(std::move(s));
  specs.push_back(ParamSpec::boolean("to_db", false, "convert to dB with power_to_db (ref, amin, top_db)"));
  for (auto& s : db_params()) specs.push_back(std::move(s));
  return {kind::audio_feature, "mel", "mel spectrogram [n_mels][frames] (librosa.feature.melspectrogram)", specs};
}

MelFeature::MelFeature(const Params& p)
    : AudioFeature("mel", p),
      stft_(stft_from_params(p)),
      fb_(mel_filterbank(mel_from_params(p))),
      to_db_(p.boolean("to_db")),
      db_(db_from_params(p)) {}

FeatureMatrix MelFeature::compute(const std::vector<float>& mono) const {
  FeatureMatrix m = filterbank_spectrogram(mono, stft_, fb_);
  return to_db_ ? power_to_db(m, db_) : m;
}

}  // namespace dflab
