#pragma once
// Linear-frequency cepstral coefficients, as in the ASVspoof 2019/2021 LFCC-LCNN baseline.
//
//   LfccOptions o;                    // the baseline: 16 kHz, 20 ms hamming window, 10 ms hop,
//   FeatureMatrix f = lfcc(x, o);     // n_fft 512, 20 filters, log10, energy, deltas → [60][T]
//
// ref: project-NN-Pytorch-scripts, sandbox/util_frontend.py, class LFCC (Xin Wang), used by the
// ASVspoof 2021 LFCC-LCNN baseline: pre-emphasis 0.97, |torch.stft|^2 (center, constant pad),
// log10(fb + eps_f32), DCT-II ortho, c0 replaced by log10 of the frame energy / n_fft, then
// [lfcc, delta, delta-delta]. The log "db" / "ln" modes mirror torchaudio.transforms.LFCC.

#include <string>
#include <vector>

#include "modalities/audio/feature_matrix.h"
#include "modalities/audio/stft.h"

namespace dflab {

enum class LfccLog { log10, db, ln };
enum class DeltaMode { none, asvspoof, librosa };
LfccLog lfcc_log_from_string(const std::string& name);       // "log10" | "db" | "ln"
DeltaMode delta_mode_from_string(const std::string& name);   // "none" | "asvspoof" | "librosa"

struct LfccOptions {
  int sample_rate = 16000;   // Hz, of the input
  StftOptions stft = baseline_stft();
  int n_filters = 20;
  int n_lfcc = 20;           // <= n_filters
  double fmin = 0.0;         // Hz
  double fmax = -1.0;        // Hz; <= 0: sample_rate / 2
  LfccLog log = LfccLog::log10;
  // log10: log10(x + 1.1920929e-7) (baseline); db: 10 log10(max(x, 1e-10)) clipped at max - 80
  // (torchaudio LFCC log_lf=False); ln: ln(x + 1e-6) (torchaudio log_lf=True).
  double pre_emphasis = 0.97;   // y[n] = x[n] - a x[n-1]; 0 disables
  bool with_energy = true;      // c0 := log10(sum |X|^2 / n_fft + eps)
  DeltaMode deltas = DeltaMode::asvspoof;   // append delta and delta-delta rows
  int delta_width = 9;                       // for DeltaMode::librosa

  static StftOptions baseline_stft() {
    StftOptions s;
    s.n_fft = 512;
    s.hop_length = 160;
    s.win_length = 320;
    s.window = WindowType::hamming;
    s.power = 2.0;
    return s;
  }
};

// [n_lfcc * (deltas == none ? 1 : 3)][n_frames]
FeatureMatrix lfcc(const std::vector<float>& signal, const LfccOptions& options);

}  // namespace dflab
