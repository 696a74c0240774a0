// aasist, aasist_l (modalities/audio/models/aasist.h, graph_attention.h): the published parameter
// counts, shapes, gradients, the shortest input, and outputs against the reference PyTorch code
// with the same weights (fixtures/make_raw_waveform_references.py).
#include "modalities/audio/models/aasist.h"

#include <gtest/gtest.h>

#include "modalities/models/pretrained.h"
#include "modalities/models/register_models.h"
#include "tests/modalities/audio/models/reference_models.h"

namespace dflab {
namespace {

class AasistTest : public ::testing::Test {
 protected:
  void SetUp() override {
    at::set_num_threads(1);
    torch::manual_seed(0);
    register_model_plugins(registry_);
  }
  std::unique_ptr<Model> build(const std::string& name, std::int64_t samples = 64600) {
    Params p = registry_.defaults(kind::model, name);
    p.set("samples", samples);
    return registry_.create<Model>(kind::model, name, p);
  }
  Registry registry_;
};

// The paper's 297K and 85K: 297,866 and 85,306 in the reference code (config/AASIST.conf,
// AASIST-L.conf), minus 161 for the 1-logit head (out_layer 160 -> 1 instead of 160 -> 2).
TEST_F(AasistTest, ParameterCountsAreThePapersWithOneLogit) {
  EXPECT_EQ(build("aasist")->n_parameters(), 297866 - 161);
  EXPECT_EQ(build("aasist_l")->n_parameters(), 85306 - 161);
}

TEST_F(AasistTest, InputIsTheWaveformOfThePaper) {
  const auto m = build("aasist");
  EXPECT_EQ(m->input().modality, Modality::audio);
  EXPECT_EQ(registry_.defaults(kind::model, "aasist").integer("samples"), 64600);
  EXPECT_EQ(m->input().shape(3), (std::vector<std::int64_t>{3, 1, 1, 64600}));
}

TEST_F(AasistTest, ForwardGivesOneLogitAndFiniteGradients) {
  for (const std::string name : {"aasist", "aasist_l"}) {
    SCOPED_TRACE(name);
    const auto m = build(name, 8000);
    m->train();
    const torch::Tensor y = m->forward(0.1 * torch::randn({2, 1, 1, 8000}));
    ASSERT_EQ(y.sizes(), (std::vector<std::int64_t>{2}));
    y.sum().backward();
    int with_grad = 0;
    for (const auto& [pname, t] : m->named_state()) {
      // bn1 of blocks 1-5: computed and discarded by the reference's forward: frozen, no gradient.
      if (pname.find(".bn1.") != std::string::npos) {
        EXPECT_FALSE(t.requires_grad()) << pname;
        EXPECT_FALSE(t.grad().defined()) << pname;
        continue;
      }
      if (!t.requires_grad()) continue;   // buffers
      ASSERT_TRUE(t.grad().defined()) << pname;
      EXPECT_TRUE(torch::isfinite(t.grad()).all().item<bool>()) << pname;
      ++with_grad;
    }
    EXPECT_GT(with_grad, 100);
  }
}

// 128 + 3^7 samples: one temporal node after the filterbank's and the encoder's poolings by 3;
// graph pooling keeps at least one node, so that is enough.
TEST_F(AasistTest, ShortestInputIsOneTemporalNode) {
  const auto m = build("aasist", 2315);
  m->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor y = m->forward(torch::randn({2, 1, 1, 2315}));
  EXPECT_EQ(y.size(0), 2);
  EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
  EXPECT_THROW(m->forward(torch::randn({2, 1, 1, 2314})), std::invalid_argument);
  EXPECT_THROW(m->forward(torch::randn({2, 1, 64, 4000})), std::invalid_argument);   // a spectrogram
}

TEST_F(AasistTest, MatchesTheReferenceWithItsWeights) {
  const test::ReferenceModels& ref = test::reference_models();
  if (!ref.ok()) GTEST_SKIP() << ref.why_missing;
  for (const std::string name : {"aasist", "aasist_l"}) {
    SCOPED_TRACE(name);
    ASSERT_EQ(ref.counts.count(name), 1u);
    const auto m = build(name);
    EXPECT_EQ(m->n_parameters(), ref.counts.at(name).second);
    EXPECT_EQ(ref.counts.at(name).first - ref.counts.at(name).second, 161);

    const WeightLoadReport r = load_pretrained_weights(*m, read_weight_file(ref.path(name + ".pth")));
    EXPECT_EQ(r.mode, "by name");
    EXPECT_TRUE(r.complete()) << describe_problems(r);
    EXPECT_TRUE(r.unexpected.empty()) << describe_problems(r);
    EXPECT_TRUE(r.head_fresh.empty()) << "the 1-output out_layer must load too";
    m->eval();
    torch::NoGradGuard no_grad;
    const torch::Tensor y = m->forward(ref.npy(name + "_in.npy"));
    const torch::Tensor expected = ref.npy(name + "_out.npy");
    EXPECT_LT(test::worst_difference(y, expected), 1e-4) << y << expected;
    // The inputs differ, so must their logits, by far more than the tolerance.
    EXPECT_GT(test::worst_difference(expected[0], expected[1]), 1e-2) << expected;
  }
}

}  // namespace
}  // namespace dflab
