// rawnet2 (modalities/audio/models/rawnet2.h): the ASVspoof 2021 baseline's parameter count,
// shapes, gradients, and its outputs against the reference PyTorch code with the same weights
// (fixtures/make_raw_waveform_references.py).
#include "modalities/audio/models/rawnet2.h"

#include <gtest/gtest.h>

#include "modalities/models/pretrained.h"
#include "modalities/models/register_models.h"
#include "tests/modalities/audio/models/reference_models.h"

namespace dflab {
namespace {

class RawNet2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    at::set_num_threads(1);
    torch::manual_seed(0);
    register_model_plugins(registry_);
  }
  std::unique_ptr<Model> build(const std::vector<std::pair<std::string, std::int64_t>>& overrides = {}) {
    Params p = registry_.defaults(kind::model, "rawnet2");
    for (const auto& [k, v] : overrides) p.set(k, v);
    return registry_.create<Model>(kind::model, "rawnet2", p);
  }
  Registry registry_;
};

// 17,621,410 in the reference (counted by the fixture script from its code and
// model_config_RawNet.yaml) minus 1,025 for the 1-logit head.
TEST_F(RawNet2Test, ParameterCountIsTheBaselinesWithOneLogit) {
  EXPECT_EQ(build()->n_parameters(), 17621410 - 1025);
  // The recurrent part is what the smaller settings shrink: GRU 3 x 3 gates, FC, head.
  const std::int64_t small = build({{"gru_units", 64}, {"gru_layers", 1}, {"fc_units", 32}})->n_parameters();
  const std::int64_t gru_fc = 3 * (64 * 128 + 64 * 64 + 2 * 64) + (64 * 32 + 32) + (32 + 1);
  const std::int64_t front = 17621410 - 1025 - (3 * (1024 * 128 + 1024 * 1024 + 2 * 1024) + 2 * 3 * (2 * 1024 * 1024 + 2 * 1024) +
                                                (1024 * 1024 + 1024) + (1024 + 1));
  EXPECT_EQ(small, front + gru_fc);
}

TEST_F(RawNet2Test, InputIsTheWaveformOfTheBaseline) {
  const auto m = build();
  EXPECT_EQ(m->input().modality, Modality::audio);
  EXPECT_EQ(m->input().shape(2), (std::vector<std::int64_t>{2, 1, 1, 64600}));
  EXPECT_NE(m->input().note.find("16000 Hz"), std::string::npos) << m->input().note;
}

TEST_F(RawNet2Test, ForwardGivesOneLogitAndFiniteGradients) {
  const auto m = build({{"gru_units", 64}, {"fc_units", 32}});
  m->train();
  const torch::Tensor x = 0.1 * torch::randn({2, 1, 1, 3500});
  const torch::Tensor y = m->forward(x);
  ASSERT_EQ(y.sizes(), (std::vector<std::int64_t>{2}));
  y.sum().backward();
  int with_grad = 0;
  for (const auto& [name, t] : m->named_state()) {
    // bn1 of blocks 1-5: computed and discarded by the reference's forward: frozen, no gradient.
    if (name.find(".bn1.") != std::string::npos) {
      EXPECT_FALSE(t.requires_grad()) << name;
      EXPECT_FALSE(t.grad().defined()) << name;
      continue;
    }
    if (!t.requires_grad()) continue;   // buffers
    ASSERT_TRUE(t.grad().defined()) << name;
    EXPECT_TRUE(torch::isfinite(t.grad()).all().item<bool>()) << name;
    ++with_grad;
  }
  EXPECT_GT(with_grad, 40);
}

TEST_F(RawNet2Test, ShortOrMisshapenInputIsRejected) {
  const auto m = build({{"gru_units", 16}, {"fc_units", 8}});
  m->eval();
  torch::NoGradGuard no_grad;
  // 1024 + 3^7 samples: one frame left after the filterbank and the seven poolings by 3.
  EXPECT_EQ(m->forward(torch::randn({1, 1, 1, 3211})).size(0), 1);
  EXPECT_THROW(m->forward(torch::randn({1, 1, 1, 3210})), std::invalid_argument);
  EXPECT_THROW(m->forward(torch::randn({1, 1, 2, 4000})), std::invalid_argument);   // F must be 1
  EXPECT_THROW(m->forward(torch::randn({1, 2, 1, 4000})), std::invalid_argument);   // C must be 1
}

TEST_F(RawNet2Test, MatchesTheReferenceWithItsWeights) {
  const test::ReferenceModels& ref = test::reference_models();
  if (!ref.ok()) GTEST_SKIP() << ref.why_missing;
  ASSERT_EQ(ref.counts.count("rawnet2"), 1u);
  const auto m = build();
  EXPECT_EQ(m->n_parameters(), ref.counts.at("rawnet2").second);
  EXPECT_EQ(ref.counts.at("rawnet2").first - ref.counts.at("rawnet2").second, 1025);

  const WeightLoadReport r = load_pretrained_weights(*m, read_weight_file(ref.path("rawnet2.pth")));
  EXPECT_EQ(r.mode, "by name");
  EXPECT_TRUE(r.complete()) << describe_problems(r);
  EXPECT_TRUE(r.unexpected.empty()) << describe_problems(r);
  EXPECT_TRUE(r.head_fresh.empty()) << "the 1-output fc2_gru must load too";
  m->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor y = m->forward(ref.npy("rawnet2_in.npy"));
  const torch::Tensor expected = ref.npy("rawnet2_out.npy");
  EXPECT_LT(test::worst_difference(y, expected), 1e-4) << y << expected;
  // The inputs differ, so must their logits, by far more than the tolerance.
  EXPECT_GT(test::worst_difference(expected[0], expected[1]), 1e-2) << expected;
}

}  // namespace
}  // namespace dflab
