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
  // The offset search (experiments/training/av_sync_curve.h) pairs every mouth stack with the audio
  // of many times. A model whose logit depends on one embedding per stream says so, and the search
  // embeds each stack and each window once instead of once per pair (av_sync: ~30x fewer mouth
  // passes at 31 offsets). The three functions below throw std::logic_error unless it does.
  virtual bool embeds_streams_separately() const { return false; }
  virtual torch::Tensor embed_mouths(const torch::Tensor& mouths);   // [N, T, 3, H, W] -> [N, E]
  virtual torch::Tensor embed_audio(const torch::Tensor& audio);     // [N, 1, F, W] -> [N, E]
  // Embeddings of the same rows -> logits [N]; forward_av(m, a) == logits_of_embeddings(embed_mouths(m), embed_audio(a)).
  virtual torch::Tensor logits_of_embeddings(const torch::Tensor& mouths, const torch::Tensor& audio);
  // One tensor is not an audio-visual unit.
  torch::Tensor forward(const torch::Tensor&) override {
    throw std::logic_error(name_for_errors() + " takes mouth stacks and audio windows together (forward_av), not one tensor");
  }

 protected:
  virtual std::string name_for_errors() const = 0;
};

// The unit every av model is built for: [av]'s stack and mouth size, and the rows and columns of
// its feature window (MFCC at hop 160 over 0.2 s at 16 kHz: 13 x 21). Declared once, so that the
// plugins' parameters, docs and ranges agree.
struct AvUnitShape {
  std::int64_t stack = 5, mouth_height = 48, mouth_width = 96, audio_bins = 13, audio_frames = 21;
  static std::vector<ParamSpec> params();      // stack, mouth_height, mouth_width, audio_bins, audio_frames
  static AvUnitShape from(const Params& p);    // those parameters' values
  // The mouths as a sequence [N, T, 3, H, W], the note naming the audio beside them.
  InputSpec mouth_input() const;
};

// An AvModel over a C++-frontend module holder, as NetModel for one input: subclasses set net_
// and shape_, and define info() and forward_av.
template <class Holder>
class AvNetModel : public AvModel {
 public:
  InputSpec input() const override { return shape_.mouth_input(); }
  std::vector<std::int64_t> audio_shape(std::int64_t batch) const override {
    return {batch, 1, shape_.audio_bins, shape_.audio_frames};
  }
  std::vector<torch::Tensor> parameters() const override { return net_->parameters(); }
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override { return module_state(*net_); }
  void train(bool on = true) override { net_->train(on); }
  bool is_training() const override { return net_->is_training(); }
  void to(const torch::Device& device) override { net_->to(device); }

 protected:
  Holder net_{nullptr};
  AvUnitShape shape_;
};

}  // namespace dflab
