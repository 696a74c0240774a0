// The report in a real browser: Debian's chromium, headless, loads the generated page from a file,
// dumps the rendered DOM (the expected sections must be there and the inline script must have run)
// with console logging on (no console message and no uncaught exception allowed), and takes a
// screenshot (copied to <build>/tests/reports/report_screenshot.png for a person to look at).
// Skipped when /usr/bin/chromium is not installed (scripts/install-deps.sh installs it).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/report.h"
#include "tests/reports/report_fixture.h"

namespace dflab::reports {
namespace {

namespace fs = std::filesystem;
const char* const k_chromium = "/usr/bin/chromium";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs headless chromium on `html_path` with `mode` (--dump-dom or --screenshot=...), each run with
// a fresh profile; returns the exit code, stdout in `out` and stderr in `err`.
int chromium(const std::string& html_path, const std::string& mode, const std::string& work, std::string& out,
             std::string& err) {
  static int n = 0;
  const std::string profile = work + "/profile" + std::to_string(n++);
  fs::create_directories(profile);
  const std::string out_file = work + "/chromium.out", err_file = work + "/chromium.err";
  const std::string cmd = std::string("HOME=") + work + " timeout 90 " + k_chromium +
                          " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                          " --disable-background-networking --disable-component-update --disable-sync"
                          " --disable-dev-shm-usage --hide-scrollbars --user-data-dir=" + profile +
                          " --window-size=1280,2400 --enable-logging=stderr --v=0 " + mode + " 'file://" +
                          html_path + "' >" + out_file + " 2>" + err_file + " </dev/null";
  const int status = std::system(cmd.c_str());
  out = slurp(out_file);
  err = slurp(err_file);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Console messages and uncaught exceptions chromium logged for the page (its own dbus/GPU noise
// is not about the page and is ignored).
std::vector<std::string> page_console_lines(const std::string& err) {
  std::vector<std::string> out;
  std::istringstream in(err);
  std::string line;
  while (std::getline(in, line))
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos)
      out.push_back(line);
  return out;
}

class ReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(k_chromium))
      GTEST_SKIP() << k_chromium << " not installed (Debian package chromium; scripts/install-deps.sh installs it)";
  }
};

TEST_F(ReportBrowser, ConsoleCheckCatchesAScriptError) {
  // The negative control: the same check flags a page whose script throws.
  testing::Fixture fx;
  const std::string page = fx.tmp.file("bad.html");
  std::ofstream(page) << "<!DOCTYPE html><html><body><p>x</p><script>undefined_function();</script></body></html>";
  std::string out, err;
  ASSERT_EQ(chromium(page, "--dump-dom", fx.tmp.path().string(), out, err), 0) << err;
  EXPECT_FALSE(page_console_lines(err).empty()) << err;
}

TEST_F(ReportBrowser, RendersEverySectionWithoutConsoleErrors) {
  testing::Fixture fx;
  const std::string page = fx.tmp.file("report.html");
  {
    store::StoreOptions so;
    so.create = false;
    const store::RunStore db = store::RunStore::open(fx.db_path, so);
    ReportOptions o;
    o.experiment = "exp-demo";
    write_report(db, o, page);
  }
  std::string dom, err;
  ASSERT_EQ(chromium(page, "--dump-dom", fx.tmp.path().string(), dom, err), 0) << err;
  for (const char* id : {"leaderboard", "roc", "score-histograms", "confusion", "training-curves", "dataset",
                         "hardest-videos", "fig-roc", "fig-roc-log", "leaderboard-table", "hardest-table"})
    EXPECT_NE(dom.find(std::string("id=\"") + id + "\""), std::string::npos) << "rendered DOM lacks #" << id;
  EXPECT_NE(dom.find("data-report-js=\"ok\""), std::string::npos) << "the inline script did not run to its end";
  const auto console = page_console_lines(err);
  EXPECT_TRUE(console.empty()) << console.front();

  const std::string shot = fx.tmp.file("report.png");
  std::string out;
  ASSERT_EQ(chromium(page, "--screenshot=" + shot, fx.tmp.path().string(), out, err), 0) << err;
  EXPECT_TRUE(page_console_lines(err).empty());
  const cv::Mat img = cv::imread(shot, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty()) << "no screenshot at " << shot;
  EXPECT_EQ(img.cols, 1280);
  EXPECT_EQ(img.rows, 2400);
  cv::Scalar mean, stddev;
  cv::meanStdDev(img, mean, stddev);
  EXPECT_GT(stddev[0], 10.0) << "screenshot is (nearly) blank";
  std::error_code ec;
  fs::create_directories(std::string(DFLAB_BINARY_DIR) + "/tests/reports", ec);
  fs::copy_file(shot, std::string(DFLAB_BINARY_DIR) + "/tests/reports/report_screenshot.png",
                fs::copy_options::overwrite_existing, ec);
}

}  // namespace
}  // namespace dflab::reports
