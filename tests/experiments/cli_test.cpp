// The CLI conventions every subcommand follows: --help, exit codes 0/1/2, --json on stdout.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/cli_runner.h"

namespace dflab {
namespace {

using dflab::testing::run_dflab;
namespace fs = std::filesystem;

TEST(Cli, TopLevelHelpListsSubcommands) {
  auto r = run_dflab("--help");
  EXPECT_EQ(r.code, 0);
  for (const char* cmd : {"plugins", "info", "check"}) EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
}

TEST(Cli, EverySubcommandHasHelp) {
  auto top = run_dflab("--help");
  // Subcommand names are the first word of the lines under "Subcommands:".
  const auto pos = top.out.find("Subcommands:");
  ASSERT_NE(pos, std::string::npos) << top.out;
  std::istringstream lines(top.out.substr(pos));
  std::string line;
  std::getline(lines, line);
  int n = 0;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name;
    if (!(words >> name)) continue;
    auto r = run_dflab(name + " --help");
    EXPECT_EQ(r.code, 0) << name << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << name;
    ++n;
  }
  EXPECT_GE(n, 3);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_dflab("").code, 2) << "no subcommand";
  EXPECT_EQ(run_dflab("no-such-command").code, 2);
  EXPECT_EQ(run_dflab("plugins --no-such-flag").code, 2);
  auto r = run_dflab("plugins --kind detector");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("unknown kind 'detector'"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << "messages go to stderr";
}

TEST(Cli, PluginsJsonIncludesRuntimePlugin) {
  auto r = run_dflab(std::string("--plugin ") + SAMPLE_PLUGIN_PATH + " plugins --kind aggregator --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& p : doc) {
    EXPECT_EQ(p["kind"], "aggregator");
    if (p["name"] == "geometric_mean") {
      found = true;
      EXPECT_EQ(p["params"][0]["name"], "eps");
      EXPECT_EQ(p["params"][0]["default"], "1e-06");
    }
  }
  EXPECT_TRUE(found) << r.out;
}

TEST(Cli, InfoJson) {
  auto r = run_dflab("info --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_TRUE(doc.contains("torch"));
  EXPECT_TRUE(doc.contains("blas"));
}

TEST(Cli, CheckReportsProblemsAndExitsOne) {
  const fs::path dir = fs::temp_directory_path() / ("dflab_cli_check_" + std::to_string(::getpid()));
  fs::create_directories(dir / "data");
  std::ofstream(dir / "good.toml") << "[experiment]\nname = \"g\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                                      "[fusion]\nplugin = \"mean\"\n";
  std::ofstream(dir / "bad.toml") << "[experiment]\nname = \"b\"\ncolour = 1\n[data]\nformat = \"csv\"\nroot = \"nope\"\n";

  auto good = run_dflab("check " + (dir / "good.toml").string());
  EXPECT_EQ(good.code, 0) << good.err;
  EXPECT_NE(good.out.find("OK"), std::string::npos);

  auto bad = run_dflab("check " + (dir / "bad.toml").string());
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("bad.toml:3: unknown key 'colour'"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("bad.toml:6: [data] root: no such folder"), std::string::npos) << bad.err;

  auto bad_json = run_dflab("check --json " + (dir / "bad.toml").string());
  EXPECT_EQ(bad_json.code, 1);
  auto doc = nlohmann::json::parse(bad_json.out);
  EXPECT_FALSE(doc["ok"].get<bool>());
  EXPECT_EQ(doc["problems"].size(), 2u);
  EXPECT_EQ(doc["problems"][0]["line"], 3);
  fs::remove_all(dir);
}

// The raw-waveform recipe of the README validates: the waveform feature and the aasist/rawnet2
// models are registered and their parameters checked (a typo in one is an error with its line).
TEST(Cli, CheckAcceptsARawWaveformExperiment) {
  const fs::path dir = fs::temp_directory_path() / ("dflab_cli_check_raw_" + std::to_string(::getpid()));
  fs::create_directories(dir / "data");
  const std::string head = "[experiment]\nname = \"raw\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                           "[audio]\nfeature = { plugin = \"waveform\", sample_rate = 16000 }\n"
                           "[[models]]\nname = \"audio-aasist\"\nplugin = \"aasist\"\nmodality = \"audio\"\n";
  std::ofstream(dir / "raw.toml") << head << "samples = 64600\ntrain = { epochs = 1, batch = 8 }\n"
                                  << "[[models]]\nname = \"audio-rawnet2\"\nplugin = \"rawnet2\"\nmodality = \"audio\"\n"
                                  << "gru_units = 256\n";
  auto r = run_dflab("check " + (dir / "raw.toml").string());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("model audio-aasist (audio): aasist"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("model audio-rawnet2 (audio): rawnet2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("audio feature waveform"), std::string::npos) << r.out;

  std::ofstream(dir / "short.toml") << head << "samples = 1000\n";   // below the shortest input
  auto bad = run_dflab("check " + (dir / "short.toml").string());
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_NE(bad.err.find("short.toml:12:"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("samples"), std::string::npos) << bad.err;
  fs::remove_all(dir);
}

// Commands that build no model start without libtorch (apps/torch_commands.h): pointed at a torch
// commands library that does not exist, they still work — model parameters are checked from the
// catalog — while a torch command says which file it needed.
TEST(Cli, CommandsThatBuildNoModelWorkWithoutTheTorchLibrary) {
  const fs::path dir = fs::temp_directory_path() / ("dflab_cli_no_torch_" + std::to_string(::getpid()));
  fs::create_directories(dir / "data");
  std::ofstream(dir / "exp.toml") << "[experiment]\nname = \"m\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                                  << "[[models]]\nname = \"v\"\nplugin = \"efficientnet_b0\"\nmodality = \"video\"\n"
                                  << "input_size = 96\n";
  std::ofstream(dir / "typo.toml") << "[experiment]\nname = \"m\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                                   << "[[models]]\nname = \"v\"\nplugin = \"efficientnet_b0\"\nmodality = \"video\"\n"
                                   << "input_sise = 96\n";
  const std::string missing = (dir / "no" / "libdflab_torch_commands.so").string();
  ::setenv("DFLAB_TORCH_COMMANDS", missing.c_str(), 1);

  auto help = run_dflab("--help");
  EXPECT_EQ(help.code, 0) << help.err;
  for (const char* cmd : {"run", "predict", "export", "serve", "model", "info", "score", "runs"})
    EXPECT_NE(help.out.find(std::string("  ") + cmd + " "), std::string::npos) << cmd << "\n" << help.out;
  auto models = run_dflab("plugins --kind model --json");
  EXPECT_EQ(models.code, 0) << models.err;
  EXPECT_NE(models.out.find("\"efficientnet_b0\""), std::string::npos);
  auto good = run_dflab("check " + (dir / "exp.toml").string());
  EXPECT_EQ(good.code, 0) << good.err;
  auto typo = run_dflab("check " + (dir / "typo.toml").string());
  EXPECT_EQ(typo.code, 1);
  EXPECT_NE(typo.err.find("typo.toml:10:"), std::string::npos) << typo.err;
  EXPECT_NE(typo.err.find("input_sise"), std::string::npos) << typo.err;

  for (const std::string& cmd : {"run " + (dir / "exp.toml").string(), std::string("info")}) {
    auto r = run_dflab(cmd);
    EXPECT_EQ(r.code, 1) << cmd;
    EXPECT_NE(r.err.find(missing), std::string::npos) << cmd << ": " << r.err;
  }
  ::unsetenv("DFLAB_TORCH_COMMANDS");

  // With the library loaded (a runtime plugin loads it first), the models are the same declarations.
  auto loaded = run_dflab(std::string("--plugin ") + SAMPLE_PLUGIN_PATH + " plugins --kind model --json");
  EXPECT_EQ(loaded.code, 0) << loaded.err;
  EXPECT_EQ(nlohmann::json::parse(loaded.out), nlohmann::json::parse(models.out));
  fs::remove_all(dir);
}

TEST(Cli, CheckFindsAMissingDetectorModelFile) {
  const fs::path dir = fs::temp_directory_path() / ("dflab_cli_check_det_" + std::to_string(::getpid()));
  fs::create_directories(dir / "data");
  std::ofstream(dir / "det.toml") << "[experiment]\nname = \"d\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                                     "[video]\ndetector = { plugin = \"yunet\", model = \"models/yunet.onnx\" }\n";
  auto r = run_dflab("check " + (dir / "det.toml").string());
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.err.find("det.toml:7: [video] detector model: no such file: " + (dir / "models/yunet.onnx").string()),
            std::string::npos) << r.err;
  fs::remove_all(dir);
}

TEST(Cli, ExtractOnAMissingOrInvalidExperimentFailsCleanly) {
  auto missing = run_dflab("extract /nonexistent/exp.toml");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/exp.toml: no such experiment file"), std::string::npos) << missing.err;
  EXPECT_TRUE(missing.out.empty());
}

}  // namespace
}  // namespace dflab
