// Pretrained weights (weight_file.h, pretrained.h): torchvision's own files, made by
// fixtures/make_pretrained_weights.py into <build>/test_fixtures/, must give torchvision's outputs;
// the int8 ImageNet MobileNetV2 of ../shared must give OpenCV's features; damaged files are errors.
#include "modalities/models/pretrained.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "modalities/audio/npy.h"
#include "registry/registry.h"
#include "modalities/models/register_models.h"
#include "modalities/video/models/mobilenet_v2.h"

namespace fs = std::filesystem;

namespace dflab {
namespace {

const std::string kFixtures = std::string(DFLAB_TEST_DATA_DIR) + "/modalities/models/fixtures";
const std::string kMobileNetInt8 = std::string(DFLAB_SHARED_DIR) + "/models/mobilenetv2/mobilenetv2-12-int8.onnx";

class PretrainedTest : public ::testing::Test {
 protected:
  // Made once per build folder and shared by every test process (ctest runs each test alone, two
  // at a time): the first process holds an exclusive lock while it writes a private folder and
  // renames it into place; the others wait on the lock and reuse the folder while it is newer than
  // the script. Without the lock a second process replaced the folder while the first read it.
  static void SetUpTestSuite() {
    const fs::path script = kFixtures + "/make_pretrained_weights.py";
    dir_ = std::string(DFLAB_BINARY_DIR) + "/test_fixtures/pretrained_weights";
    std::error_code ec;
    fs::create_directories(fs::path(dir_).parent_path(), ec);
    const int lock = ::open((dir_ + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock >= 0) ::flock(lock, LOCK_EX);
    made_ = fresh(script);
    if (!made_) {
      const std::string tmp = dir_ + ".tmp." + std::to_string(::getpid());
      fs::create_directories(tmp);
      const std::string cmd = "/usr/bin/python3 " + script.string() + " " + tmp + " > " + tmp + "/log.txt 2>&1";
      if (std::system(cmd.c_str()) != 0) {
        log_ = tmp + "/log.txt";
      } else {
        std::ofstream(tmp + "/done") << "made by " << script.string() << "\n";
        fs::remove_all(dir_, ec);
        fs::rename(tmp, dir_, ec);
        made_ = fresh(script);
      }
    }
    if (lock >= 0) ::close(lock);   // closing releases the lock
  }
  static bool fresh(const fs::path& script) {
    std::error_code ec;
    const fs::path done = fs::path(dir_) / "done";
    return fs::exists(done, ec) && fs::last_write_time(done, ec) >= fs::last_write_time(script, ec);
  }
  void SetUp() override {
    at::set_num_threads(1);
    register_model_plugins(registry_);
    if (!made_) GTEST_SKIP() << "python3-torch / torchvision unavailable: see " << log_;
  }

  std::unique_ptr<Model> model(const std::string& name, const std::map<std::string, std::string>& overrides = {},
                               const std::map<std::string, std::string>& texts = {}) {
    Params p = registry_.defaults(kind::model, name);
    for (const auto& [k, v] : overrides) p.set(k, std::stod(v));
    for (const auto& [k, v] : texts) p.set(k, v);
    return registry_.create<Model>(kind::model, name, p);
  }
  static torch::Tensor npy(const std::string& file) {
    NpyArray a = read_npy_array(dir_ + "/" + file);
    return torch::from_blob(a.data.data(), a.shape, torch::kFloat).clone();
  }
  static torch::Tensor forward(Model& m, const torch::Tensor& x) {
    m.eval();
    torch::NoGradGuard no_grad;
    return m.forward(x);
  }

  static std::string dir_, log_;
  static bool made_;
  Registry registry_;
};
std::string PretrainedTest::dir_, PretrainedTest::log_;
bool PretrainedTest::made_ = false;

TEST_F(PretrainedTest, TorchvisionStateDictsGiveTorchvisionOutputs) {
  for (const std::string name : {"resnet18", "efficientnet_b0", "mobilenet_v2", "r2plus1d_18", "mc3_18"}) {
    SCOPED_TRACE(name);
    auto m = model(name);
    const WeightLoadReport r = load_pretrained_weights(*m, read_weight_file(dir_ + "/" + name + ".pth"));
    EXPECT_EQ(r.format, "state_dict");
    EXPECT_TRUE(r.complete()) << describe_problems(r);
    EXPECT_TRUE(r.unexpected.empty()) << describe_problems(r);
    EXPECT_TRUE(r.head_fresh.empty());   // the file's 1-output head loads into ours
    const torch::Tensor want = npy(name + "_out.npy");
    const torch::Tensor got = forward(*m, npy(name + "_in.npy"));
    EXPECT_LE((got - want).abs().max().item<double>(), 1e-5) << got << want;
  }
}

// timm's tf_efficientnet_* were trained in TensorFlow: SAME padding in the strided convolutions and
// BatchNorm eps 1e-3. With padding = "tf_same" dflab computes what timm does; with torch's padding
// the same weights give other logits (the option is not a no-op).
TEST_F(PretrainedTest, TensorFlowSamePaddingGivesTimmOutputs) {
  auto tf = model("efficientnet_b0", {}, {{"padding", "tf_same"}});
  const WeightLoadReport r = load_pretrained_weights(*tf, read_weight_file(dir_ + "/efficientnet_b0_tf.pth"));
  EXPECT_TRUE(r.complete()) << describe_problems(r);
  const torch::Tensor want = npy("efficientnet_b0_tf_out.npy");
  EXPECT_LE((forward(*tf, npy("efficientnet_b0_tf_in.npy")) - want).abs().max().item<double>(), 1e-5);
  auto plain = model("efficientnet_b0");
  load_pretrained_weights(*plain, read_weight_file(dir_ + "/efficientnet_b0_tf.pth"));
  EXPECT_GT((forward(*plain, npy("efficientnet_b0_tf_in.npy")) - want).abs().max().item<double>(), 1e-3);
}

TEST_F(PretrainedTest, ImageNetHeadIsDroppedAndTheBackboneStillLoads) {
  auto m = model("resnet18");
  const torch::Tensor before = m->named_state().front().second.clone();   // conv1.weight
  const WeightLoadReport r = load_pretrained_weights(*m, read_weight_file(dir_ + "/resnet18_imagenet.pth"));
  EXPECT_TRUE(r.complete()) << describe_problems(r);
  EXPECT_EQ(r.head_dropped, (std::vector<std::string>{"fc.weight", "fc.bias"}));
  EXPECT_EQ(r.head_fresh, (std::vector<std::string>{"fc.weight", "fc.bias"}));
  EXPECT_FALSE(torch::equal(before, m->named_state().front().second));
  // Nothing copied when only checking.
  auto fresh = model("resnet18");
  const torch::Tensor untouched = fresh->named_state().front().second.clone();
  load_pretrained_weights(*fresh, read_weight_file(dir_ + "/resnet18_imagenet.pth"), /*apply=*/false);
  EXPECT_TRUE(torch::equal(untouched, fresh->named_state().front().second));
}

TEST_F(PretrainedTest, WrappedDataParallelCheckpointAndTorchScriptLoad) {
  const torch::Tensor want = npy("resnet18_out.npy");
  for (const std::string file : {"resnet18_checkpoint.pth", "resnet18_scripted.pt"}) {
    SCOPED_TRACE(file);
    auto m = model("resnet18");
    const WeightFile w = read_weight_file(dir_ + "/" + file);
    EXPECT_EQ(w.format, file.back() == 't' ? "torchscript" : "state_dict");
    const WeightLoadReport r = load_pretrained_weights(*m, w);
    EXPECT_TRUE(r.complete()) << describe_problems(r);
    EXPECT_LE((forward(*m, npy("resnet18_in.npy")) - want).abs().max().item<double>(), 1e-5);
  }
  const WeightFile ck = read_weight_file(dir_ + "/resnet18_checkpoint.pth");
  ASSERT_EQ(ck.notes.size(), 2u);
  EXPECT_NE(ck.notes[0].find("state_dict"), std::string::npos);
  EXPECT_NE(ck.notes[1].find("module."), std::string::npos);
}

TEST_F(PretrainedTest, OtherNamesMapByModuleOrder) {
  // timm-style: every module renamed, the order and the tensors kept.
  WeightFile w = read_weight_file(dir_ + "/resnet18.pth");
  std::map<std::string, std::string> renamed;
  for (auto& [name, t] : w.tensors) {
    const std::string module = name.substr(0, name.rfind('.'));
    if (!renamed.count(module)) renamed[module] = "blocks." + std::to_string(renamed.size());
    name = renamed[module] + name.substr(name.rfind('.'));
  }
  auto m = model("resnet18");
  const WeightLoadReport r = load_pretrained_weights(*m, w);
  EXPECT_EQ(r.mode, "by module order");
  EXPECT_TRUE(r.complete()) << describe_problems(r);
  EXPECT_LE((forward(*m, npy("resnet18_in.npy")) - npy("resnet18_out.npy")).abs().max().item<double>(), 1e-5);
}

TEST_F(PretrainedTest, OnnxExportWithFoldedBatchNormGivesTorchvisionOutputs) {
  auto m = model("mobilenet_v2", {{"width", "0.5"}});
  const WeightLoadReport r = load_pretrained_weights(*m, read_weight_file(dir_ + "/mobilenet_v2_w05.onnx"));
  EXPECT_EQ(r.format, "onnx");
  EXPECT_EQ(r.mode, "onnx layers by graph order");
  EXPECT_TRUE(r.complete()) << describe_problems(r);
  const torch::Tensor got = forward(*m, npy("mobilenet_v2_w05_in.npy"));
  EXPECT_LE((got - npy("mobilenet_v2_w05_out.npy")).abs().max().item<double>(), 1e-5) << got;
}

TEST_F(PretrainedTest, WeightsOfAnotherModelAreReportedNotLoaded) {
  auto deeper = model("resnet34");
  const WeightLoadReport r = load_pretrained_weights(*deeper, read_weight_file(dir_ + "/resnet18.pth"));
  EXPECT_FALSE(r.complete());
  EXPECT_FALSE(r.missing.empty());   // layer1.2.*, layer3.2.* ... have no weights in resnet18
  auto narrow = model("mobilenet_v2", {{"width", "0.5"}});
  const WeightLoadReport s = load_pretrained_weights(*narrow, read_weight_file(dir_ + "/mobilenet_v2.pth"));
  EXPECT_FALSE(s.complete());
  ASSERT_FALSE(s.mismatched.empty());
  EXPECT_EQ(s.mismatched.front().model_name, "features.0.0.weight");
  EXPECT_EQ(s.mismatched.front().model_shape, (std::vector<std::int64_t>{16, 3, 3, 3}));
  EXPECT_EQ(s.mismatched.front().file_shape, (std::vector<std::int64_t>{32, 3, 3, 3}));
  EXPECT_NE(describe_problems(s).find("features.0.0.weight [16, 3, 3, 3] <- features.0.0.weight [32, 3, 3, 3]"), std::string::npos);
}

TEST_F(PretrainedTest, DamagedFilesAreErrorsNamingTheFile) {
  auto expect_error = [](const std::string& path, const std::string& part) {
    try {
      read_weight_file(path);
      ADD_FAILURE() << "no error for " << path;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  const fs::path own = fs::temp_directory_path() / ("dflab_damaged_weights_" + std::to_string(::getpid()));
  fs::create_directories(own);
  expect_error((own / "no_such.pth").string(), "no such weight file");
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream((own / name).string(), std::ios::binary) << bytes;
    return (own / name).string();
  };
  expect_error(write("empty.pth", ""), "too short");
  expect_error(write("legacy.pth", std::string("\x80\x02\x8a\x0alegacy", 10)), "legacy");
  expect_error(write("noise.onnx", std::string(64, '\xff')), "not a readable ONNX model");
  // A state dict cut in half: the zip directory is gone.
  std::ifstream in(dir_ + "/resnet18.pth", std::ios::binary);
  std::string whole((std::istreambuf_iterator<char>(in)), {});
  expect_error(write("cut.pth", whole.substr(0, whole.size() / 2)), "cut.pth");
  fs::remove_all(own);
}

// The one ImageNet network available offline: its int8 weights, dequantised into the native
// mobilenet_v2, must see what OpenCV's int8 run of the same file sees (pooled 1280 features).
TEST(PretrainedInt8, SharedMobileNetMatchesOpenCvOnVideoFrames) {
  const std::string clips = std::string(DFLAB_SHARED_DIR) + "/data/dfl-swaps-dfdc/dfl_part_0";
  if (!fs::exists(kMobileNetInt8) || !fs::exists(clips)) GTEST_SKIP() << "no " << kMobileNetInt8 << " or " << clips;
  at::set_num_threads(1);
  Registry reg;
  register_model_plugins(reg);
  auto m = reg.create<Model>(kind::model, "mobilenet_v2", reg.defaults(kind::model, "mobilenet_v2"));
  const WeightLoadReport r = load_pretrained_weights(*m, read_weight_file(kMobileNetInt8));
  ASSERT_TRUE(r.complete()) << describe_problems(r);
  EXPECT_EQ(r.head_dropped.size(), 1u);   // the 1280 x 1000 QLinearMatMul (no bias of its own)
  auto& net = dynamic_cast<NetModel<MobileNetV2>&>(*m).net();
  net->eval();
  cv::dnn::Net cvnet = cv::dnn::readNetFromONNX(kMobileNetInt8);
  std::vector<std::string> videos;
  for (const auto& e : fs::directory_iterator(clips))
    if (e.path().extension() == ".mp4") videos.push_back(e.path().string());
  std::sort(videos.begin(), videos.end());
  ASSERT_GE(videos.size(), 4u);
  for (std::size_t k = 0; k < 4; ++k) {
    cv::VideoCapture cap(videos[k]);
    cv::Mat frame;
    ASSERT_TRUE(cap.read(frame)) << videos[k];
    cv::Mat rgb;
    cv::resize(frame, rgb, {224, 224});
    cv::cvtColor(rgb, rgb, cv::COLOR_BGR2RGB);
    rgb.convertTo(rgb, CV_32FC3, 1.0 / 255);
    cv::subtract(rgb, cv::Scalar(0.485, 0.456, 0.406), rgb);
    cv::divide(rgb, cv::Scalar(0.229, 0.224, 0.225), rgb);
    const cv::Mat blob = cv::dnn::blobFromImage(rgb);   // [1, 3, 224, 224]
    cvnet.setInput(blob);
    const cv::Mat map = cvnet.forward("onnx_node!627_DequantizeLinear");   // [1, 1280, 7, 7]
    torch::Tensor theirs = torch::from_blob(const_cast<float*>(map.ptr<float>()), {1, 1280, 7, 7}, torch::kFloat).mean({2, 3}).squeeze(0);
    torch::Tensor x = torch::from_blob(const_cast<float*>(blob.ptr<float>()), {1, 3, 224, 224}, torch::kFloat).clone();
    torch::NoGradGuard no_grad;
    torch::Tensor ours = net->forward_features(x).squeeze(0);
    const double corr = torch::corrcoef(torch::stack({ours, theirs})).index({0, 1}).item<double>();
    EXPECT_GT(corr, 0.9) << videos[k];
  }
}

}  // namespace
}  // namespace dflab
