#pragma once
// Power / amplitude to decibels.
//
//   DbOptions db;                     // ref 1.0, amin 1e-10, top_db 80 (librosa defaults)
//   db.ref_max = true;                // ref=np.max, as the FFDV baseline
//   FeatureMatrix s_db = power_to_db(mel, db);

#include "modalities/audio/feature_matrix.h"

namespace dflab {

struct DbOptions {
  bool ref_max = false;    // reference = max of the input (librosa ref=np.max)
  double ref = 1.0;        // reference value when !ref_max
  double amin = 1e-10;     // floor of the input (and of the reference)
  double top_db = 80.0;    // clip to max - top_db; <= 0 disables
};

// ref: librosa.power_to_db: 10 log10(max(amin, S)) - 10 log10(max(amin, ref)), then
// max(., max - top_db). Throws std::invalid_argument for amin <= 0.
FeatureMatrix power_to_db(const FeatureMatrix& power, const DbOptions& options = {});

// ref: librosa.amplitude_to_db: power_to_db(S**2, ref**2, amin**2, top_db). Defaults as librosa
// (amin 1e-5, ref 1, top_db 80) when called with amplitude_db_defaults().
FeatureMatrix amplitude_to_db(const FeatureMatrix& amplitude, const DbOptions& options);
DbOptions amplitude_db_defaults();

}  // namespace dflab
