#pragma once
// An audio-visual model's per-video detection score from its offset search ([[models]] train
// score = "sync"): a logistic regression over what the sync curve says, fitted on the validation
// videos' curves and labels, so the score is a calibrated P(fake) rather than a raw curve value.
//
//   SyncCalibration cal = SyncCalibration::fit(val_curves, val_labels);   // both classes needed
//   double p = cal.score(curve);                    // P(fake) of one video
//   std::string stored = cal.to_json();             // kept with the run; from_json reads it back
//
// Features (sync_features): |offset| / max offset searched (a voice that fits elsewhere better),
// the confidence (median - min of the curve: how clearly some alignment fits), the gap between the
// recorded alignment and the best one (logit(0) - min), and the out-of-sync logit at the recorded
// alignment itself.

#include <string>
#include <vector>

#include "modalities/av/sync_curve.h"

namespace dflab {

// The features of one curve, in kSyncFeatureNames' order. Throws std::invalid_argument for a curve
// without offset 0 or whose logit there is NaN.
std::vector<double> sync_features(const SyncCurve& curve);
extern const std::vector<std::string> kSyncFeatureNames;

struct SyncCalibration {
  std::vector<double> coef;    // one per feature
  double intercept = 0.0;
  int max_offset = 0;          // the search it was fitted with (scoring uses the same)

  // L2 logistic regression (C = 1, modalities/fusion/logistic_regression.h) on the curves'
  // features; labels 0 real / 1 fake. Throws std::invalid_argument for no curve, curves over other
  // offsets than -max..max, or one class only.
  static SyncCalibration fit(const std::vector<SyncCurve>& curves, const std::vector<int>& labels);
  double score(const SyncCurve& curve) const;   // P(fake)

  std::string to_json() const;
  // Throws std::invalid_argument naming what is wrong in `text`.
  static SyncCalibration from_json(const std::string& text);
};

}  // namespace dflab
