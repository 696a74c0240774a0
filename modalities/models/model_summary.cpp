#include "modalities/models/model_summary.h"

#include "modalities/av/models/av_model.h"
#include "modalities/models/model.h"
#include "modalities/models/pretrained.h"

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
  if (auto* av = dynamic_cast<AvModel*>(model.get())) {   // two inputs of the same times: both streams count
    const std::vector<std::int64_t> audio = av->audio_shape(1);
    s.audio_shape.assign(audio.begin() + 1, audio.end());
    s.mult_adds = count_mult_adds(*model, [&] { av->forward_av(torch::zeros(s.input.shape(1)), torch::zeros(audio)); });
  } else {
    s.mult_adds = count_mult_adds(*model, s.input.shape(1));
  }
  s.max_params = max_params;
  s.over_limit = s.n_parameters > max_params;
  return s;
}

WeightCheck check_model_weights(const Registry& registry, const std::string& name, const Params& params,
                                const std::string& weights_file) {
  std::unique_ptr<Model> model = registry.create<Model>(kind::model, name, params);
  const WeightLoadReport r = load_pretrained_weights(*model, read_weight_file(weights_file), /*apply=*/false);
  WeightCheck c{r.file, r.format, r.mode, r.notes, r.matched, r.missing, r.unexpected, r.head_fresh, r.head_dropped, {}, r.complete()};
  for (const auto& m : r.mismatched) c.mismatched.push_back(m.text());
  return c;
}

ForwardResult forward_model(const Registry& registry, const std::string& name, const Params& params,
                            const std::string& weights_file, const std::vector<std::int64_t>& input_shape,
                            const std::vector<float>& input) {
  std::unique_ptr<Model> model = registry.create<Model>(kind::model, name, params);
  ForwardResult out;
  if (!weights_file.empty()) {
    const WeightLoadReport r = load_pretrained_weights(*model, read_weight_file(weights_file));
    if (!r.complete())
      throw std::runtime_error(weights_file + " does not fill " + name + ":\n" + describe_problems(r));
    if (!r.head_fresh.empty()) out.note = "the head (" + r.head_fresh.front() + ", ...) is freshly initialised, not from the file";
  }
  const std::vector<std::int64_t> want = model->input().shape(input_shape.empty() ? 0 : input_shape.front());
  if (input_shape.size() != want.size())
    throw std::invalid_argument(name + " takes " + std::to_string(want.size() - 1) + "-D samples " + c10::str(torch::IntArrayRef(want)) +
                                " (N first), the input is " + c10::str(torch::IntArrayRef(input_shape)));
  std::int64_t numel = 1;
  for (const std::int64_t d : input_shape) numel *= d;
  if (numel != static_cast<std::int64_t>(input.size()))
    throw std::invalid_argument("input shape " + c10::str(torch::IntArrayRef(input_shape)) + " does not hold " + std::to_string(input.size()) + " values");
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::from_blob(const_cast<float*>(input.data()), input_shape, torch::kFloat).clone();
  const torch::Tensor y = model->forward(x).contiguous().to(torch::kFloat);
  out.shape = y.sizes().vec();
  out.values.assign(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
  return out;
}

}  // namespace dflab
