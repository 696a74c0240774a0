// Every registered model plugin (except those that need a file: torchscript, onnx_backbone)
// builds from its defaults, reports an input spec that matches its forward, and runs forward +
// backward on a tiny batch (2 samples, the smallest input size its parameters allow) with a [2]
// output and finite gradients. Also: the parameter counts of the larger torchvision-layout models.
#include <gtest/gtest.h>

#include "modalities/models/register_models.h"
#include "modalities/models/model.h"

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
    torch::Tensor logits = m->forward(x);
    ASSERT_EQ(logits.sizes(), (std::vector<std::int64_t>{2}));
    ASSERT_TRUE(torch::isfinite(logits).all().item<bool>());
    torch::binary_cross_entropy_with_logits(logits, torch::tensor({0.0f, 1.0f})).backward();
    std::int64_t with_grad = 0, params = 0;
    for (const auto& p : m->parameters()) {
      ++params;
      if (!p.grad().defined()) continue;
      ++with_grad;
      ASSERT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
    }
    EXPECT_EQ(with_grad, params) << "parameters without a gradient";
    EXPECT_LT(m->n_parameters(), 200'000'000);
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
  };
  for (const auto& c : cases) {
    auto m = reg.create<Model>(kind::model, c.name, reg.defaults(kind::model, c.name));
    EXPECT_EQ(m->n_parameters(), c.torchvision - (c.classes - 1) * (c.features + 1)) << c.name;
  }
}

}  // namespace
}  // namespace dflab
