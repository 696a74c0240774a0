// `dflab report`: the built binary on a stored experiment; exit codes (0 written, 1 missing store or
// unknown experiment/run, 2 usage) and the messages that say what exists. Each start of dflab
// costs about a second (libtorch loads), so the cases are few and each checks several things.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli_runner.h"
#include "tests/reports/report_fixture.h"

namespace dflab::reports {
namespace {

using dflab::testing::run_dflab;

class ReportCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    unsetenv("DFLAB_DB");
    fx_ = new testing::Fixture();
  }
  static void TearDownTestSuite() {
    delete fx_;
    fx_ = nullptr;
  }
  static testing::Fixture* fx_;
};
testing::Fixture* ReportCli::fx_ = nullptr;

TEST_F(ReportCli, WritesReportAndFigures) {
  const std::string out = fx_->tmp.file("cli/report.html");
  const std::string figs = fx_->tmp.file("cli/figs");
  const auto r = run_dflab("report --db " + fx_->db_path + " --experiment exp-demo --out " + out +
                           " --metric logloss --figures " + figs);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("wrote " + out + " (3 runs, ranked by logloss on val)"), std::string::npos) << r.out;
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_TRUE(std::filesystem::exists(figs + "/roc_log.svg"));

  const auto j = run_dflab("report --db " + fx_->db_path + " --runs exp-demo/video-cnn,exp-demo/audio-mel --out " +
                           out + " --json");
  ASSERT_EQ(j.code, 0) << j.err;
  const auto doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["runs"].size(), 2u);
  EXPECT_EQ(doc["out"], out);
}

TEST_F(ReportCli, BadInputsGiveClearErrorsAndExitCodes) {
  const std::string out = fx_->tmp.file("bad/report.html");
  auto r = run_dflab("report --db " + fx_->tmp.file("missing.sqlite") + " --experiment exp-demo --out " + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no run database at '" + fx_->tmp.file("missing.sqlite") + "'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(fx_->tmp.file("missing.sqlite"))) << "a report never creates a store";

  r = run_dflab("report --db " + fx_->db_path + " --experiment nope --out " + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no experiment 'nope' (experiments: exp-demo, other-exp)"), std::string::npos) << r.err;

  r = run_dflab("report --db " + fx_->db_path + " --runs exp-demo/video-cnn,ghost --out " + out);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no run 'ghost'"), std::string::npos) << r.err;

  r = run_dflab("report --db " + fx_->db_path + " --experiment exp-demo --runs 1 --out " + out);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("excludes"), std::string::npos) << r.err;

  r = run_dflab("report --db " + fx_->db_path + " --experiment exp-demo --out " + out + " --threshold 1.5");
  EXPECT_EQ(r.code, 2) << r.err;

  r = run_dflab("report --db " + fx_->db_path + " --experiment exp-demo");
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace dflab::reports
