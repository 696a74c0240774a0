#include "experiments/training/inference.h"

#include <stdexcept>

#include <ATen/autocast_mode.h>

#include "experiments/training/batch_loader.h"
#include "registry/interrupt.h"

namespace dflab {

torch::Device resolve_device(const std::string& name) {
  if (name == "cpu") return torch::kCPU;
  const bool cuda = torch::cuda::is_available();
  if (name == "cuda" && !cuda)
    throw std::runtime_error("device = \"cuda\" but no CUDA GPU is usable (this libtorch: " +
                             std::string(torch::cuda::is_available() ? "CUDA" : "CPU-only") + ")");
  return cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
}

std::string compute_dtype(const PredictSettings& settings) {
  return settings.mixed_precision && settings.device.is_cuda() ? "bfloat16" : "float32";
}

std::vector<VideoScore> predict_videos(Model& model, const SampleSource& source, const Aggregator& aggregator,
                                       const PredictSettings& settings) {
  std::vector<VideoScore> out(source.size());
  std::vector<SampleRef> refs;
  for (std::size_t i = 0; i < source.size(); ++i) {
    out[i].id = source.video(i).id;
    out[i].label = source.video(i).label;
    if (source.units(i) == 0) out[i].missing_reason = source.missing_reason(i);
    for (std::size_t u = 0; u < source.units(i); ++u) refs.push_back({i, u});
  }
  const auto batch = static_cast<std::size_t>(std::max(1, settings.batch));
  std::vector<std::vector<SampleRef>> plan;
  for (std::size_t k = 0; k < refs.size(); k += batch)
    plan.emplace_back(refs.begin() + static_cast<std::ptrdiff_t>(k),
                      refs.begin() + static_cast<std::ptrdiff_t>(std::min(refs.size(), k + batch)));

  model.eval();
  torch::NoGradGuard no_grad;
  const bool autocast = compute_dtype(settings) == "bfloat16";
  // The dtype training used (trainer.cpp): libtorch's CUDA autocast default is float16, which a
  // `dflab predict` process that never trained would otherwise get.
  if (autocast) at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
  const bool flip = settings.tta_flip && source.modality() == AugmentModality::video;
  auto run = [&](bool hflip, std::vector<double>& probs) {
    LoaderOptions lo;
    lo.workers = settings.workers;
    lo.sequence = settings.sequence;
    lo.hflip = hflip;
    BatchLoader loader(source, plan, lo);
    while (std::optional<Batch> b = loader.next()) {
      throw_if_interrupted();
      at::autocast::set_enabled(autocast);
      const torch::Tensor logits = forward_batch(model, *b, settings.device);
      torch::Tensor p = torch::sigmoid(logits.to(torch::kFloat32)).to(torch::kCPU);
      at::autocast::set_enabled(false);
      for (std::int64_t k = 0; k < p.size(0); ++k) probs.push_back(p[k].item<double>());
    }
  };
  std::vector<double> probs;
  run(false, probs);
  if (flip) {
    std::vector<double> mirrored;
    run(true, mirrored);
    for (std::size_t k = 0; k < probs.size(); ++k) probs[k] = 0.5 * (probs[k] + mirrored[k]);
  }
  for (std::size_t k = 0; k < refs.size(); ++k) out[refs[k].video].unit_scores.push_back(probs[k]);
  for (VideoScore& v : out)
    if (!v.unit_scores.empty()) v.score = aggregator.aggregate(v.unit_scores);
  return out;
}

}  // namespace dflab
