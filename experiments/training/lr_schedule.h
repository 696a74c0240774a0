#pragma once
// Learning rate as a function of the optimiser step, computed (not accumulated) so a resumed
// training continues exactly where it stopped.
//
//   LrSchedule s{LrSchedule::Kind::one_cycle, /*peak=*/3e-4, /*total_steps=*/epochs * steps_per_epoch};
//   for (int step = 0; step < s.total_steps; ++step) set_lr(s.at(step));
//
// one_cycle  torch.optim.lr_scheduler.OneCycleLR (anneal_strategy="cos", three_phase=False,
//            pct_start 0.3, div_factor 25, final_div_factor 1e4), stepped every batch; the
//            momentum cycling of PyTorch's version is not reproduced.
// cosine     CosineAnnealingLR(T_max = total_steps, eta_min = 0), stepped every batch.
// step       StepLR(step_size = step_epochs, gamma): peak * gamma^(epoch / step_epochs).
// constant   peak.
// ref: torch/optim/lr_scheduler.py (1.13) — tests compare with it.

#include <string>

namespace dflab {

struct LrSchedule {
  enum class Kind { one_cycle, cosine, step, constant };
  Kind kind = Kind::one_cycle;
  double peak = 3e-4;
  int total_steps = 1;
  int steps_per_epoch = 1;   // for step
  int step_epochs = 10;
  double step_gamma = 0.1;
  double pct_start = 0.3;
  double div_factor = 25.0;
  double final_div_factor = 1e4;

  double at(int step) const;
};

// "one_cycle" | "cosine" | "step" | "constant"; throws std::invalid_argument otherwise.
LrSchedule::Kind parse_lr_schedule(const std::string& name);

}  // namespace dflab
