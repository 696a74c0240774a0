#pragma once
// rawnet2: the ASVspoof 2021 LA baseline countermeasure on the raw waveform — a fixed mel-scaled
// sinc filterbank (20 filters of 1025 taps), |.|, max-pool 3, six 1-D residual blocks each
// followed by filter-wise feature map scaling (FMS: x * s + s, s = sigmoid(FC(mean over time))),
// a 3-layer GRU of 1024 units whose last step goes through two linear layers.
// ref: Tak et al., ICASSP 2021, "End-to-end anti-spoofing with RawNet2";
//      github.com/asvspoof-challenge/2021 LA/Baseline-RawNet2/model.py (RawNet, Residual_block,
//      SincConv) with model_config_RawNet.yaml: filts [20, [20,20], [20,128], [128,128]],
//      first_conv 1024, gru_node 1024, nb_gru_layer 3, nb_fc_node 1024.
// Tensor names follow the reference (Sinc_conv has none: its filters are fixed), so its state
// dicts load by name (`pretrained`); its 2-class fc2_gru head is dropped for our 1-logit one.
// Parameters at the defaults: 17,620,385 = the reference's 17,621,410 minus 1,025 for the 1-logit
// head (fc2_gru 1024x1 + 1 instead of 1024x2 + 2), counted from the reference code by
// tests/modalities/audio/models/fixtures/make_raw_waveform_references.py. (The 25.43M quoted for
// RawNet2 in the AASIST paper's table is not what this code and config give.)
// Input: the waveform feature, [N, 1, 1, T] at 16 kHz (T = 64600, ~4 s, as the paper; any
// T >= 3211 works: the filterbank and seven poolings by 3 need 1024 + 3 * 729 samples).
// Reference quirk kept: a residual block's bn1 + LeakyReLU output is computed and discarded
// (conv1 reads the block input), so bn1 is held (state dict, parameter count) but not applied,
// and frozen (requires_grad = false: it gets no gradient in the reference either).

#include "modalities/models/model.h"

namespace dflab {

// The filterbank and residual channels are the baseline's (filts, first_conv); the recurrent
// part can be made smaller for a quick run on a CPU.
struct RawNet2Options {
  int sample_rate = 16000;         // Hz: places the sinc filters' mel-spaced band edges
  std::int64_t gru_units = 1024;   // gru_node
  std::int64_t gru_layers = 3;     // nb_gru_layer
  std::int64_t fc_units = 1024;    // nb_fc_node
};

class RawNet2Impl : public torch::nn::Module {
 public:
  explicit RawNet2Impl(const RawNet2Options& o);
  // x: [N, 1, 1, T] float waveform (T >= min_samples()) -> logits [N]
  torch::Tensor forward(torch::Tensor x);
  std::int64_t min_samples() const;

 private:
  RawNet2Options o_;
  torch::Tensor sinc_;   // [sinc_filters, 1, K], fixed: not a parameter, not a buffer (as the reference)
  nn::BatchNorm1d first_bn{nullptr}, bn_before_gru{nullptr};
  std::vector<torch::nn::Sequential> blocks_;         // block0..block5, each Sequential(Residual_block)
  std::vector<torch::nn::Sequential> fc_attention_;   // fc_attention0..5, each Sequential(Linear)
  torch::nn::GRU gru{nullptr};
  torch::nn::Linear fc1_gru{nullptr}, fc2_gru{nullptr};
};
TORCH_MODULE(RawNet2);

class RawNet2Model final : public NetModel<RawNet2> {
 public:
  static PluginInfo info();
  explicit RawNet2Model(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
