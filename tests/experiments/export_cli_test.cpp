// `dflab export`: a trained tiny run's video model (meso4) goes out as a state dict that the
// Python class of examples/pytorch/dflab_torch_models.py loads strictly; scored in PyTorch from
// the run's cached face crops with the sidecar's recipe, a test video gets `dflab predict`'s score
// to 1e-5 (export_crops_check.py; skipped without python3-torch / opencv). Fusion runs,
// --format torchscript for a C++ model and a missing run are refused with a reason. A run of the
// torchscript plugin goes out as TorchScript (its trained weights) that torch.jit.load scores alike.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/experiments/tiny_experiment.h"

namespace dflab {
namespace {

using namespace dflab::testing;
namespace fs = std::filesystem;

// Exit status of export_crops_check.py for MODEL against `dflab predict`'s score of `video`, or
// -1 when python3-torch / opencv are missing (the caller skips).
int check_in_pytorch(const TempDir& d, const std::string& model, const std::string& db, const std::string& run,
                     const std::string& video, std::string* log_text) {
  const auto p = run_dflab("predict --db " + db + " --run " + run + " --json " + video);
  EXPECT_EQ(p.code, 0) << p.err;
  if (p.code != 0) return 1;
  const double expected = nlohmann::json::parse(p.out)["scores"][0]["score"].get<double>();
  const std::string script = std::string(DFLAB_SOURCE_DIR) + "/tests/experiments/export_crops_check.py";
  const std::string log = d / "check.log";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", expected);
  const int rc = std::system(("/usr/bin/python3 " + script + " " + model + " " + (d / "exp/work/cache/faces") + " " +
                              video + " " + buf + " > " + log + " 2>&1").c_str());
  *log_text = read_file(log);
  if (!WIFEXITED(rc) || WEXITSTATUS(rc) == 3 || WEXITSTATUS(rc) == 127) return -1;
  return WEXITSTATUS(rc);
}

TEST(ExportCli, AStateDictPyTorchScoresLikeDflab) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  const std::string toml = d.write("exp/exp.toml", tiny_experiment_toml(data, 1));
  const std::string db = d / "exp/runs.sqlite";
  ASSERT_EQ(run_dflab("run " + toml).code, 0);

  const std::string out = d / "out/video.pth";
  const auto r = run_dflab("export --db " + db + " --run tiny/video --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Meso4"), std::string::npos) << r.out;
  ASSERT_TRUE(fs::exists(out));
  const nlohmann::json side = nlohmann::json::parse(read_file(d / "out/video.json"));
  EXPECT_EQ(side["run"], "tiny/video");
  EXPECT_EQ(side["model"]["plugin"], "meso4");
  EXPECT_EQ(side["pytorch"]["constructor"], "Meso4");
  EXPECT_EQ(side["pytorch"]["kwargs"]["input_size"], 32);
  EXPECT_EQ(side["input"]["height"], 32);
  EXPECT_EQ(side["input"]["crop"]["size"], 32);
  EXPECT_NEAR(side["input"]["normalisation"]["mean"][0].get<double>(), 0.485, 1e-6);
  EXPECT_EQ(side["input"]["pixels"]["order"], "RGB");
  EXPECT_EQ(side["output"]["aggregate"]["plugin"], "mean");

  const std::string video = data + "/testset/" + lines_of(read_file(data + "/prediction.csv"))[1];
  std::string check;
  const int rc = check_in_pytorch(d, out, db, "tiny/video", video, &check);
  if (rc < 0) GTEST_SKIP() << "python3-torch / opencv unavailable: " << check;
  EXPECT_EQ(rc, 0) << check;

  // What cannot be exported says why.
  const auto fusion = run_dflab("export --db " + db + " --run tiny/fusion-mean --out " + (d / "f.pth"));
  EXPECT_EQ(fusion.code, 1);
  EXPECT_NE(fusion.err.find("fusion"), std::string::npos) << fusion.err;
  EXPECT_NE(fusion.err.find("video"), std::string::npos) << fusion.err;   // names its inputs
  const auto ts = run_dflab("export --db " + db + " --run tiny/video --format torchscript --out " + (d / "v.pt"));
  EXPECT_EQ(ts.code, 1);
  EXPECT_NE(ts.err.find("torchscript plugin"), std::string::npos) << ts.err;
  EXPECT_FALSE(fs::exists(d / "v.pt"));
  const auto missing = run_dflab("export --db " + db + " --run tiny/nope --out " + (d / "n.pth"));
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nope"), std::string::npos) << missing.err;
  EXPECT_EQ(run_dflab("export --db " + db + " --run tiny/video").code, 2);   // --out is required
}

TEST(ExportCli, ATorchScriptRunGoesOutAsTorchScriptThatPyTorchScoresLikeDflab) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  const std::string scripted = std::string(DFLAB_SOURCE_DIR) + "/tests/modalities/models/fixtures/tiny_cnn_scripted.pt";
  const std::string toml = d.write("exp/exp.toml",
      "[experiment]\nname = \"ts\"\nseed = 5\nthreads = 2\ndb = \"runs.sqlite\"\nwork_dir = \"work\"\n"
      "[data]\nformat = \"ffdv\"\nroot = \"" + data + "\"\ntrain = \"trainset_label.txt\"\n"
      "val = \"valset_label.txt\"\ntest = \"prediction.csv\"\n"
      "[video]\nsampling = { strategy = \"uniform\", frames = 4 }\ncrop = { size = 32, margin = 1.3 }\n"
      "[[models]]\nname = \"scripted\"\nplugin = \"torchscript\"\nmodel = \"" + scripted + "\"\n"
      "height = 32\nwidth = 32\nmodality = \"video\"\ntrain = { epochs = 1, batch = 8, workers = 1 }\n");
  const std::string db = d / "exp/runs.sqlite";
  const auto run = run_dflab("run " + toml);
  ASSERT_EQ(run.code, 0) << run.err;

  const std::string out = d / "out/scripted.pt";
  const auto r = run_dflab("export --db " + db + " --run ts/scripted --format torchscript --out " + out);
  ASSERT_EQ(r.code, 0) << r.err;
  const nlohmann::json side = nlohmann::json::parse(read_file(d / "out/scripted.json"));
  EXPECT_EQ(side["format"], "torchscript");
  EXPECT_EQ(side["pytorch"]["load"], "torch.jit.load");
  EXPECT_EQ(side["input"]["height"], 32);
  // The trained weights, not the file training started from.
  EXPECT_NE(read_file(out), read_file(scripted));

  const std::string video = data + "/testset/" + lines_of(read_file(data + "/prediction.csv"))[1];
  std::string check;
  const int rc = check_in_pytorch(d, out, db, "ts/scripted", video, &check);
  if (rc < 0) GTEST_SKIP() << "python3-torch / opencv unavailable: " << check;
  EXPECT_EQ(rc, 0) << check;
}

}  // namespace
}  // namespace dflab
