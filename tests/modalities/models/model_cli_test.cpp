// `dflab model info` (apps/cmd_model.cpp): runs the built binary.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
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

TEST(ModelCli, InfoOfARawWaveformModel) {
  const auto r = run_dflab("model info aasist --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "aasist");
  EXPECT_EQ(j["n_parameters"], 297705);   // the paper's 297K with a 1-logit head
  EXPECT_EQ(j["input"]["modality"], "audio");
  EXPECT_EQ(j["input"]["shape"], (std::vector<int>{1, 1, 64600}));
  EXPECT_GT(j["mult_adds"].get<double>(), 1e9);
}

// An audio-visual model takes two inputs: info shows both and counts both streams' cost.
TEST(ModelCli, InfoOfAnAudioVisualModelCountsBothStreams) {
  const auto r = run_dflab("model info av_joint --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["input"]["shape"], (std::vector<int>{5, 3, 48, 96}));
  EXPECT_EQ(j["audio_input"]["shape"], (std::vector<int>{1, 13, 21}));
  const auto longer_audio = run_dflab("model info av_joint --json --param audio_frames=42");
  ASSERT_EQ(longer_audio.code, 0) << longer_audio.err;
  EXPECT_GT(nlohmann::json::parse(longer_audio.out)["mult_adds"].get<double>(), j["mult_adds"].get<double>());
  const auto more_frames = run_dflab("model info av_joint --json --param stack=7");
  ASSERT_EQ(more_frames.code, 0) << more_frames.err;
  EXPECT_GT(nlohmann::json::parse(more_frames.out)["mult_adds"].get<double>(), j["mult_adds"].get<double>());
  const auto text = run_dflab("model info av_joint");
  ASSERT_EQ(text.code, 0) << text.err;
  EXPECT_NE(text.out.find("audio input  [1, 13, 21]"), std::string::npos) << text.out;
  // A plain model has no audio input.
  EXPECT_TRUE(nlohmann::json::parse(run_dflab("model info meso4 --json").out)["audio_input"].is_null());
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

const std::string kMobileNetInt8 = std::string(DFLAB_SHARED_DIR) + "/models/mobilenetv2/mobilenetv2-12-int8.onnx";

TEST(ModelCli, LoadCheckListsWhatMatchedAndExitsByCompleteness) {
  if (!std::filesystem::exists(kMobileNetInt8)) GTEST_SKIP() << "no " << kMobileNetInt8;
  const auto ok = run_dflab("model load-check mobilenet_v2 " + kMobileNetInt8 + " --json");
  ASSERT_EQ(ok.code, 0) << ok.err;
  const auto j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["format"], "onnx");
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_EQ(j["matched"].size(), 52u * 5);   // each convolution: weight + its BatchNorm's 4 tensors
  EXPECT_EQ(j["head_fresh"], (std::vector<std::string>{"classifier.1.weight", "classifier.1.bias"}));
  // Another network: reported, exit 1.
  const auto bad = run_dflab("model load-check resnet18 " + kMobileNetInt8);
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("INCOMPLETE"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("mismatched  "), std::string::npos) << bad.out;
}

TEST(ModelCli, LoadCheckNamesAMissingOrUnreadableFile) {
  const auto r = run_dflab("model load-check resnet18 /nonexistent/w.pth");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("/nonexistent/w.pth"), std::string::npos) << r.err;
}

TEST(ModelCli, ForwardWritesLogitsAndRefusesAWrongShape) {
  const auto dir = std::filesystem::temp_directory_path() / ("dflab_forward_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  // A float32 .npy of zeros, written by hand (format 1.0, a 128-byte header block).
  auto npy = [&](const std::string& name, const std::string& shape, std::size_t n) {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
    header.append(128 - 10 - header.size() - 1, ' ');
    header += '\n';
    std::ofstream out(dir / name, std::ios::binary);
    out.write("\x93NUMPY\x01\x00", 8);
    const char len[2] = {static_cast<char>(header.size()), 0};
    out.write(len, 2);
    out << header;
    const std::vector<float> zeros(n, 0.0f);
    out.write(reinterpret_cast<const char*>(zeros.data()), static_cast<std::streamsize>(n * 4));
    return (dir / name).string();
  };
  const std::string x = npy("x.npy", "1, 3, 32, 32", 3 * 32 * 32);
  const auto r = run_dflab("model forward resnet18 --param width=0.25 --input " + x + " --out " + (dir / "y.npy").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[1]"), std::string::npos) << r.out;
  EXPECT_EQ(std::filesystem::file_size(dir / "y.npy"), 128u + 4u);
  const std::string flat = npy("flat.npy", "1, 3072", 3 * 32 * 32);
  const auto bad = run_dflab("model forward resnet18 --param width=0.25 --input " + flat + " --out " + (dir / "z.npy").string());
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("[1, 3072]"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "z.npy"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dflab
