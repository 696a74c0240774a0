#include "modalities/audio/features/waveform.h"

#include <limits>
#include <stdexcept>

namespace dflab {

PluginInfo WaveformFeature::info() {
  return {kind::audio_feature, "waveform", "raw mono samples [1][n_samples] for raw-waveform models (rawnet2, aasist)",
          sample_rate_params(16000)};
}

WaveformFeature::WaveformFeature(const Params& p) : AudioFeature("waveform", p) {}

FeatureMatrix WaveformFeature::compute(const std::vector<float>& mono) const {
  if (mono.empty()) throw std::invalid_argument("waveform: empty signal");
  if (mono.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("waveform: " + std::to_string(mono.size()) + " samples do not fit one feature row");
  FeatureMatrix m(1, static_cast<int>(mono.size()));
  m.data = mono;
  return m;
}

}  // namespace dflab
