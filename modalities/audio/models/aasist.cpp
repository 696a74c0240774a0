#include "modalities/audio/models/aasist.h"

#include "modalities/audio/models/sinc_filters.h"

namespace dflab {

namespace {

constexpr std::int64_t kPool = 3;   // the filterbank's (3, 3) max-pool and each block's (1, 3)

// Residual_block (2-D): [N, C_in, H, W] -> [N, C_out, H, W / 3]. conv(2x3, pad 1x1) - BN - SELU -
// conv(2x3, pad 0x1): the height grows by one and comes back; plus the input (1x3 conv when the
// channels change), then max-pool (1, 3).
class AasistBlockImpl : public torch::nn::Module {
 public:
  AasistBlockImpl(std::int64_t in, std::int64_t out, bool first) {
    using torch::nn::Conv2dOptions;
    // bn1 of the non-first blocks: see the header. Its output is discarded by the reference, so it
    // never gets a gradient there either; frozen so that optimisers and checks know it.
    if (!first) {
      bn1 = register_module("bn1", nn::BatchNorm2d(in));
      for (auto& p : bn1->parameters()) p.set_requires_grad(false);
    }
    conv1 = register_module("conv1", torch::nn::Conv2d(Conv2dOptions(in, out, {2, 3}).padding({1, 1})));
    bn2 = register_module("bn2", nn::BatchNorm2d(out));
    conv2 = register_module("conv2", torch::nn::Conv2d(Conv2dOptions(out, out, {2, 3}).padding({0, 1})));
    if (in != out)
      conv_downsample = register_module("conv_downsample", torch::nn::Conv2d(Conv2dOptions(in, out, {1, 3}).padding({0, 1})));
  }
  torch::Tensor forward(torch::Tensor x) {
    namespace F = torch::nn::functional;
    torch::Tensor out = conv2(torch::selu(bn2(conv1(x))));
    out = out + (conv_downsample ? conv_downsample(x) : x);
    return F::max_pool2d(out, F::MaxPool2dFuncOptions({1, kPool}));
  }

