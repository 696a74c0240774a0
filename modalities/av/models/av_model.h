#pragma once
// Audio-visual models ([[models]] modality = "av"): a Model that takes two tensors of the same
// times instead of one. input() describes the mouth stacks as a sequence, [N, T, 3, H, W]
// (T = [av] stack); audio_shape() the audio windows, [N, 1, F, W] (the [av] feature window of the
// stack's middle frame). The training engine and inference call forward_av for these models
// (experiments/training/av_sample_source.h makes the units).
//
//   auto model = registry.create<Model>(kind::model, "av_joint", params);
//   auto* av = dynamic_cast<AvModel*>(model.get());
//   torch::Tensor logits = av->forward_av(mouths, audio);   // [N]

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "modalities/models/model.h"

namespace dflab {

class AvModel : public Model {
 public:
  // {batch, 1, F, W}: the audio windows forward_av expects beside input().shape(batch).
  virtual std::vector<std::int64_t> audio_shape(std::int64_t batch) const = 0;
  // mouths [N, T, 3, H, W] and audio [N, 1, F, W] of the same times -> logits [N].
  virtual torch::Tensor forward_av(const torch::Tensor& mouths, const torch::Tensor& audio) = 0;
  // One tensor is not an audio-visual unit.
  torch::Tensor forward(const torch::Tensor&) override {
    throw std::logic_error(name_for_errors() + " takes mouth stacks and audio windows together (forward_av), not one tensor");
  }

 protected:
  virtual std::string name_for_errors() const = 0;
};

}  // namespace dflab
