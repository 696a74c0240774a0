// The model interface (modalities/models/model.h, model_summary.h) and the small models:
// parameter counts against torchvision / the papers, multiply-adds counted by hand, input checks,
// and a tiny model that learns a separable problem.
#include "modalities/models/model.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "modalities/models/register_models.h"
#include "metrics/binary_metrics.h"
#include "modalities/models/model_summary.h"
#include "modalities/video/models/efficientnet.h"

namespace dflab {
namespace {

Registry model_registry() {
  Registry r;
  register_model_plugins(r);
  return r;
}

class ModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    at::set_num_threads(1);   // the build machine is shared
    torch::manual_seed(0);
  }
  std::unique_ptr<Model> build(const std::string& name, const std::map<std::string, ParamValue>& overrides = {}) {
    Params p = reg.defaults(kind::model, name);
    for (const auto& [k, v] : overrides) p.set(k, v);
    return reg.create<Model>(kind::model, name, p);
  }
  Registry reg = model_registry();
};

// torchvision's documented counts have a 1000-class head (F*1000 weights + 1000 biases); ours has
// one logit (F + 1): the difference is 999 * (F + 1).
std::int64_t one_logit(std::int64_t torchvision_1000_classes, std::int64_t features) {
  return torchvision_1000_classes - 999 * (features + 1);
}

TEST_F(ModelTest, Resnet18MatchesTorchvisionParameterCount) {
  // ref: torchvision.models.resnet18 — 11,689,512 parameters (torchvision docs; torchvision is not
  // installed on the build machine, so the documented number is used).
  EXPECT_EQ(build("resnet18")->n_parameters(), one_logit(11'689'512, 512));   // 11,177,025
}

TEST_F(ModelTest, EfficientNetB0MatchesTorchvisionParameterCount) {
  // ref: torchvision.models.efficientnet_b0 — 5,288,548 parameters (torchvision docs).
  EXPECT_EQ(build("efficientnet_b0")->n_parameters(), one_logit(5'288'548, 1280));   // 4,008,829
}

