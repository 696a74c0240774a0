#pragma once
// Torch-free facts about a model plugin, for the CLI and the runner: builds the model from its
// Params and reports its input, size and cost.
//
//   ModelSummary s = summarize_model(registry, "resnet18", registry.defaults(kind::model, "resnet18"));
//   s.n_parameters;   // 11177025 (1-logit head)
//   s.over_limit;     // n_parameters > max_params (FFDV rule: 200M)
//
//   WeightCheck c = check_model_weights(registry, "mobilenet_v2", params, "mobilenetv2-12-int8.onnx");
//   c.complete;       // every backbone tensor found its weights (pretrained.h)

#include <cstdint>
#include <string>
#include <vector>

#include "modalities/models/input_spec.h"
#include "registry/registry.h"

namespace dflab {

inline constexpr std::int64_t ffdv_max_params = 200'000'000;

struct ModelSummary {
  std::string name;
  InputSpec input;
  std::vector<std::int64_t> audio_shape;   // av models: the audio windows beside input, [1, F, W]; else empty
  std::int64_t n_parameters = 0;
  std::int64_t n_trainable = 0;     // requires_grad
  double mult_adds = 0;             // one sample (batch 1), see count_mult_adds in model.h
  std::int64_t max_params = ffdv_max_params;
  bool over_limit = false;
};

// Throws what the plugin's constructor throws, or UnknownPluginError for an unknown name.
ModelSummary summarize_model(const Registry& registry, const std::string& name, const Params& params,
                             std::int64_t max_params = ffdv_max_params);

// `dflab model load-check`: how a weight file maps onto a model (pretrained.h), nothing trained.
struct WeightCheck {
  std::string file, format, mode;
  std::vector<std::string> notes, matched, missing, unexpected, head_fresh, head_dropped;
  std::vector<std::string> mismatched;   // "model.name [a, b] <- file.name [c, d]"
  bool complete = false;
};
// Throws std::runtime_error naming the file when it cannot be read as weights.
WeightCheck check_model_weights(const Registry& registry, const std::string& name, const Params& params,
                                const std::string& weights_file);

// `dflab model forward`: one forward pass in eval mode, with the weights of `weights_file` (empty:
// the plugin's own initialisation). The file must fill every backbone tensor (a fresh head is
// allowed and reported in `note`). Throws std::invalid_argument for an input of the wrong shape.
struct ForwardResult {
  std::vector<std::int64_t> shape;
  std::vector<float> values;
  std::string note;
};
ForwardResult forward_model(const Registry& registry, const std::string& name, const Params& params,
                            const std::string& weights_file, const std::vector<std::int64_t>& input_shape,
                            const std::vector<float>& input);

}  // namespace dflab