 private:
  nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv_downsample{nullptr};
};
TORCH_MODULE(AasistBlock);

torch::Tensor randn_parameter(torch::nn::Module& m, const std::string& name, std::vector<std::int64_t> shape) {
  return m.register_parameter(name, torch::randn(shape));
}

}  // namespace

AasistOptions AasistOptions::aasist() {
  AasistOptions o;   // filts [70, [1, 32], [32, 32], [32, 64], [64, 64]]: filts[4] makes blocks 3-5
  o.blocks = {{1, 32}, {32, 32}, {32, 64}, {64, 64}, {64, 64}, {64, 64}};
  o.gat_dims = {64, 32};
  o.pool_ratios = {0.5, 0.7, 0.5, 0.5};
  o.temperatures = {2.0, 2.0, 100.0, 100.0};
  return o;
}

AasistOptions AasistOptions::aasist_l() {
  AasistOptions o;   // filts [70, [1, 32], [32, 32], [32, 24], [24, 24]]
  o.blocks = {{1, 32}, {32, 32}, {32, 24}, {24, 24}, {24, 24}, {24, 24}};
  o.gat_dims = {24, 32};
  o.pool_ratios = {0.4, 0.5, 0.7, 0.5};
  o.temperatures = {2.0, 2.0, 100.0, 100.0};
  return o;
}

AasistImpl::AasistImpl(const AasistOptions& o) : o_(o) {
  if (o.blocks.size() != 6 || o.blocks[0].first != 1)
    throw std::invalid_argument("aasist: the encoder has 6 blocks and the first takes 1 channel");
  sinc_ = mel_sinc_filters(o.sinc_filters, o.sinc_length, o.sample_rate);
  first_bn = register_module("first_bn", nn::BatchNorm2d(1));
  drop = register_module("drop", torch::nn::Dropout(0.5));
  drop_way = register_module("drop_way", torch::nn::Dropout(0.2));
  encoder = register_module("encoder", Chain());
  for (std::size_t i = 0; i < o.blocks.size(); ++i)
    encoder->push_back(Chain(AasistBlock(o.blocks[i].first, o.blocks[i].second, i == 0)));
  const std::int64_t c = o.blocks.back().second, g0 = o.gat_dims[0], g1 = o.gat_dims[1];
  // 23 spectral nodes in the reference (hard-coded there; 70 filters pooled by 3).
  pos_S = randn_parameter(*this, "pos_S", {1, o.sinc_filters / kPool, c});
  master1 = randn_parameter(*this, "master1", {1, 1, g0});
  master2 = randn_parameter(*this, "master2", {1, 1, g0});
  GAT_layer_S = register_module("GAT_layer_S", GraphAttentionLayer(c, g0, o.temperatures[0]));
  GAT_layer_T = register_module("GAT_layer_T", GraphAttentionLayer(c, g0, o.temperatures[1]));
  HtrgGAT_layer_ST11 = register_module("HtrgGAT_layer_ST11", HtrgGraphAttentionLayer(g0, g1, o.temperatures[2]));
  HtrgGAT_layer_ST12 = register_module("HtrgGAT_layer_ST12", HtrgGraphAttentionLayer(g1, g1, o.temperatures[2]));
  HtrgGAT_layer_ST21 = register_module("HtrgGAT_layer_ST21", HtrgGraphAttentionLayer(g0, g1, o.temperatures[2]));
  HtrgGAT_layer_ST22 = register_module("HtrgGAT_layer_ST22", HtrgGraphAttentionLayer(g1, g1, o.temperatures[2]));
  pool_S = register_module("pool_S", GraphPool(o.pool_ratios[0], g0, 0.3));
  pool_T = register_module("pool_T", GraphPool(o.pool_ratios[1], g0, 0.3));
  pool_hS1 = register_module("pool_hS1", GraphPool(o.pool_ratios[2], g1, 0.3));
  pool_hT1 = register_module("pool_hT1", GraphPool(o.pool_ratios[2], g1, 0.3));
  pool_hS2 = register_module("pool_hS2", GraphPool(o.pool_ratios[2], g1, 0.3));
  pool_hT2 = register_module("pool_hT2", GraphPool(o.pool_ratios[2], g1, 0.3));
  out_layer = register_module("out_layer", torch::nn::Linear(5 * g1, 1));
}

std::int64_t AasistImpl::min_samples() const {
  return min_waveform_samples(sinc_, kPool, 7);   // after the filterbank, then once per block
}

torch::Tensor AasistImpl::forward(torch::Tensor x) {
  namespace F = torch::nn::functional;
  x = waveform_input("aasist", x, min_samples());
  x = F::conv1d(x, sinc_.to(x.device(), x.scalar_type())).unsqueeze(1);   // [N, 1, 70, T - 128]
  x = torch::selu(first_bn(F::max_pool2d(x.abs(), F::MaxPool2dFuncOptions({kPool, kPool}))));   // [N, 1, 23, L]
  const torch::Tensor e = encoder->forward(x).abs();   // [N, C, 23, L / 3^6]

  // Spectral graph: each sub-band's maximum over time (+ position); temporal: each frame's over frequency.
  const torch::Tensor e_S = std::get<0>(e.max(/*dim=*/3)).transpose(1, 2) + pos_S;   // [N, 23, C]
  const torch::Tensor out_S = pool_S(GAT_layer_S(e_S));
  const torch::Tensor e_T = std::get<0>(e.max(/*dim=*/2)).transpose(1, 2);           // [N, L', C]
  const torch::Tensor out_T = pool_T(GAT_layer_T(e_T));

  // Two branches of two heterogeneous layers each, with pooling between and residual updates.
  auto branch = [&](HtrgGraphAttentionLayer& first, HtrgGraphAttentionLayer& second, GraphPool& pool_hS,
                    GraphPool& pool_hT, const torch::Tensor& master) {
    auto [t, s, m] = first(out_T, out_S, master);
    s = pool_hS(s);
    t = pool_hT(t);
    auto [t_aug, s_aug, m_aug] = second(t, s, m);
    return std::make_tuple(drop_way(t + t_aug), drop_way(s + s_aug), drop_way(m + m_aug));
  };
  const auto [t1, s1, m1] = branch(HtrgGAT_layer_ST11, HtrgGAT_layer_ST12, pool_hS1, pool_hT1, master1);
  const auto [t2, s2, m2] = branch(HtrgGAT_layer_ST21, HtrgGAT_layer_ST22, pool_hS2, pool_hT2, master2);
  const torch::Tensor t = torch::max(t1, t2), s = torch::max(s1, s2), m = torch::max(m1, m2);

  const torch::Tensor hidden = torch::cat({std::get<0>(t.abs().max(1)), t.mean(1), std::get<0>(s.abs().max(1)), s.mean(1),
                                           m.squeeze(1)},
                                          /*dim=*/1);   // [N, 5 * gat_dims[1]]
  return out_layer(drop(hidden)).squeeze(1);           // [N]
}

PluginInfo AasistModel::info(const std::string& variant) {
  const bool light = variant == "aasist_l";
  return {kind::model, variant,
          std::string(light ? "AASIST-L (85K parameters)" : "AASIST") +
              ": sinc filterbank + residual encoder + spectro-temporal graph attention; raw waveform [N,1,1,T] -> [N]",
          {ParamSpec::integer("samples", 64600, "waveform samples per window (input width; ~4 s at 16 kHz)")
               .range(2315, 10000000)
               .with_unit("samples"),
           ParamSpec::integer("sample_rate", 16000, "rate of the input; must equal the waveform feature's")
               .range(1000, 384000)
               .with_unit("Hz")}};
}

AasistModel::AasistModel(const std::string& variant, const Params& p) {
  AasistOptions o = variant == "aasist_l" ? AasistOptions::aasist_l() : AasistOptions::aasist();
  o.sample_rate = static_cast<int>(p.integer("sample_rate"));
  net_ = Aasist(o);
  input_ = {Modality::audio, 1, 1, p.integer("samples"), 1,
            "float mono waveform at " + std::to_string(o.sample_rate) + " Hz (audio_feature waveform)"};
}

}  // namespace dflab
