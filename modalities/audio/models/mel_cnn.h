#pragma once
// mel_cnn: a small CNN on a mel spectrogram that trains in minutes on a CPU (~100k parameters at
// width 1): four conv3x3-BN-ReLU-maxpool2 blocks (16, 32, 64, 128 channels x width), pooling,
// dropout, one linear logit.
// pool = "time" (default) averages over time only and keeps the frequency axis (n_mels / 16 rows)
// for the linear layer: convolutions are shift-invariant, so after a fully global average the
// network cannot tell *which* band holds the energy — and a band-limited vocoder differs from a
// voice exactly there. pool = "global" averages over both (any input size >= 16 x 16).

#include "modalities/models/model.h"

namespace dflab {

struct MelCnnOptions {
  std::int64_t in_channels = 1;
  double width = 1.0;
  double dropout = 0.2;
  std::int64_t n_mels = 64;       // input height; fixed when pool_time
  bool pool_time = true;
};

class MelCnnImpl : public torch::nn::Module {
 public:
  explicit MelCnnImpl(const MelCnnOptions& o);
  // x: [N, C, F, T] float (F, T >= 16) -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  MelCnnOptions o_;
  torch::nn::Sequential features{nullptr};
  torch::nn::Dropout drop{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(MelCnn);

class MelCnnModel final : public NetModel<MelCnn> {
 public:
  static PluginInfo info();
  explicit MelCnnModel(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
