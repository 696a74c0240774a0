// Every registered model plugin (except those that need a file: torchscript, onnx_backbone)
// builds from its defaults, reports an input spec that matches its forward, and runs forward +
// backward on a tiny batch (2 samples, the smallest input size its parameters allow) with a [2]
// output and finite gradients. Also: the parameter counts of the larger torchvision-layout models.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "modalities/av/models/av_model.h"
#include "modalities/models/register_models.h"
#include "modalities/models/model.h"
#include "modalities/models/model_summary.h"

namespace dflab {
namespace {

Registry model_registry() {
  Registry r;
  register_model_plugins(r);
  return r;
}

Params tiny_params(const PluginInfo& info, const Registry& reg) {
  Params p = reg.defaults(kind::model, info.name);
  for (const ParamSpec& s : info.params) {
    if (s.name == "input_size" || s.name == "n_mels" || s.name == "frames")   // at least 2 frames per clip
      p.set(s.name, std::max<std::int64_t>(2, static_cast<std::int64_t>(*s.min)));
    if (s.name == "samples") p.set(s.name, static_cast<std::int64_t>(*s.min));   // raw-waveform models' shortest input
  }
  return p;
}

TEST(ModelZoo, EveryModelRunsForwardAndBackwardOnATinyBatch) {
  at::set_num_threads(1);
  torch::manual_seed(0);
  const Registry reg = model_registry();
  const auto names = reg.names(kind::model);
  ASSERT_GE(names.size(), 17u);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const PluginInfo& info = reg.info(kind::model, name);
    bool needs_file = false;   // torchscript, onnx_backbone: their own tests
    for (const auto& s : info.params) needs_file = needs_file || !s.default_value.has_value();
    if (needs_file) continue;
    // Builds from its own defaults (the full-size network)...
    EXPECT_NO_THROW(reg.create<Model>(kind::model, name, reg.defaults(kind::model, name)));
    // ...and from the smallest sizes for the forward/backward check.
    auto m = reg.create<Model>(kind::model, name, tiny_params(info, reg));
    m->train();
    torch::Tensor x = torch::randn(m->input().shape(2));
    // An audio-visual model takes the audio windows of the same times beside the mouth stacks.
    auto* av = dynamic_cast<AvModel*>(m.get());
    torch::Tensor logits = av ? av->forward_av(x, torch::randn(av->audio_shape(2))) : m->forward(x);
    ASSERT_EQ(logits.sizes(), (std::vector<std::int64_t>{2}));
    ASSERT_TRUE(torch::isfinite(logits).all().item<bool>());
    torch::binary_cross_entropy_with_logits(logits, torch::tensor({0.0f, 1.0f})).backward();
    std::int64_t with_grad = 0, params = 0;
    for (const auto& p : m->parameters()) {
      if (!p.requires_grad()) continue;   // frozen by design (rawnet2, aasist: the reference's unused bn1)
      ++params;
      if (!p.grad().defined()) continue;
      ++with_grad;
      ASSERT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
    }
    EXPECT_EQ(with_grad, params) << "parameters without a gradient";
    EXPECT_LT(m->n_parameters(), 200'000'000);
    // What `dflab model info` prints: a summary with a cost, whatever inputs the model takes.
    const ModelSummary summary = summarize_model(reg, name, tiny_params(info, reg));
    EXPECT_GT(summary.mult_adds, 0.0);
    EXPECT_EQ(summary.audio_shape.empty(), av == nullptr);
  }
}

// ref: torchvision docs, parameter counts with their K-class head; ours have one logit, so the
// difference is (K - 1) * (F + 1) with F the features before the head.
TEST(ModelZoo, TorchvisionLayoutParameterCounts) {
  at::set_num_threads(1);
  const Registry reg = model_registry();
  const struct { const char* name; std::int64_t torchvision; std::int64_t classes; std::int64_t features; } cases[] = {
      {"resnet34", 21'797'672, 1000, 512},          {"resnet50", 25'557'032, 1000, 2048},
      {"efficientnet_b1", 7'794'184, 1000, 1280},   {"efficientnet_b2", 9'109'994, 1000, 1408},
      {"efficientnet_b3", 12'233'232, 1000, 1536},  {"efficientnet_b4", 19'341'616, 1000, 1792},
      {"efficientnet_b5", 30'389'784, 1000, 2048},  {"efficientnet_b6", 43'040'704, 1000, 2304},
      {"efficientnet_b7", 66'347'960, 1000, 2560},
      {"xception", 22'855'952, 1000, 2048},         // Cadene pretrainedmodels / timm legacy_xception
      {"se_resnext50", 27'559'896, 1000, 2048},     // Cadene pretrainedmodels se_resnext50_32x4d
      {"r2plus1d_18", 31'505'325, 400, 512},        // torchvision video model, 400 Kinetics classes
      // /usr/bin/python3 -c "import torchvision; m = torchvision.models.video.mc3_18();
      //   print(sum(p.numel() for p in m.parameters()))"   (python3-torchvision 0.14.1) -> 11695440
      {"mc3_18", 11'695'440, 400, 512},
  };
  for (const auto& c : cases) {
    auto m = reg.create<Model>(kind::model, c.name, reg.defaults(kind::model, c.name));
    EXPECT_EQ(m->n_parameters(), c.torchvision - (c.classes - 1) * (c.features + 1)) << c.name;
  }
}

// Every tensor of torchvision's mc3_18 state dict (fixtures/mc3_18_state_dict.txt, made by
// fixtures/make_mc3_state_dict.py) has a tensor of the same name and shape in ours, except the
// 400-class head; so its Kinetics weights map by name.
TEST(ModelZoo, Mc3StateDictLinesUpWithTorchvision) {
  const Registry reg = model_registry();
  auto m = reg.create<Model>(kind::model, "mc3_18", reg.defaults(kind::model, "mc3_18"));
  std::map<std::string, std::vector<std::int64_t>> ours;
  for (const auto& [name, t] : m->named_state()) ours[name] = t.sizes().vec();
  std::ifstream in(std::string(DFLAB_SOURCE_DIR) + "/tests/modalities/models/fixtures/mc3_18_state_dict.txt");
  ASSERT_TRUE(in) << "missing mc3_18_state_dict.txt";
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, dims;
    fields >> name >> dims;
    std::vector<std::int64_t> shape;
    std::istringstream ds(dims);
    for (std::string d; std::getline(ds, d, ',');) shape.push_back(std::stoll(d));
    ++n;
    if (name.rfind("fc.", 0) == 0) continue;
    ASSERT_TRUE(ours.count(name)) << name << " missing";
    EXPECT_EQ(ours[name], shape) << name;
  }
  EXPECT_EQ(n, 122u);
  EXPECT_EQ(ours.size(), n) << "extra or missing tensors";
  EXPECT_EQ(ours["fc.weight"], (std::vector<std::int64_t>{1, 512}));
}

