// `dflab model info` (apps/cmd_model.cpp): runs the built binary.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"

namespace dflab {
namespace {

using testing::run_dflab;

TEST(ModelCli, InfoPrintsSizeAndCostAsJson) {
  const auto r = run_dflab("model info meso4 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "meso4");
  EXPECT_EQ(j["n_parameters"], 27977);
  EXPECT_EQ(j["input"]["modality"], "video");
  EXPECT_EQ(j["input"]["shape"], (std::vector<int>{3, 256, 256}));
  EXPECT_GT(j["mult_adds"].get<double>(), 1e6);
  EXPECT_EQ(j["max_params"], 200000000);
  EXPECT_FALSE(j["over_limit"].get<bool>());
}

TEST(ModelCli, ParamOverridesAreTypedAndChecked) {
  const auto r = run_dflab("model info meso4 --param input_size=64 --param width=2 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["input"]["shape"], (std::vector<int>{3, 64, 64}));
  EXPECT_GT(j["n_parameters"].get<int>(), 27977);
  const auto bad = run_dflab("model info meso4 --param input_size=8");   // below the range
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("input_size"), std::string::npos) << bad.err;
  EXPECT_EQ(run_dflab("model info meso4 --param nonsense=1").code, 1);
  EXPECT_EQ(run_dflab("model info meso4 --param input_size").code, 2);   // not key=value
}

TEST(ModelCli, ModelAboveTheLimitIsFlagged) {
  const auto r = run_dflab("model info meso4 --max-params 1000");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("OVER THE LIMIT"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("above the limit of 1000"), std::string::npos) << r.err;
}

TEST(ModelCli, UnknownModelListsTheKnownOnes) {
  const auto r = run_dflab("model info no_such_net");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("resnet18"), std::string::npos) << r.err;
}

TEST(ModelCli, MissingTorchScriptFileIsNamed) {
  const auto r = run_dflab("model info torchscript --param model=/nonexistent/net.pt");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/nonexistent/net.pt"), std::string::npos) << r.err;
}

TEST(ModelCli, TorchScriptFixtureReportsItsParameters) {
  const std::string file = std::string(DFLAB_TEST_DATA_DIR) + "/modalities/models/fixtures/tiny_cnn_traced.pt";
  const auto r = run_dflab("model info torchscript --param model=" + file +
                           " --param height=16 --param width=16 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["n_parameters"], 8 * 3 * 9 + 8 + 8 + 8 + 8 * 8 * 9 + 8 + 8 + 1);
  // conv1 16*16*8*27 + conv2 8*8*8*72 + fc 8
  EXPECT_EQ(j["mult_adds"].get<double>(), 16 * 16 * 8 * 27 + 8 * 8 * 8 * 72 + 8);
}

}  // namespace
}  // namespace dflab
