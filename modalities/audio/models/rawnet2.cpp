#include "modalities/audio/models/rawnet2.h"

#include "modalities/audio/models/sinc_filters.h"

namespace dflab {

namespace {

// model_config_RawNet.yaml: filts [20, [20, 20], [20, 128], [128, 128]], first_conv 1024; the
// reference builds block0-1 from filts[1], block2 from filts[2], block3-5 from [128, 128].
constexpr std::int64_t kSincFilters = 20, kSincLength = 1024;
constexpr std::int64_t kBlockChannels[6][2] = {{20, 20}, {20, 20}, {20, 128}, {128, 128}, {128, 128}, {128, 128}};
constexpr std::int64_t kPool = 3;       // after the filterbank and in every block
constexpr double kLeakySlope = 0.3;

// Residual_block: [N, C_in, L] -> [N, C_out, L / 3]. conv(3) - BN - LeakyReLU - conv(3), plus the
// input (1x1 conv when the channels change), then max-pool 3.
class RawNet2BlockImpl : public torch::nn::Module {
 public:
  RawNet2BlockImpl(std::int64_t in, std::int64_t out, bool first) {
    // bn1 of the non-first blocks: see the header. Its output is discarded by the reference, so it
    // never gets a gradient there either; frozen so that optimisers and checks know it.
    if (!first) {
      bn1 = register_module("bn1", nn::BatchNorm1d(in));
      for (auto& p : bn1->parameters()) p.set_requires_grad(false);
    }
    conv1 = register_module("conv1", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 3).padding(1)));
    bn2 = register_module("bn2", nn::BatchNorm1d(out));
    conv2 = register_module("conv2", torch::nn::Conv1d(torch::nn::Conv1dOptions(out, out, 3).padding(1)));
    if (in != out)
      conv_downsample = register_module("conv_downsample", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 1)));
  }
  torch::Tensor forward(torch::Tensor x) {
    namespace F = torch::nn::functional;
    torch::Tensor out = conv2(F::leaky_relu(bn2(conv1(x)), F::LeakyReLUFuncOptions().negative_slope(kLeakySlope)));
    out = out + (conv_downsample ? conv_downsample(x) : x);
    return F::max_pool1d(out, F::MaxPool1dFuncOptions(kPool));
  }

 private:
  nn::BatchNorm1d bn1{nullptr}, bn2{nullptr};
  torch::nn::Conv1d conv1{nullptr}, conv2{nullptr}, conv_downsample{nullptr};
};
TORCH_MODULE(RawNet2Block);

}  // namespace

RawNet2Impl::RawNet2Impl(const RawNet2Options& o) : o_(o) {
  if (o.gru_units <= 0 || o.gru_layers <= 0 || o.fc_units <= 0)
    throw std::invalid_argument("rawnet2: gru_units, gru_layers and fc_units must be positive");
  sinc_ = mel_sinc_filters(kSincFilters, kSincLength, o.sample_rate);
  first_bn = register_module("first_bn", nn::BatchNorm1d(kSincFilters));
  for (int i = 0; i < 6; ++i)
    blocks_.push_back(register_module("block" + std::to_string(i),
                                      torch::nn::Sequential(RawNet2Block(kBlockChannels[i][0], kBlockChannels[i][1], i == 0))));
  for (int i = 0; i < 6; ++i) {
    const std::int64_t c = kBlockChannels[i][1];
    fc_attention_.push_back(register_module("fc_attention" + std::to_string(i), torch::nn::Sequential(torch::nn::Linear(c, c))));
  }
  const std::int64_t c = kBlockChannels[5][1];
  bn_before_gru = register_module("bn_before_gru", nn::BatchNorm1d(c));
  gru = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(c, o.gru_units).num_layers(o.gru_layers).batch_first(true)));
  fc1_gru = register_module("fc1_gru", torch::nn::Linear(o.gru_units, o.fc_units));
  fc2_gru = register_module("fc2_gru", torch::nn::Linear(o.fc_units, 1));
}

std::int64_t RawNet2Impl::min_samples() const {
  return min_waveform_samples(sinc_, kPool, 7);   // after the filterbank, then once per block
}

torch::Tensor RawNet2Impl::forward(torch::Tensor x) {
  namespace F = torch::nn::functional;
  x = waveform_input("rawnet2", x, min_samples());
  x = F::conv1d(x, sinc_.to(x.device(), x.scalar_type()));                            // [N, 20, T - 1024]
  x = torch::selu(first_bn(F::max_pool1d(x.abs(), F::MaxPool1dFuncOptions(kPool))));  // [N, 20, L]
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const torch::Tensor h = blocks_[i]->forward(x);                                    // [N, C, L / 3]
    // FMS: a sigmoid scale per filter from its mean over time, applied as h * s + s.
    const torch::Tensor s = torch::sigmoid(fc_attention_[i]->forward(torch::adaptive_avg_pool1d(h, {1}).flatten(1))).unsqueeze(2);
    x = h * s + s;
  }
  x = torch::selu(bn_before_gru(x)).permute({0, 2, 1});   // [N, L', 128]
  const torch::Tensor last = std::get<0>(gru(x)).select(/*dim=*/1, /*index=*/-1);   // [N, gru_units]
  return fc2_gru(fc1_gru(last)).squeeze(1);                                          // [N]
}

PluginInfo RawNet2Model::info() {
  const RawNet2Options d;
  return {kind::model, "rawnet2",
          "RawNet2 (ASVspoof 2021 LA baseline): sinc filterbank + residual FMS blocks + GRU; raw waveform [N,1,1,T] -> [N]",
          {ParamSpec::integer("samples", 64600, "waveform samples per window (input width; ~4 s at 16 kHz)")
               .range(3211, 10000000)
               .with_unit("samples"),
           ParamSpec::integer("sample_rate", d.sample_rate, "rate of the input; must equal the waveform feature's")
               .range(1000, 384000)
               .with_unit("Hz"),
           ParamSpec::integer("gru_units", d.gru_units, "GRU hidden units (gru_node)").range(1, 8192),
           ParamSpec::integer("gru_layers", d.gru_layers, "stacked GRU layers (nb_gru_layer)").range(1, 16),
           ParamSpec::integer("fc_units", d.fc_units, "units of the linear layer before the logit (nb_fc_node)").range(1, 8192)}};
}

RawNet2Model::RawNet2Model(const Params& p) {
  RawNet2Options o;
  o.sample_rate = static_cast<int>(p.integer("sample_rate"));
  o.gru_units = p.integer("gru_units");
  o.gru_layers = p.integer("gru_layers");
  o.fc_units = p.integer("fc_units");
  net_ = RawNet2(o);
  input_ = {Modality::audio, 1, 1, p.integer("samples"), 1,
            "float mono waveform at " + std::to_string(o.sample_rate) + " Hz (audio_feature waveform)"};
}

}  // namespace dflab
