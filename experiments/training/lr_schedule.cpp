#include "experiments/training/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dflab {

namespace {
constexpr double kPi = 3.14159265358979323846;
// OneCycleLR._annealing_cos
double anneal_cos(double start, double end, double pct) { return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1.0); }
}  // namespace

double LrSchedule::at(int step) const {
  switch (kind) {
    case Kind::constant:
      return peak;
    case Kind::step: {
      const int epoch = step / std::max(1, steps_per_epoch);
      return peak * std::pow(step_gamma, epoch / std::max(1, step_epochs));
    }
    case Kind::cosine:
      return peak * 0.5 * (1.0 + std::cos(kPi * std::min(step, total_steps) / std::max(1, total_steps)));
    case Kind::one_cycle: {
      const double initial = peak / div_factor;
      const double min_lr = initial / final_div_factor;
      // Phase ends as in PyTorch: float(pct_start * total_steps) - 1 and total_steps - 1.
      const double up_end = pct_start * total_steps - 1.0;
      const double down_end = total_steps - 1.0;
      const double s = std::min<double>(step, down_end);
      if (s <= up_end) return anneal_cos(initial, peak, up_end > 0 ? s / up_end : 1.0);
      return anneal_cos(peak, min_lr, down_end > up_end ? (s - up_end) / (down_end - up_end) : 1.0);
    }
  }
  return peak;
}

LrSchedule::Kind parse_lr_schedule(const std::string& name) {
  if (name == "one_cycle") return LrSchedule::Kind::one_cycle;
  if (name == "cosine") return LrSchedule::Kind::cosine;
  if (name == "step") return LrSchedule::Kind::step;
  if (name == "constant") return LrSchedule::Kind::constant;
  throw std::invalid_argument("unknown schedule '" + name + "' (one_cycle, cosine, step, constant)");
}

}  // namespace dflab
