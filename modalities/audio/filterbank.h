#pragma once
// Triangular filterbanks over the rfft bins: mel (Slaney or HTK scale, Slaney area norm or none)
// and linear (LFCC). Filters are stored with their non-zero bin range so applying one costs only
// its width.
//
//   MelOptions m;                                  // 22050 Hz, n_fft 2048, 128 Slaney mels, norm slaney
//   Filterbank fb = mel_filterbank(m);             // weights [128][1025]
//   FeatureMatrix mel = fb.apply(spectrogram(x, stft));   // [128][n_frames]

#include <string>
#include <vector>

#include "modalities/audio/feature_matrix.h"

namespace dflab {

enum class MelScale { slaney, htk };
enum class MelNorm { none, slaney };
MelScale mel_scale_from_string(const std::string& name);   // "slaney" | "htk"
MelNorm mel_norm_from_string(const std::string& name);     // "slaney" | "none"

// ref: librosa.hz_to_mel / librosa.mel_to_hz (htk=False: linear below 1 kHz, log above).
double hz_to_mel(double hz, MelScale scale);
double mel_to_hz(double mel, MelScale scale);

struct Filterbank {
  FeatureMatrix weights;        // [n_filters][n_bins]
  std::vector<int> first;       // first non-zero bin of each filter
  std::vector<int> last;        // one past the last non-zero bin

  int n_filters() const { return weights.n_rows; }
  int n_bins() const { return weights.n_cols; }
  // out[f] = sum_b weights[f][b] * spectrum[b]; spectrum has n_bins values, out n_filters.
  void apply(const float* spectrum, float* out) const;
  // [n_bins][n_frames] → [n_filters][n_frames]. Throws std::invalid_argument on a bin mismatch.
  FeatureMatrix apply(const FeatureMatrix& spectrogram) const;
};

struct MelOptions {
  int sample_rate = 22050;   // Hz
  int n_fft = 2048;
  int n_mels = 128;
  double fmin = 0.0;         // Hz
  double fmax = -1.0;        // Hz; <= 0 means sample_rate / 2
  MelScale scale = MelScale::slaney;
  MelNorm norm = MelNorm::slaney;

  double effective_fmax() const { return fmax > 0 ? fmax : sample_rate / 2.0; }
};

// ref: librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm) — computed in double.
Filterbank mel_filterbank(const MelOptions& options);

// Triangles equally spaced in Hz between fmin and fmax (fmax <= 0: sample_rate / 2), unnormalised.
// ref: torchaudio.functional.linear_fbanks; the same triangles as the ASVspoof 2021 LFCC-LCNN
// baseline's linear_fb (project-NN-Pytorch-scripts, sandbox/util_frontend.py).
Filterbank linear_filterbank(int sample_rate, int n_fft, int n_filters, double fmin, double fmax);

struct StftOptions;
// fb applied to each frame of |STFT|^power as it is computed (no full spectrogram held):
// [n_filters][n_frames]. ref: librosa.feature.melspectrogram(S=None, ...) == fb @ spectrogram.
FeatureMatrix filterbank_spectrogram(const std::vector<float>& signal, const StftOptions& stft,
                                     const Filterbank& fb);

}  // namespace dflab
