#pragma once
// Binary log loss (cross-entropy), as sklearn.metrics.log_loss, with the DFDC clip as an option.
//
//   double ll = log_loss(labels, scores);                          // eps = 1e-15
//   double dfdc = log_loss(labels, scores, {1e-15, /*dfdc_clip=*/true});
//
// logloss = -mean(y log p + (1 - y) log(1 - p)), p = clip(score, eps, 1 - eps). With dfdc_clip the
// score is first clipped to [0.01, 0.99], as DFDC submissions were (bounds the loss by -log 0.01).
// ref: sklearn.metrics.log_loss (scikit-learn 1.2 with eps=1e-15; newer versions default eps to the
//      float64 machine epsilon, so pass eps explicitly when comparing).

#include <vector>

namespace dflab {

struct LogLossOptions {
  double eps = 1e-15;      // clip probabilities to [eps, 1 - eps]; must be in (0, 0.5)
  bool dfdc_clip = false;  // clip scores to [0.01, 0.99] first
};

inline constexpr double kDfdcClipLow = 0.01;
inline constexpr double kDfdcClipHigh = 0.99;

// The probability actually used: dfdc clip (when asked), then [eps, 1 - eps].
double clip_probability(double score, const LogLossOptions& options);
// Loss of one sample (label 0/1, score in [0, 1]).
double sample_log_loss(int label, double score, const LogLossOptions& options);
// Mean loss. Throws std::invalid_argument on bad input (see check_binary_input), on a score
// outside [0, 1] (a probability is expected, not a logit) or an eps outside (0, 0.5).
// Defined with one class only.
double log_loss(const std::vector<int>& labels, const std::vector<double>& scores,
                const LogLossOptions& options = {});
// Throws std::invalid_argument naming the first score outside [0, 1].
void check_probabilities(const std::vector<double>& scores, const char* what);
void check_log_loss_options(const LogLossOptions& options);

}  // namespace dflab
