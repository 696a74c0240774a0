#include "modalities/audio/audio_feature.h"

#include <stdexcept>

#include "modalities/audio/features/ffdv_mel_image.h"
#include "modalities/audio/features/lfcc.h"
#include "modalities/audio/features/mel.h"
#include "modalities/audio/features/mfcc.h"
#include "modalities/audio/features/stft.h"
#include "modalities/audio/features/waveform.h"

namespace dflab {

namespace {
std::string where(const Params& p) { return p.origin.empty() ? "" : p.origin + ": "; }
}  // namespace

std::vector<ParamSpec> sample_rate_params(int default_rate) {
  return {ParamSpec::integer("sample_rate", default_rate, "rate the audio is decoded / resampled to")
              .range(1000, 384000)
              .with_unit("Hz")};
}

std::vector<ParamSpec> stft_params(const StftOptions& d) {
  return {
      ParamSpec::integer("n_fft", d.n_fft, "FFT size").range(16, 65536).with_unit("samples"),
      ParamSpec::integer("hop_length", d.hop_length, "step between frames").range(1, 65536).with_unit("samples"),
      ParamSpec::integer("win_length", d.win_length, "window length, centred in n_fft; 0 = n_fft")
          .range(0, 65536)
          .with_unit("samples"),
      ParamSpec::string("window", d.window == WindowType::hann ? "hann" : "hamming", "periodic analysis window")
          .one_of({"hann", "hamming"}),
      ParamSpec::boolean("center", d.center, "pad n_fft/2 each side so frame t is centred at t*hop"),
      ParamSpec::string("pad_mode", d.pad_mode == PadMode::constant ? "constant" : "reflect",
                        "padding when center = true")
          .one_of({"constant", "reflect"}),
      ParamSpec::real("power", d.power, "exponent of |STFT|: 1 magnitude, 2 power").range(0.01, 10.0),
  };
}

std::vector<ParamSpec> mel_params(const MelOptions& d) {
  return {
      ParamSpec::integer("n_mels", d.n_mels, "mel bands").range(1, 2048),
      ParamSpec::real("fmin", d.fmin, "lowest band edge").range(0.0, std::nullopt).with_unit("Hz"),
      ParamSpec::real("fmax", d.fmax > 0 ? d.fmax : 0.0, "highest band edge; 0 = sample_rate / 2")
          .range(0.0, std::nullopt)
          .with_unit("Hz"),
      ParamSpec::string("mel_scale", d.scale == MelScale::slaney ? "slaney" : "htk", "mel formula")
          .one_of({"slaney", "htk"}),
      ParamSpec::string("norm", d.norm == MelNorm::slaney ? "slaney" : "none",
                        "slaney: divide each triangle by its width in Hz (constant energy per band)")
          .one_of({"slaney", "none"}),
  };
}

std::vector<ParamSpec> db_params(const DbOptions& d) {
  return {
      ParamSpec::boolean("ref_max", d.ref_max, "dB relative to the maximum (librosa ref=np.max)"),
      ParamSpec::real("ref", d.ref, "dB reference when ref_max = false").range(1e-20, std::nullopt),
      ParamSpec::real("amin", d.amin, "floor of the input before the log").range(1e-20, 1.0),
      ParamSpec::real("top_db", d.top_db, "clip to max - top_db; 0 = no clipping").range(0.0, std::nullopt).with_unit("dB"),
  };
}

StftOptions stft_from_params(const Params& p) {
  StftOptions s;
  s.n_fft = static_cast<int>(p.integer("n_fft"));
  s.hop_length = static_cast<int>(p.integer("hop_length"));
  s.win_length = static_cast<int>(p.integer("win_length"));
  s.window = window_from_string(p.string("window"));
  s.center = p.boolean("center");
  s.pad_mode = pad_mode_from_string(p.string("pad_mode"));
  s.power = p.real("power");
  if (s.win_length > s.n_fft)
    throw std::invalid_argument(where(p) + "win_length " + std::to_string(s.win_length) + " > n_fft " +
                                std::to_string(s.n_fft));
  return s;
}

MelOptions mel_from_params(const Params& p) {
  MelOptions m;
  m.sample_rate = static_cast<int>(p.integer("sample_rate"));
  m.n_fft = static_cast<int>(p.integer("n_fft"));
  m.n_mels = static_cast<int>(p.integer("n_mels"));
  m.fmin = p.real("fmin");
  m.fmax = p.real("fmax");
  m.scale = mel_scale_from_string(p.string("mel_scale"));
  m.norm = mel_norm_from_string(p.string("norm"));
  if (m.effective_fmax() > m.sample_rate / 2.0 + 1e-9)
    throw std::invalid_argument(where(p) + "fmax " + std::to_string(m.fmax) + " Hz above the Nyquist rate " +
                                std::to_string(m.sample_rate / 2.0) + " Hz");
  if (m.fmin >= m.effective_fmax())
    throw std::invalid_argument(where(p) + "fmin " + std::to_string(m.fmin) + " Hz must be below fmax " +
                                std::to_string(m.effective_fmax()) + " Hz");
  return m;
}

DbOptions db_from_params(const Params& p) {
  DbOptions d;
  d.ref_max = p.boolean("ref_max");
  d.ref = p.real("ref");
  d.amin = p.real("amin");
  d.top_db = p.real("top_db");
  return d;
}

void register_audio_feature_plugins(Registry& registry) {
  registry.add<StftFeature>(StftFeature::info());
  registry.add<MelFeature>(MelFeature::info());
  registry.add<MfccFeature>(MfccFeature::info());
  registry.add<LfccFeature>(LfccFeature::info());
  registry.add<FfdvMelImageFeature>(FfdvMelImageFeature::info());
  registry.add<WaveformFeature>(WaveformFeature::info());
}

}  // namespace dflab
