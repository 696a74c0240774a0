// `dflab predict` never invents a score: a missing path, a folder, an empty or a text file, a
// symlink loop get no score, a status saying why, one stderr line naming the file, and exit 1
// after the others were scored; --out writes a status column with RFC 4180 names; a prior is
// written only with --on-error prior, and then the status says so.
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/cli_runner.h"
#include "tests/datasets/test_files.h"
#include "tests/experiments/tiny_experiment.h"

namespace dflab {
namespace {

using namespace dflab::testing;
namespace fs = std::filesystem;

// RFC 4180 fields of one line (no line breaks inside fields here).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

TEST(PredictCli, UnreadableInputsGetAStatusNotAScore) {
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  const std::string toml = d.write("exp/exp.toml", tiny_experiment_toml(data, 1));
  const std::string db = d / "exp/runs.sqlite";
  ASSERT_EQ(run_dflab("run " + toml).code, 0);
  const std::string good = data + "/testset/" + lines_of(read_file(data + "/prediction.csv"))[1];

  const std::string in = d / "in";
  fs::create_directories(in + "/folder.mp4");
  d.write("in/empty.mp4", "");
  d.write("in/text.mp4", "this is not a video\n");
  fs::copy_file(good, in + "/a, \"b\".mp4");
  const std::string missing = in + "/missing.mp4";

  const auto single = run_dflab("predict --db " + db + " --run tiny/video " + missing);
  EXPECT_EQ(single.code, 1);
  EXPECT_TRUE(single.out.empty()) << single.out;   // no number where nothing was read
  EXPECT_NE(single.err.find(missing), std::string::npos) << single.err;

  const std::string files = "'" + good + "' '" + missing + "' '" + in + "/folder.mp4' '" + in + "/empty.mp4' '" + in +
                            "/text.mp4' '" + in + "/a, \"b\".mp4'";
  const auto many = run_dflab("predict --db " + db + " --run tiny/fusion-mean --out " + (d / "p.csv") + " " + files);
  EXPECT_EQ(many.code, 1) << many.err;
  for (const char* name : {"missing.mp4", "folder.mp4", "empty.mp4", "text.mp4"})
    EXPECT_NE(many.err.find(name), std::string::npos) << name << "\n" << many.err;
  const auto lines = lines_of(read_file(d / "p.csv"));
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0], "video_name,score,status");
  std::map<std::string, std::vector<std::string>> row;
  for (std::size_t i = 1; i < lines.size(); ++i) row[csv_fields(lines[i])[0]] = csv_fields(lines[i]);
  const std::string good_name = fs::path(good).filename().string();
  EXPECT_EQ(row[good_name][2], "ok");
  EXPECT_FALSE(row[good_name][1].empty());
  EXPECT_EQ(row["a, \"b\".mp4"][2], "ok");   // quoted on the way out, read back whole
  EXPECT_EQ(row["a, \"b\".mp4"][1], row[good_name][1]);
  EXPECT_EQ(row["missing.mp4"], (std::vector<std::string>{"missing.mp4", "", "missing"}));
  for (const char* name : {"folder.mp4", "empty.mp4", "text.mp4"})
    EXPECT_EQ(row[name], (std::vector<std::string>{name, "", "unreadable"})) << name;

  // --on-error prior: the training prior, marked as such, exit 0.
  const auto prior = run_dflab("predict --db " + db + " --run tiny/video --on-error prior --json " + files);
  EXPECT_EQ(prior.code, 0) << prior.err;
  std::map<std::string, nlohmann::json> js;
  const nlohmann::json v_doc = nlohmann::json::parse(prior.out);
  for (const auto& v : v_doc["scores"]) js[v["video"].get<std::string>()] = v;
  EXPECT_EQ(js["missing.mp4"]["status"], "missing");
  EXPECT_EQ(js["missing.mp4"]["substitute"], "prior");
  const auto show = nlohmann::json::parse(run_dflab("show tiny/video --db " + db + " --json").out);
  EXPECT_NEAR(js["missing.mp4"]["score"].get<double>(), std::stod(show["params"]["prior"].get<std::string>()), 1e-9);
  EXPECT_EQ(js["text.mp4"]["status"], "unreadable");
  EXPECT_TRUE(js[good_name]["substitute"].is_null());
  EXPECT_NE(prior.err.find("--on-error prior"), std::string::npos) << prior.err;

  // A folder with a symlink loop: the loop is reported, the rest scored.
  fs::create_directories(d / "dir");
  fs::copy_file(good, d / "dir/clip.mp4");
  fs::create_symlink(d / "dir/loop.mp4", d / "dir/loop.mp4");
  const auto dir = run_dflab("predict --db " + db + " --run tiny/video --json --videos " + (d / "dir"));
  EXPECT_EQ(dir.code, 1) << dir.err;
  std::map<std::string, std::string> status;
  const nlohmann::json dir_doc = nlohmann::json::parse(dir.out);
  for (const auto& v : dir_doc["scores"]) status[v["video"].get<std::string>()] = v["status"].get<std::string>();
  EXPECT_EQ(status["clip.mp4"], "ok");
  EXPECT_EQ(status["loop.mp4"], "unreadable");

  // `dflab av sync` slides a voice against mouths: a video model's run cannot, and says so.
  const auto sync = run_dflab("av sync --db " + db + " --run tiny/video --json " + good);
  EXPECT_EQ(sync.code, 1);
  EXPECT_TRUE(sync.out.empty()) << sync.out;
  EXPECT_NE(sync.err.find("tiny/video is not an audio-visual model run"), std::string::npos) << sync.err;
}

// A video without an audio stream scored by the audio model: silence stands in, and says so.
TEST(PredictCli, ASubstituteIsReportedInTheStatus) {
  if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) GTEST_SKIP() << "no ffmpeg";
  TempDir d;
  const std::string data = d / "data";
  make_tiny_dataset(data);
  const std::string toml = d.write("exp/exp.toml", tiny_experiment_toml(data, 1));
  const std::string db = d / "exp/runs.sqlite";
  ASSERT_EQ(run_dflab("run " + toml).code, 0);
  const std::string good = data + "/testset/" + lines_of(read_file(data + "/prediction.csv"))[1];
  const std::string silent = d / "silent.mp4";
  ASSERT_EQ(std::system(("ffmpeg -loglevel error -y -i '" + good + "' -an -c copy '" + silent + "'").c_str()), 0);
  const auto r = run_dflab("predict --db " + db + " --run tiny/audio --json " + silent);
  EXPECT_EQ(r.code, 0) << r.err;
  const auto v = nlohmann::json::parse(r.out)["scores"][0];
  EXPECT_EQ(v["status"], "no_audio");
  EXPECT_EQ(v["substitute"], "silence");
  EXPECT_TRUE(v["score"].is_number());
}

}  // namespace
}  // namespace dflab