// The temporal convs really mix frames: a per-frame network averaged over T gives the same clip
// logit for any order of the frames (batch-norm statistics too are order-free); ours must not, and
// does once the temporal kernels keep only their centre tap. T must equal `frames`.
// (Train mode without dropout: in eval mode the untrained running statistics let the SE gates
// saturate, and the untrained net's output does not depend on its input at all.)
TEST(ModelZoo, EfficientNet3dMixesFramesOverTime) {
  at::set_num_threads(1);
  torch::manual_seed(0);
  const Registry reg = model_registry();
  Params p = reg.defaults(kind::model, "efficientnet3d_b0");
  p.set("input_size", std::int64_t{32});
  p.set("width", 0.25);
  p.set("depth", 0.25);
  p.set("dropout", 0.0);
  p.set("stochastic_depth", 0.0);
  auto m = reg.create<Model>(kind::model, "efficientnet3d_b0", p);
  ASSERT_EQ(m->input().shape(1), (std::vector<std::int64_t>{1, 7, 3, 32, 32}));
  std::vector<torch::Tensor> temporal;
  for (const auto& [name, t] : m->named_state())
    if (t.dim() == 5) {
      temporal.push_back(t);
      EXPECT_EQ(t.size(2), 3) << name;
      EXPECT_NE(name.find(".block.0.0.conv.weight"), std::string::npos) << name;
    }
  EXPECT_GT(temporal.size(), 0u);
  m->train();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 7, 3, 32, 32});
  const torch::Tensor shuffled = x.index_select(1, torch::tensor({3, 1, 2, 0, 6, 5, 4}));
  const auto order_effect = [&] { return (m->forward(x) - m->forward(shuffled)).abs().max().item<float>(); };
  EXPECT_GT(order_effect(), 1e-3f) << "clip logit does not depend on frame order";
  for (torch::Tensor& w : temporal) {   // centre tap only: each block sees its own frame
    w.select(2, 0).zero_();
    w.select(2, 2).zero_();
  }
  EXPECT_LT(order_effect(), 1e-4f) << "per-frame control should be order-free";
  EXPECT_THROW(m->forward(torch::randn({1, 6, 3, 32, 32})), std::invalid_argument) << "T != frames";
}

}  // namespace
}  // namespace dflab
