#pragma once
// Torch-free facts about a model plugin, for the CLI and the runner: builds the model from its
// Params and reports its input, size and cost.
//
//   ModelSummary s = summarize_model(registry, "resnet18", registry.defaults(kind::model, "resnet18"));
//   s.n_parameters;   // 11177025 (1-logit head)
//   s.over_limit;     // n_parameters > max_params (FFDV rule: 200M)

#include <cstdint>
#include <string>

#include "modalities/models/input_spec.h"
#include "registry/registry.h"

namespace dflab {

inline constexpr std::int64_t ffdv_max_params = 200'000'000;

struct ModelSummary {
  std::string name;
  InputSpec input;
  std::int64_t n_parameters = 0;
  std::int64_t n_trainable = 0;     // requires_grad
  double mult_adds = 0;             // one sample (batch 1), see count_mult_adds in model.h
  std::int64_t max_params = ffdv_max_params;
  bool over_limit = false;
};

// Throws what the plugin's constructor throws, or UnknownPluginError for an unknown name.
ModelSummary summarize_model(const Registry& registry, const std::string& name, const Params& params,
                             std::int64_t max_params = ffdv_max_params);

}  // namespace dflab
