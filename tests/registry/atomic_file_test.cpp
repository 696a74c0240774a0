#include "registry/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "tests/datasets/test_files.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Everything in `dir` but the names given: leftovers such as a `.tmp<pid>` file.
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AtomicFile, WritesTheWholeContentAndMakesTheFolder) {
  testing::TempDir d;
  const std::string path = d / "out/sub/prediction.csv";
  write_file_atomically(path, std::string("video_name,score\na.mp4,0.5\n"));
  EXPECT_EQ(read_all(path), "video_name,score\na.mp4,0.5\n");
  write_file_atomically(path, [](std::ostream& out) { out << "replaced\n"; });
  EXPECT_EQ(read_all(path), "replaced\n");
  EXPECT_EQ(names_in(d.path() / "out/sub"), std::vector<std::string>{"prediction.csv"});
}

TEST(AtomicFile, AWriterThatThrowsLeavesTheOldFileAndNoTempFile) {
  testing::TempDir d;
  const std::string path = d.write("report.html", "old report");
  EXPECT_THROW(write_file_atomically(path,
                                     [](std::ostream& out) {
                                       out << "half a new rep";
                                       throw std::runtime_error("cut off");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read_all(path), "old report");
  EXPECT_EQ(names_in(d.path()), std::vector<std::string>{"report.html"});
}

TEST(AtomicFile, AFolderInTheWayOrAReadOnlyFolderIsAnErrorNamingThePath) {
  testing::TempDir d;
  fs::create_directories(d.path() / "taken");
  try {
    write_file_atomically(d / "taken", std::string("x"));
    FAIL() << "a folder was overwritten";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(d / "taken"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("is a folder"), std::string::npos) << e.what();
  }
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
  fs::create_directories(d.path() / "ro");
  ::chmod((d / "ro").c_str(), 0555);
  EXPECT_THROW(write_file_atomically(d / "ro/f.csv", std::string("x")), std::runtime_error);
  ::chmod((d / "ro").c_str(), 0755);
  EXPECT_TRUE(names_in(d.path() / "ro").empty());
}

// A full disk (/dev/full: every write fails with ENOSPC) is an error, not a short file; the
// rename never happens, so a previous file would survive.
TEST(AtomicFile, AFailedWriteIsReportedAsSuch) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  // The temp file is `<path>.tmp<pid>`: make that name a link to /dev/full.
  testing::TempDir d;
  const std::string path = d / "scores.csv";
  fs::create_symlink("/dev/full", path + ".tmp" + std::to_string(::getpid()));
  try {
    write_file_atomically(path, std::string(1 << 16, 'x'));
    FAIL() << "a write to a full disk succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("write failed"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path));
}

}  // namespace
}  // namespace dflab
