#include "modalities/av/sync_calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "modalities/fusion/logistic_regression.h"

namespace dflab {

const std::vector<std::string> kSyncFeatureNames = {"abs_offset_fraction", "confidence", "gap_at_recorded",
                                                    "logit_at_recorded"};

namespace {

int max_offset_of(const SyncCurve& c) {
  int m = 0;
  for (int d : c.offsets) m = std::max(m, std::abs(d));
  return m;
}

LogisticModel as_model(const SyncCalibration& c) { return {c.coef, c.intercept, 0}; }

}  // namespace

std::vector<double> sync_features(const SyncCurve& c) {
  const auto zero = std::find(c.offsets.begin(), c.offsets.end(), 0);
  if (zero == c.offsets.end() || c.logit.size() != c.offsets.size())
    throw std::invalid_argument("sync features: the curve has no offset 0");
  const double at_zero = c.logit[static_cast<std::size_t>(zero - c.offsets.begin())];
  if (std::isnan(at_zero)) throw std::invalid_argument("sync features: no stack was scored at offset 0");
  double best = at_zero;
  for (double v : c.logit)
    if (!std::isnan(v)) best = std::min(best, v);
  const int m = max_offset_of(c);
  return {m ? std::abs(c.offset_frames) / static_cast<double>(m) : 0.0, c.confidence, at_zero - best, at_zero};
}

SyncCalibration SyncCalibration::fit(const std::vector<SyncCurve>& curves, const std::vector<int>& labels) {
  if (curves.empty()) throw std::invalid_argument("sync calibration: no validation video has an offset curve");
  SyncCalibration out;
  out.max_offset = max_offset_of(curves.front());
  std::vector<std::vector<double>> rows;
  for (const SyncCurve& c : curves) {
    if (max_offset_of(c) != out.max_offset)
      throw std::invalid_argument("sync calibration: curves searched over different offsets");
    rows.push_back(sync_features(c));
  }
  const LogisticModel lr = fit_logistic_regression(rows, labels, 1.0, 100, "sync calibration");
  out.coef = lr.coef;
  out.intercept = lr.intercept;
  return out;
}

double SyncCalibration::score(const SyncCurve& curve) const {
  if (max_offset_of(curve) != max_offset)
    throw std::invalid_argument("sync calibration was fitted on offsets -" + std::to_string(max_offset) + ".." +
                                std::to_string(max_offset) + ", given a curve over -" + std::to_string(max_offset_of(curve)) +
                                ".." + std::to_string(max_offset_of(curve)));
  return as_model(*this).probability(sync_features(curve));
}

std::string SyncCalibration::to_json() const {
  nlohmann::json j;
  j["features"] = kSyncFeatureNames;
  j["coef"] = coef;
  j["intercept"] = intercept;
  j["max_offset"] = max_offset;
  return j.dump();
}

SyncCalibration SyncCalibration::from_json(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("features") || !j.contains("coef") || !j.contains("intercept") || !j.contains("max_offset"))
    throw std::invalid_argument("sync calibration: not a stored calibration (features, coef, intercept, max_offset): " + text);
  SyncCalibration out;
  try {
    if (j.at("features").get<std::vector<std::string>>() != kSyncFeatureNames)
      throw std::invalid_argument("sync calibration: stored over other features than this dflab computes");
    out.coef = j.at("coef").get<std::vector<double>>();
    out.intercept = j.at("intercept").get<double>();
    out.max_offset = j.at("max_offset").get<int>();
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("sync calibration: ") + e.what());
  }
  if (out.coef.size() != kSyncFeatureNames.size() || out.max_offset < 1)
    throw std::invalid_argument("sync calibration: " + std::to_string(out.coef.size()) + " coefficients, max_offset " +
                                std::to_string(out.max_offset));
  return out;
}

}  // namespace dflab
