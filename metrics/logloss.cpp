#include "metrics/logloss.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "metrics/binary_input.h"

namespace dflab {

void check_log_loss_options(const LogLossOptions& options) {
  if (!(options.eps > 0.0 && options.eps < 0.5))
    throw std::invalid_argument("log_loss: eps " + std::to_string(options.eps) +
                                " is outside (0, 0.5)");
}

void check_probabilities(const std::vector<double>& scores, const char* what) {
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!(scores[i] >= 0.0 && scores[i] <= 1.0))
      throw std::invalid_argument(std::string(what) + ": score " + std::to_string(scores[i]) +
                                  " at index " + std::to_string(i) +
                                  " is not a probability in [0, 1]");
  }
}

double clip_probability(double score, const LogLossOptions& options) {
  if (options.dfdc_clip) score = std::clamp(score, kDfdcClipLow, kDfdcClipHigh);
  return std::clamp(score, options.eps, 1.0 - options.eps);
}

double sample_log_loss(int label, double score, const LogLossOptions& options) {
  const double p = clip_probability(score, options);
  return label == 1 ? -std::log(p) : -std::log(1.0 - p);
}

double log_loss(const std::vector<int>& labels, const std::vector<double>& scores,
                const LogLossOptions& options) {
  check_binary_input(labels, scores, "log_loss");
  check_probabilities(scores, "log_loss");
  check_log_loss_options(options);
  double sum = 0.0;
  for (std::size_t i = 0; i < labels.size(); ++i) sum += sample_log_loss(labels[i], scores[i], options);
  return sum / static_cast<double>(labels.size());
}

}  // namespace dflab
