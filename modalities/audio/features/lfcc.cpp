#include "modalities/audio/features/lfcc.h"

#include <stdexcept>

namespace dflab {

PluginInfo LfccFeature::info() {
  const LfccOptions d;
  std::vector<ParamSpec> specs = sample_rate_params(d.sample_rate);
  for (auto& s : stft_params(d.stft)) specs.push_back(std::move(s));
  specs.push_back(ParamSpec::integer("n_filters", d.n_filters, "linear triangular filters").range(1, 1024));
  specs.push_back(ParamSpec::integer("n_lfcc", d.n_lfcc, "cepstral coefficients kept (<= n_filters)").range(1, 1024));
  specs.push_back(ParamSpec::real("fmin", d.fmin, "lowest filter edge").range(0.0, std::nullopt).with_unit("Hz"));
  specs.push_back(ParamSpec::real("fmax", 0.0, "highest filter edge; 0 = sample_rate / 2").range(0.0, std::nullopt).with_unit("Hz"));
  specs.push_back(ParamSpec::string("log", "log10", "log10(x+eps) (baseline), db (torchaudio), ln(x+1e-6)")
                      .one_of({"log10", "db", "ln"}));
  specs.push_back(ParamSpec::real("pre_emphasis", d.pre_emphasis, "y[n] = x[n] - a x[n-1]; 0 = off").range(0.0, 1.0));
  specs.push_back(ParamSpec::boolean("with_energy", d.with_energy, "replace c0 by log10 frame energy"));
  specs.push_back(ParamSpec::string("deltas", "asvspoof", "append delta + delta-delta: none, asvspoof (x[t+1]-x[t-1]), librosa")
                      .one_of({"none", "asvspoof", "librosa"}));
  specs.push_back(ParamSpec::integer("delta_width", d.delta_width, "window of deltas = librosa").range(3, 101).with_unit("frames"));
  return {kind::audio_feature, "lfcc", "LFCC as the ASVspoof LFCC-LCNN baseline [60][frames] at defaults", specs};
}

LfccFeature::LfccFeature(const Params& p) : AudioFeature("lfcc", p) {
  const std::string at = p.origin.empty() ? "" : p.origin + ": ";
  LfccOptions& o = options_;
  o.sample_rate = static_cast<int>(p.integer("sample_rate"));
  o.stft = stft_from_params(p);
  o.n_filters = static_cast<int>(p.integer("n_filters"));
  o.n_lfcc = static_cast<int>(p.integer("n_lfcc"));
  o.fmin = p.real("fmin");
  o.fmax = p.real("fmax");
  o.log = lfcc_log_from_string(p.string("log"));
  o.pre_emphasis = p.real("pre_emphasis");
  o.with_energy = p.boolean("with_energy");
  o.deltas = delta_mode_from_string(p.string("deltas"));
  o.delta_width = static_cast<int>(p.integer("delta_width"));
  if (o.n_lfcc > o.n_filters)
    throw std::invalid_argument(at + "n_lfcc " + std::to_string(o.n_lfcc) + " > n_filters " + std::to_string(o.n_filters));
  const double fmax = o.fmax > 0 ? o.fmax : o.sample_rate / 2.0;
  if (fmax > o.sample_rate / 2.0 + 1e-9 || o.fmin >= fmax)
    throw std::invalid_argument(at + "need 0 <= fmin < fmax <= sample_rate / 2");
  if (o.delta_width % 2 == 0) throw std::invalid_argument(at + "delta_width must be odd");
}

FeatureMatrix LfccFeature::compute(const std::vector<float>& mono) const { return lfcc(mono, options_); }

}  // namespace dflab
