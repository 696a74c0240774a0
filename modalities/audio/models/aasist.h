#pragma once
// aasist, aasist_l: AASIST on the raw waveform — the fixed sinc filterbank (70 filters of 129
// taps) as a [1, 70, T] "spectrogram", a 2-D residual encoder, spectral and temporal graphs of
// its maxima with graph attention and pooling, two branches of heterogeneous stacking graph
// attention with a master node, max of the branches, then max/mean readout and one linear logit.
// ref: Jung et al., ICASSP 2022, "AASIST: Audio Anti-Spoofing using Integrated Spectro-Temporal
//      Graph Attention Networks"; github.com/clovaai/aasist models/AASIST.py (Model, CONV,
//      Residual_block) with config/AASIST.conf and config/AASIST-L.conf. Graph layers:
//      graph_attention.h.
// Tensor names follow the reference (conv_time has none: its filters are fixed), so its state
// dicts (models/weights/AASIST.pth) load by name; their 2-class out_layer is dropped for our
// 1-logit one.
// Parameters: aasist 297,705, aasist_l 85,145 = the reference's 297,866 and 85,306 (the paper's
// 297K and 85K) minus 161 for the 1-logit head (out_layer 160x1 + 1 instead of 160x2 + 2),
// counted from the reference code by
// tests/modalities/audio/models/fixtures/make_raw_waveform_references.py.
// Input: the waveform feature, [N, 1, 1, T] at 16 kHz (T = 64600, ~4 s, as the paper: 29
// temporal nodes). Any T >= 2315 works (128 + 3^7: one temporal node after the filterbank's
// and encoder's seven poolings by 3; graph pooling always keeps at least one node); training
// needs more than one node per batch for the graph layers' BatchNorm.
// Not ported: the reference's optional Freq_aug (random masking of filterbank channels).
// Reference quirk kept: a residual block's bn1 + SELU output is computed and discarded (conv1
// reads the block input), so bn1 is held (state dict, parameter count) but not applied, and
// frozen (requires_grad = false: it gets no gradient in the reference either).

#include <array>
#include <utility>
#include <vector>

#include "modalities/audio/models/graph_attention.h"
#include "modalities/models/model.h"

namespace dflab {

struct AasistOptions {
  int sample_rate = 16000;              // Hz: places the sinc filters' band edges
  std::int64_t sinc_filters = 70;       // filts[0]; spectral nodes = sinc_filters / 3
  std::int64_t sinc_length = 128;       // first_conv (made odd: 129 taps)
  std::vector<std::pair<std::int64_t, std::int64_t>> blocks;   // (in, out) channels of the 6 encoder blocks
  std::array<std::int64_t, 2> gat_dims{};
  std::array<double, 4> pool_ratios{};   // pool_S, pool_T, pool_h* (pool_ratios[3] is unused, as the reference)
  std::array<double, 4> temperatures{};  // GAT_S, GAT_T, HtrgGAT (temperatures[3] unused, as the reference)

  static AasistOptions aasist();     // config/AASIST.conf
  static AasistOptions aasist_l();   // config/AASIST-L.conf
};

class AasistImpl : public torch::nn::Module {
 public:
  explicit AasistImpl(const AasistOptions& o);
  // x: [N, 1, 1, T] float waveform (T >= min_samples()) -> logits [N]
  torch::Tensor forward(torch::Tensor x);
  std::int64_t min_samples() const;

 private:
  AasistOptions o_;
  torch::Tensor sinc_;   // [sinc_filters, 1, K], fixed: not a parameter, not a buffer (as the reference)
  nn::BatchNorm2d first_bn{nullptr};
  torch::nn::Dropout drop{nullptr}, drop_way{nullptr};
  Chain encoder{nullptr};   // encoder.i.0 = Residual_block i
  torch::Tensor pos_S, master1, master2;
  GraphAttentionLayer GAT_layer_S{nullptr}, GAT_layer_T{nullptr};
  HtrgGraphAttentionLayer HtrgGAT_layer_ST11{nullptr}, HtrgGAT_layer_ST12{nullptr}, HtrgGAT_layer_ST21{nullptr},
      HtrgGAT_layer_ST22{nullptr};
  GraphPool pool_S{nullptr}, pool_T{nullptr}, pool_hS1{nullptr}, pool_hT1{nullptr}, pool_hS2{nullptr}, pool_hT2{nullptr};
  torch::nn::Linear out_layer{nullptr};
};
TORCH_MODULE(Aasist);

// `variant`: "aasist" or "aasist_l".
class AasistModel final : public NetModel<Aasist> {
 public:
  static PluginInfo info(const std::string& variant);
  AasistModel(const std::string& variant, const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
