#include "modalities/audio/features/mfcc.h"

#include <stdexcept>

#include "modalities/audio/delta.h"

namespace dflab {

PluginInfo MfccFeature::info() {
  std::vector<ParamSpec> specs = sample_rate_params();
  for (auto& s : stft_params()) specs.push_back(std::move(s));
  for (auto& s : mel_params()) specs.push_back(std::move(s));
  for (auto& s : db_params()) specs.push_back(std::move(s));
  specs.push_back(ParamSpec::integer("n_mfcc", 20, "cepstral coefficients kept (<= n_mels)").range(1, 2048));
  specs.push_back(ParamSpec::integer("lifter", 0, "cepstral liftering; 0 = none").range(0, 10000));
  specs.push_back(ParamSpec::integer("delta_order", 0, "append delta (1) and delta-delta (2) rows").range(0, 2));
  specs.push_back(ParamSpec::integer("delta_width", 9, "frames in the delta window (odd)").range(3, 101).with_unit("frames"));
  return {kind::audio_feature, "mfcc", "MFCC [n_mfcc*(1+delta_order)][frames] (librosa.feature.mfcc)", specs};
}

MfccFeature::MfccFeature(const Params& p)
    : AudioFeature("mfcc", p),
      stft_(stft_from_params(p)),
      fb_(mel_filterbank(mel_from_params(p))),
      db_(db_from_params(p)),
      n_mfcc_(static_cast<int>(p.integer("n_mfcc"))),
      lifter_(static_cast<int>(p.integer("lifter"))),
      delta_order_(static_cast<int>(p.integer("delta_order"))),
      delta_width_(static_cast<int>(p.integer("delta_width"))) {
  const std::string at = p.origin.empty() ? "" : p.origin + ": ";
  if (n_mfcc_ > fb_.n_filters())
    throw std::invalid_argument(at + "n_mfcc " + std::to_string(n_mfcc_) + " > n_mels " + std::to_string(fb_.n_filters()));
  if (delta_width_ % 2 == 0) throw std::invalid_argument(at + "delta_width must be odd");
}

FeatureMatrix MfccFeature::compute(const std::vector<float>& mono) const {
  FeatureMatrix c = cepstra(power_to_db(filterbank_spectrogram(mono, stft_, fb_), db_), n_mfcc_, lifter_);
  if (delta_order_ == 0) return c;
  FeatureMatrix out(c.n_rows * (1 + delta_order_), c.n_cols);
  std::copy(c.data.begin(), c.data.end(), out.data.begin());
  for (int order = 1; order <= delta_order_; ++order) {
    const FeatureMatrix d = delta(c, delta_width_, order);
    std::copy(d.data.begin(), d.data.end(), out.data.begin() + order * c.data.size());
  }
  return out;
}

}  // namespace dflab
