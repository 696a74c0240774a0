// onnx_backbone: the frozen MobileNetV2 of ../shared/models through OpenCV DNN, pooled features,
// cached per crop, a libtorch head that trains.
#include "modalities/models/onnx_backbone.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace dflab {
namespace {

const std::string kMobileNet = std::string(DFLAB_SHARED_DIR) + "/models/mobilenetv2/mobilenetv2-12-int8.onnx";

class OnnxBackboneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    at::set_num_threads(1);
    torch::manual_seed(0);
    if (!std::filesystem::exists(kMobileNet)) GTEST_SKIP() << "no MobileNetV2 at " << kMobileNet << " (DFLAB_SHARED_DIR)";
  }
  static Params params(const std::string& path, const std::string& layer = "") {
    Params p = Params::defaults(OnnxBackboneModel::info().params);
    p.set("model", path);
    if (!layer.empty()) p.set("layer", layer);
    return p;
  }
};

TEST_F(OnnxBackboneTest, PooledFeaturesFeedATrainableHeadAndAreCached) {
  OnnxBackboneModel m(params(kMobileNet));
  EXPECT_EQ(m.n_backbone_features(), 1280);          // MobileNetV2's last 1280x7x7 layer
  EXPECT_EQ(m.n_parameters(), 1280 + 1);             // only the head trains
  torch::Tensor x = torch::randn({2, 3, 224, 224});
  m.train();
  torch::Tensor logits = m.forward(x);
  ASSERT_EQ(logits.sizes(), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(m.cache_size(), 2u);
  EXPECT_EQ(m.cache_hits(), 0u);
  torch::binary_cross_entropy_with_logits(logits, torch::tensor({0.0f, 1.0f})).backward();
  for (const auto& p : m.parameters()) {
    ASSERT_TRUE(p.grad().defined());
    EXPECT_TRUE(torch::isfinite(p.grad()).all().item<bool>());
    EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0);
  }
  // The second epoch reads the cache and gives the same logits (eval: no dropout either way).
  m.eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor again = m.forward(x);
  EXPECT_EQ(m.cache_hits(), 2u);
  EXPECT_TRUE(torch::allclose(again, logits.detach()));
  // Different crops give different features.
  EXPECT_FALSE(torch::allclose(m.forward(torch::randn({1, 3, 224, 224})), again.slice(0, 0, 1)));
}

TEST_F(OnnxBackboneTest, MissingFileOrLayerIsAnErrorNamingIt) {
  try {
    OnnxBackboneModel m(params("/nonexistent/backbone.onnx"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/backbone.onnx"), std::string::npos) << e.what();
  }
  try {
    OnnxBackboneModel m(params(kMobileNet, "no_such_layer"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no layer 'no_such_layer'"), std::string::npos) << e.what();
  }
  const std::string not_onnx = std::string(DFLAB_TEST_DATA_DIR) + "/modalities/models/fixtures/make_torchscript.py";
  try {
    OnnxBackboneModel m(params(not_onnx));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(not_onnx + " is not a readable ONNX network"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dflab