TEST_F(ModelTest, Meso4MatchesTheKerasOriginal) {
  // ref: DariusAf/MesoNet Meso4 at 256 px, Keras summary: 27,977 trainable parameters
  // (its 96 non-trainable are batch-norm running statistics, buffers here).
  EXPECT_EQ(build("meso4")->n_parameters(), 27'977);
}

TEST_F(ModelTest, EfficientNetScalingTableIsThePapers) {
  EXPECT_DOUBLE_EQ(efficientnet_scaling(0).width, 1.0);
  EXPECT_EQ(efficientnet_scaling(3).resolution, 300);
  EXPECT_DOUBLE_EQ(efficientnet_scaling(7).depth, 3.1);
  EXPECT_THROW(efficientnet_scaling(8), std::invalid_argument);
  EXPECT_EQ(reg.defaults(kind::model, "efficientnet_b4").integer("input_size"), 380);
}

TEST_F(ModelTest, EfficientNetBatchNormMatchesTorchvisionPerVariant) {
  // ref: torchvision/models/efficientnet.py (0.14): efficientnet_b0..b4 use nn.BatchNorm2d's defaults
  // (eps 1e-5, momentum 0.1); efficientnet_b5..b7 pass norm_layer=partial(nn.BatchNorm2d, eps=0.001,
  // momentum=0.01). Built narrow and shallow: the BatchNorm options do not depend on the size.
  for (int b = 0; b <= 7; ++b) {
    const std::string name = "efficientnet_b" + std::to_string(b);
    auto m = build(name, {{"width", 0.125}, {"depth", 0.1}, {"input_size", std::int64_t{32}}});
    auto* net = dynamic_cast<EfficientNetModel*>(m.get());
    ASSERT_NE(net, nullptr) << name;
    const double eps = b >= 5 ? 1e-3 : 1e-5, momentum = b >= 5 ? 0.01 : 0.1;
    int n_bn = 0;
    for (const auto& module : net->net()->modules(/*include_self=*/false))
      if (const auto* bn = module->as<nn::BatchNorm2d>()) {
        ++n_bn;
        EXPECT_DOUBLE_EQ(bn->options.eps(), eps) << name;
        ASSERT_TRUE(bn->options.momentum().has_value()) << name;
        EXPECT_DOUBLE_EQ(*bn->options.momentum(), momentum) << name;
      }
    EXPECT_GT(n_bn, 10) << name;
  }
}

TEST_F(ModelTest, MultAddsOfMeso4AreCountedLayerByLayer) {
  auto m = build("meso4", {{"input_size", std::int64_t{64}}});
  // conv1 64*64*8*(3*9) + conv2 32*32*8*(8*25) + conv3 16*16*16*(8*25) + conv4 8*8*16*(16*25)
  // + fc1 64*16 + fc2 16*1 (per sample; bias, BN, pooling not counted)
  const double expected = 64 * 64 * 8 * 27 + 32 * 32 * 8 * 200 + 16 * 16 * 16 * 200 + 8 * 8 * 16 * 400 + 64 * 16 + 16;
  EXPECT_DOUBLE_EQ(count_mult_adds(*m, {1, 3, 64, 64}), expected);
  EXPECT_DOUBLE_EQ(count_mult_adds(*m, {3, 3, 64, 64}), 3 * expected);   // scales with the batch
  EXPECT_TRUE(m->is_training());   // counting does not leave the model in eval mode
}

TEST_F(ModelTest, MultAddsOfResnet18MatchTheKnownFigure) {
  // torchvision docs: resnet18 1.81 GFLOPS (multiply-adds) at 224 px, of which the 1000-class fc
  // is 0.5 M; within 1%.
  auto m = build("resnet18");
  EXPECT_NEAR(count_mult_adds(*m, {1, 3, 224, 224}), 1.814e9, 0.01 * 1.814e9);
}

TEST_F(ModelTest, SummaryReportsInputSizeCostAndTheLimit) {
  const ModelSummary s = summarize_model(reg, "meso4", reg.defaults(kind::model, "meso4"));
  EXPECT_EQ(s.input.modality, Modality::video);
  EXPECT_EQ(s.input.shape(2), (std::vector<std::int64_t>{2, 3, 256, 256}));
  EXPECT_EQ(s.n_parameters, 27'977);
  EXPECT_EQ(s.n_trainable, 27'977);
  EXPECT_GT(s.mult_adds, 1e6);
  EXPECT_FALSE(s.over_limit);
  const ModelSummary small_limit = summarize_model(reg, "meso4", reg.defaults(kind::model, "meso4"), 10'000);
  EXPECT_TRUE(small_limit.over_limit);
  EXPECT_THROW(check_max_params("meso4", s.n_parameters, 10'000), std::invalid_argument);
  EXPECT_NO_THROW(check_max_params("meso4", s.n_parameters, ffdv_max_params));
  EXPECT_THROW(summarize_model(reg, "no_such_model", Params{}), UnknownPluginError);
}

TEST_F(ModelTest, InputSpecShapesFollowTheContract) {
  InputSpec seq{Modality::sequence, 3, 112, 112, 8, ""};
  EXPECT_EQ(seq.shape(4), (std::vector<std::int64_t>{4, 8, 3, 112, 112}));
  EXPECT_EQ(seq.describe(), "sequence [N, 8, 3, 112, 112]");
  EXPECT_EQ(build("lcnn")->input().shape(1), (std::vector<std::int64_t>{1, 1, 60, 400}));
  EXPECT_EQ(build("mel_resnet18")->input().modality, Modality::audio);
}

TEST_F(ModelTest, WrongInputShapeIsAClearError) {
  auto m = build("meso4", {{"input_size", std::int64_t{64}}});
  try {
    m->forward(torch::zeros({2, 3, 32, 32}));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("meso4: expected input [N, 3, 64, 64]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(build("meso4", {{"input_size", std::int64_t{100}}}), std::invalid_argument);   // not a multiple of 32
  EXPECT_THROW(build("lcnn")->forward(torch::zeros({2, 1, 60, 8})), std::invalid_argument);   // < 16 frames
}

TEST_F(ModelTest, WidthAndInChannelsParametersChangeTheNetwork) {
  const auto full = build("mel_cnn")->n_parameters();
  const auto half = build("mel_cnn", {{"width", 0.5}})->n_parameters();
  EXPECT_LT(half, full / 2);
  auto rgb = build("resnet18", {{"in_channels", std::int64_t{3}}});
  auto mono = build("mel_resnet18");   // same network, conv1 with 1 input channel: 2 * 64*7*7 fewer
  EXPECT_EQ(rgb->n_parameters() - mono->n_parameters(), 2 * 64 * 7 * 7);
}

TEST_F(ModelTest, NamedStateUsesTorchvisionNames) {
  auto m = build("resnet18");
  std::set<std::string> names;
  for (const auto& [name, t] : m->named_state()) names.insert(name);
  for (const char* n : {"conv1.weight", "bn1.running_mean", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
                        "layer2.0.downsample.1.bias", "layer4.1.bn2.weight", "fc.weight", "fc.bias"})
    EXPECT_EQ(names.count(n), 1u) << n;
  auto e = build("efficientnet_b0");
  names.clear();
  for (const auto& [name, t] : e->named_state()) names.insert(name);
  for (const char* n : {"features.0.0.weight", "features.1.0.block.1.fc1.weight", "features.2.0.block.0.0.weight",
                        "features.8.1.running_var", "classifier.weight"})
    EXPECT_EQ(names.count(n), 1u) << n;
}

// A linearly separable problem: class 1 images carry a fixed pattern on top of the noise.
TEST_F(ModelTest, TinyModelLearnsASeparableProblem) {
  auto m = build("mel_cnn", {{"width", 0.5}, {"dropout", 0.0}, {"n_mels", std::int64_t{16}}});
  const std::int64_t n = 64;
  torch::Tensor labels = torch::cat({torch::zeros(n / 2), torch::ones(n / 2)});
  torch::Tensor pattern = torch::randn({1, 1, 16, 16});
  torch::Tensor x = torch::randn({n, 1, 16, 16}) + labels.view({n, 1, 1, 1}) * pattern;
  torch::optim::Adam opt(m->parameters(), torch::optim::AdamOptions(3e-3));
  m->train();
  double first_loss = 0, last_loss = 0;
  for (int step = 0; step < 40; ++step) {
    opt.zero_grad();
    torch::Tensor loss = torch::binary_cross_entropy_with_logits(m->forward(x), labels);
    loss.backward();
    opt.step();
    if (step == 0) first_loss = loss.item<double>();
    last_loss = loss.item<double>();
  }
  EXPECT_LT(last_loss, 0.5 * first_loss);
  m->eval();
  torch::NoGradGuard no_grad;
  torch::Tensor test_labels = torch::cat({torch::zeros(n / 2), torch::ones(n / 2)});
  torch::Tensor test_x = torch::randn({n, 1, 16, 16}) + test_labels.view({n, 1, 1, 1}) * pattern;
  torch::Tensor p = torch::sigmoid(m->forward(test_x)).to(torch::kDouble).contiguous();
  std::vector<double> scores(p.data_ptr<double>(), p.data_ptr<double>() + n);
  std::vector<int> y;
  for (std::int64_t i = 0; i < n; ++i) y.push_back(i < n / 2 ? 0 : 1);
  EvaluateOptions opts;
  opts.bootstrap_samples = 0;
  const auto auc = evaluate(y, scores, opts).value("auc");
  ASSERT_TRUE(auc.has_value());
  EXPECT_GT(*auc, 0.95);
}

}  // namespace
}  // namespace dflab
