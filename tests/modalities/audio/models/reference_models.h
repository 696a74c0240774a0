#pragma once
// The reference PyTorch models' files for rawnet2_test.cpp / aasist_test.cpp, made once per build
// folder by fixtures/make_raw_waveform_references.py (Debian python3-torch; no network) into
// <build>/test_fixtures/raw_waveform_references/: written into a private folder, then renamed
// into place, reused while newer than the script (ctest runs each test in its own process).

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <torch/torch.h>

#include "modalities/audio/npy.h"

namespace dflab::test {

struct ReferenceModels {
  std::string dir;          // empty when they could not be made
  std::string why_missing;  // then: what to look at
  // "rawnet2" -> parameters of the reference with its 2-class head and with our 1-logit head
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;

  bool ok() const { return !dir.empty(); }
  std::string path(const std::string& file) const { return dir + "/" + file; }
  torch::Tensor npy(const std::string& file) const {
    NpyArray a = read_npy_array(path(file));
    return torch::from_blob(a.data.data(), a.shape, torch::kFloat).clone();
  }
};

inline ReferenceModels make_reference_models() {
  namespace fs = std::filesystem;
  const fs::path script =
      fs::path(DFLAB_TEST_DATA_DIR) / "modalities/audio/models/fixtures/make_raw_waveform_references.py";
  const std::string dir = std::string(DFLAB_BINARY_DIR) + "/test_fixtures/raw_waveform_references";
  ReferenceModels r;
  std::error_code ec;
  const bool fresh = fs::exists(fs::path(dir) / "done", ec) &&
                     fs::last_write_time(fs::path(dir) / "done", ec) >= fs::last_write_time(script, ec);
  if (!fresh) {
    if (!fs::exists("/usr/bin/python3")) {
      r.why_missing = "/usr/bin/python3 not found";
      return r;
    }
    const std::string tmp = dir + ".tmp." + std::to_string(::getpid());
    fs::create_directories(tmp);
    const std::string cmd = "/usr/bin/python3 " + script.string() + " " + tmp + " > " + tmp + "/log.txt 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      r.why_missing = "python3-torch unavailable or the script failed: see " + tmp + "/log.txt";
      return r;
    }
    std::ofstream(tmp + "/done") << "made by " << script.string() << "\n";
    fs::remove_all(dir, ec);
    fs::rename(tmp, dir, ec);
    if (ec) fs::remove_all(tmp, ec);   // another test process was first: use its folder
  }
  if (!fs::exists(fs::path(dir) / "done", ec)) {
    r.why_missing = dir + " was not made";
    return r;
  }
  std::ifstream counts(dir + "/counts.txt");
  std::string name;
  std::int64_t two = 0, one = 0;
  while (counts >> name >> two >> one) r.counts[name] = {two, one};
  r.dir = dir;
  return r;
}

// Made on first use, once per test process.
inline const ReferenceModels& reference_models() {
  static const ReferenceModels r = make_reference_models();
  return r;
}

// Largest |a - b| relative to max(1, max |b|).
inline double worst_difference(const torch::Tensor& a, const torch::Tensor& b) {
  const double scale = std::max(1.0, b.abs().max().item<double>());
  return (a - b).abs().max().item<double>() / scale;
}

}  // namespace dflab::test
