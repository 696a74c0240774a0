#pragma once
// Local derivatives of a feature along time (columns).
//
//   FeatureMatrix d1 = delta(mfcc, 9, 1);   // [n][T], needs T >= width
//   FeatureMatrix d2 = delta(mfcc, 9, 2);

#include "modalities/audio/feature_matrix.h"

namespace dflab {

// ref: librosa.feature.delta(data, width, order, axis=-1, mode='interp') ==
// scipy.signal.savgol_filter(data, width, polyorder=order, deriv=order, axis=-1, mode='interp'):
// a least-squares polynomial of degree `order` over each window of `width` frames, differentiated
// `order` times at the centre; the first/last width/2 frames use the fit over the first/last window.
// Throws std::invalid_argument when width is even or < 3, order < 1, or width > n_frames.
FeatureMatrix delta(const FeatureMatrix& data, int width = 9, int order = 1);

// The ASVspoof LFCC-LCNN baseline's delta: x[t+1] - x[t-1] with the edge frames repeated.
// ref: project-NN-Pytorch-scripts sandbox/util_frontend.py, delta().
FeatureMatrix delta_asvspoof(const FeatureMatrix& data);

}  // namespace dflab
