#pragma once
// lcnn: the LFCC-LCNN countermeasure of the ASVspoof 2021 baseline — a light CNN with
// Max-Feature-Map activations (channels split in two halves, element-wise max), two BLSTM layers
// over time with a skip connection, average over time, one linear logit.
// ref: Wang & Yamagishi 2021, "A comparative study on recent neural spoofing countermeasures";
//      ASVspoof 2021 LA baseline Baseline-LFCC-LCNN/project/.../model.py (m_transform, BLSTMLayer).
// Input: LFCC (lfcc plugin, 20 coefficients + delta + delta-delta = 60) laid out [N, 1, F, T] like
// every audio model; the network transposes to the reference's [N, 1, T, F].

#include "modalities/models/model.h"

namespace dflab {

struct LcnnOptions {
  std::int64_t n_coeffs = 60;   // F; the CNN pools it by 16: LSTM width = (F / 16) * 32
  double dropout = 0.7;
};

class LcnnImpl : public torch::nn::Module {
 public:
  explicit LcnnImpl(const LcnnOptions& o);
  // x: [N, 1, F, T] float (T >= 16) -> logits [N]
  torch::Tensor forward(torch::Tensor x);

 private:
  LcnnOptions o_;
  torch::nn::Sequential transform{nullptr};
  torch::nn::LSTM blstm1{nullptr}, blstm2{nullptr};
  torch::nn::Linear fc{nullptr};
};
TORCH_MODULE(Lcnn);

class LcnnModel final : public NetModel<Lcnn> {
 public:
  static PluginInfo info();
  explicit LcnnModel(const Params& p);
  InputSpec input() const override { return input_; }

 private:
  InputSpec input_;
};

}  // namespace dflab
