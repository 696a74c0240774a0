// state_dict_writer.h: the files torch.save writes. Read back by our own reader (weight_file.h)
// here, and by Debian's python3-torch: each zoo model with a PyTorch twin (pytorch_twin.h's table:
// torchvision's, or examples/pytorch/dflab_torch_models.py) loads the file under the twin's names
// with strict=True and gives dflab's logits to 1e-5 (state_dict_check.py; skipped when python3
// lacks torch or torchvision).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "modalities/models/model.h"
#include "modalities/models/pytorch_twin.h"
#include "modalities/models/register_models.h"
#include "modalities/models/state_dict_writer.h"
#include "modalities/models/weight_file.h"
#include "tests/datasets/test_files.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

TEST(StateDictWriter, OurReaderReadsBackNamesOrderAndValues) {
  TempDir d;
  std::vector<std::pair<std::string, torch::Tensor>> in = {
      {"conv.weight", torch::randn({4, 3, 3, 3})},
      {"bn.num_batches_tracked", torch::tensor(7, torch::kLong)},
      {"transposed", torch::arange(12, torch::kFloat).reshape({3, 4}).t()},   // not contiguous
      {"empty", torch::zeros({0, 5})},
      {"big", torch::tensor({std::int64_t{1} << 40})},
  };
  const std::string path = d / "sd.pth";
  write_state_dict(path, in);
  const WeightFile w = read_weight_file(path);
  EXPECT_EQ(w.format, "state_dict");
  ASSERT_EQ(w.tensors.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(w.tensors[i].first, in[i].first);
    EXPECT_EQ(w.tensors[i].second.sizes(), in[i].second.sizes()) << in[i].first;
    EXPECT_TRUE(torch::equal(w.tensors[i].second.to(in[i].second.scalar_type()), in[i].second)) << in[i].first;
  }
  EXPECT_FALSE(fs::exists(path + ".tmp" + std::to_string(::getpid())));
}

TEST(StateDictWriter, RefusesWhatPyTorchCouldNotLoad) {
  EXPECT_THROW(state_dict_bytes({{"a", torch::zeros({1})}, {"a", torch::zeros({1})}}), std::invalid_argument);
  EXPECT_THROW(state_dict_bytes({{"c", torch::zeros({2}, torch::kComplexFloat)}}), std::invalid_argument);
  EXPECT_THROW(write_state_dict("/proc/no/such/dir/x.pth", {{"a", torch::zeros({1})}}), std::runtime_error);
}

TEST(PyTorchTwinTable, NoTwinWhereTorchvisionCannotBuildTheArchitecture) {
  Registry reg;
  register_model_plugins(reg);
  Params p = reg.defaults(kind::model, "resnet18");
  p.set("width", 0.5);
  const PyTorchTwin narrow = pytorch_twin("resnet18", p, reg.defaults(kind::model, "resnet18"));
  EXPECT_TRUE(narrow.spec.is_null());
  EXPECT_NE(narrow.why_not.find("width = 0.5"), std::string::npos) << narrow.why_not;
  p = reg.defaults(kind::model, "mc3_18");
  p.set("in_channels", std::int64_t{1});
  EXPECT_TRUE(pytorch_twin("mc3_18", p, reg.defaults(kind::model, "mc3_18")).spec.is_null());
  EXPECT_TRUE(pytorch_twin("xception", reg.defaults(kind::model, "xception"), reg.defaults(kind::model, "xception")).spec.is_null());
  const PyTorchTwin eff = pytorch_twin("efficientnet_b3", reg.defaults(kind::model, "efficientnet_b3"), reg.defaults(kind::model, "efficientnet_b3"));
  EXPECT_EQ(eff.spec["constructor"], "efficientnet_b3");
  const auto renamed = eff.to_twin_names({{"classifier.weight", torch::zeros({1})}, {"features.0.0.weight", torch::zeros({1})}});
  EXPECT_EQ(renamed[0].first, "classifier.1.weight");
  EXPECT_EQ(renamed[1].first, "features.0.0.weight");
}

// Every parameter and buffer drawn at random (BatchNorm statistics too, so that a running_var read
// as running_mean would show), in eval mode: the logits depend on every tensor of the file.
void randomise(Model& m) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(11);
  for (auto& [name, t] : m.named_state()) {
    if (!t.is_floating_point()) continue;
    if (name.find("running_var") != std::string::npos) t.uniform_(0.5, 1.5);
    else if (name.find("running_mean") != std::string::npos || name.find("bias") != std::string::npos) t.normal_(0.0, 0.1);
    else if (name.find("bn") != std::string::npos && name.find("weight") != std::string::npos) t.uniform_(0.8, 1.2);
  }
}

TEST(StateDictWriter, PyTorchTwinsLoadStrictlyAndGiveTheSameLogits) {
  Registry reg;
  register_model_plugins(reg);
  // Small inputs keep it fast; the architecture parameters stay at the defaults the twins need.
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, ParamValue>>>> models = {
      {"resnet18", {{"input_size", std::int64_t{64}}}},
      {"efficientnet_b0", {{"input_size", std::int64_t{64}}}},
      {"mobilenet_v2", {{"input_size", std::int64_t{64}}}},
      {"r2plus1d_18", {{"input_size", std::int64_t{32}}, {"frames", std::int64_t{4}}}},
      {"mc3_18", {{"input_size", std::int64_t{32}}, {"frames", std::int64_t{4}}}},
      {"meso4", {{"input_size", std::int64_t{64}}, {"width", 0.5}}},
  };
  TempDir d;
  const std::string script = std::string(DFLAB_SOURCE_DIR) + "/tests/modalities/models/state_dict_check.py";
  for (const auto& [plugin, set] : models) {
    SCOPED_TRACE(plugin);
    Params params = reg.defaults(kind::model, plugin);
    for (const auto& [k, v] : set) params.set(k, v);
    const PyTorchTwin twin = pytorch_twin(plugin, params, reg.defaults(kind::model, plugin));
    ASSERT_FALSE(twin.spec.is_null()) << twin.why_not;
    std::unique_ptr<Model> m = reg.create<Model>(kind::model, plugin, params);
    randomise(*m);
    m->eval();
    torch::manual_seed(3);
    const torch::Tensor x = torch::randn(m->input().shape(2));
    torch::Tensor y;
    {
      torch::NoGradGuard no_grad;
      y = m->forward(x);
    }
    const std::string model_path = d / (plugin + ".pth"), io_path = d / (plugin + "_io.pth"), spec_path = d / (plugin + ".json");
    write_state_dict(model_path, twin.to_twin_names(m->named_state()));
    write_state_dict(io_path, {{"x", x}, {"y", y}});
    std::ofstream(spec_path) << twin.spec.dump();
    const std::string log = d / (plugin + ".log");
    const int rc = std::system(("/usr/bin/python3 " + script + " " + model_path + " " + io_path + " " + spec_path + " > " + log + " 2>&1").c_str());
    std::ifstream in(log);
    const std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) == 3 || WEXITSTATUS(rc) == 127) GTEST_SKIP() << "python3-torch / torchvision unavailable: " << out;
    EXPECT_EQ(WEXITSTATUS(rc), 0) << out;
  }
}

}  // namespace
}  // namespace dflab
