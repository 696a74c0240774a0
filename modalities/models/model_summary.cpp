#include "modalities/models/model_summary.h"

#include "modalities/models/model.h"

namespace dflab {

ModelSummary summarize_model(const Registry& registry, const std::string& name, const Params& params,
                             std::int64_t max_params) {
  std::unique_ptr<Model> model = registry.create<Model>(kind::model, name, params);
  ModelSummary s;
  s.name = name;
  s.input = model->input();
  for (const auto& p : model->parameters()) {
    s.n_parameters += p.numel();
    if (p.requires_grad()) s.n_trainable += p.numel();
  }
  s.mult_adds = count_mult_adds(*model, s.input.shape(1));
  s.max_params = max_params;
  s.over_limit = s.n_parameters > max_params;
  return s;
}

}  // namespace dflab
