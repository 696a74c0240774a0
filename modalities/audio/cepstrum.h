#pragma once
// Cepstral coefficients of a log filterbank spectrogram: MFCC (mel, dB) and the DCT they share.
//
//   MfccOptions o;                 // librosa defaults: 20 coefficients of 128 Slaney mels in dB
//   FeatureMatrix c = mfcc(x, o);  // [n_mfcc][n_frames]

#include <vector>

#include "modalities/audio/decibel.h"
#include "modalities/audio/feature_matrix.h"
#include "modalities/audio/filterbank.h"
#include "modalities/audio/stft.h"

namespace dflab {

// Orthonormal DCT-II, first n_out rows: [n_out][n_in].
// ref: scipy.fft.dct(x, type=2, norm='ortho') as a matrix.
FeatureMatrix dct2_ortho_matrix(int n_in, int n_out);

// DCT-II (ortho) along the rows of a log spectrogram [n_bands][n_frames] → [n_coef][n_frames],
// then liftering when lifter > 0 (ref: librosa.feature.mfcc, 1 + (lifter/2) sin(pi (k+1) / lifter)).
FeatureMatrix cepstra(const FeatureMatrix& log_spectrogram, int n_coef, int lifter = 0);

struct MfccOptions {
  StftOptions stft;   // librosa defaults
  MelOptions mel;     // sample_rate is the input's rate
  DbOptions db;       // ref 1, amin 1e-10, top_db 80
  int n_mfcc = 20;
  int lifter = 0;
};

// ref: librosa.feature.mfcc(y, sr, n_mfcc, dct_type=2, norm='ortho', lifter) with S =
// power_to_db(melspectrogram(y, sr, ...)).
FeatureMatrix mfcc(const std::vector<float>& signal, const MfccOptions& options);

}  // namespace dflab
