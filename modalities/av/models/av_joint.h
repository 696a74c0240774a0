#pragma once
// av_joint (model "av_joint"): a small supervised two-stream classifier of audio-visual units —
// a stack of T mouth crops and the audio window of the same times, each mapped to an embedding,
// fused (both embeddings and their product) and classified like any model. The first "av" model:
// it proves the wiring of time-aligned samples into training; its streams follow SyncNet's
// (frames stacked on channels; a 2-D CNN over the feature window), without its contrastive
// training (that is av_sync's job, issue 17).
// ref: Chung & Zisserman, "Out of time: automated lip sync in the wild", ACCV 2016 workshops.

#include "modalities/av/models/av_model.h"

namespace dflab {

struct AvJointOptions {
  AvUnitShape unit;                              // = [av]'s
  std::int64_t embed = 64;                       // embedding size of each stream
  double dropout = 0.3;
};

class AvJointImpl : public torch::nn::Module {
 public:
  explicit AvJointImpl(const AvJointOptions& o);
  // mouths [N, T, 3, H, W], audio [N, 1, F, W] -> logits [N]
  torch::Tensor forward(torch::Tensor mouths, torch::Tensor audio);

 private:
  AvJointOptions o_;
  torch::nn::Sequential video{nullptr}, sound{nullptr}, head{nullptr};
};
TORCH_MODULE(AvJoint);

class AvJointModel final : public AvNetModel<AvJoint> {
 public:
  static PluginInfo info();
  explicit AvJointModel(const Params& p);
  torch::Tensor forward_av(const torch::Tensor& mouths, const torch::Tensor& audio) override;

 private:
  std::string name_for_errors() const override { return "av_joint"; }
};

}  // namespace dflab
