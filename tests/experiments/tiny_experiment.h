#pragma once
// A tiny generated experiment for CLI tests of `dflab run` and `dflab predict`: `dflab synth`
// clips (1 s, 12 train, 8 val, 4 test) and an experiment file with a video and an audio model
// and two fusions.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/cli_runner.h"

namespace dflab::testing {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string line; std::getline(ss, line);) out.push_back(line);
  return out;
}

inline void make_tiny_dataset(const std::string& dir) {
  const auto r = run_dflab("synth --out " + dir + " --train 12 --val 8 --test 4 --seconds 1 --seed 3");
  ASSERT_EQ(r.code, 0) << r.err;
}

inline std::string tiny_experiment_toml(const std::string& data, int epochs, int audio_epochs = 0, int threads = 2) {
  if (audio_epochs == 0) audio_epochs = epochs;
  return "[experiment]\nname = \"tiny\"\nseed = 5\nthreads = " + std::to_string(threads) +
         "\ndb = \"runs.sqlite\"\nwork_dir = \"work\"\n"
         "[data]\nformat = \"ffdv\"\nroot = \"" + data + "\"\ntrain = \"trainset_label.txt\"\n"
         "val = \"valset_label.txt\"\ntest = \"prediction.csv\"\n"
         "[video]\nsampling = { strategy = \"uniform\", frames = 4 }\ncrop = { size = 32, margin = 1.3 }\n"
         "[audio]\nfeature = { plugin = \"mel\", sample_rate = 16000, n_fft = 512, hop_length = 256, n_mels = 32, to_db = true }\n"
         "[[models]]\nname = \"video\"\nplugin = \"meso4\"\ninput_size = 32\nmodality = \"video\"\n"
         "train = { epochs = " + std::to_string(epochs) + ", batch = 8, workers = 1 }\n"
         "[[models]]\nname = \"audio\"\nplugin = \"mel_cnn\"\nn_mels = 32\nframes = 32\nwidth = 0.5\nmodality = \"audio\"\n"
         "train = { epochs = " + std::to_string(audio_epochs) + ", batch = 8, workers = 1 }\n"
         "[[fusion]]\nplugin = \"mean\"\n[[fusion]]\nplugin = \"max\"\n";
}

// `dflab run TOML [extra]` in the background, stderr to `log`, with the environment `env`
// ("NAME=value" entries) added. Returns its pid.
inline pid_t start_dflab_run(const std::string& toml, const std::string& log, const std::vector<std::string>& env = {},
                             const std::string& extra = "") {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(log.c_str(), "w", stderr) || !std::freopen("/dev/null", "w", stdout)) ::_exit(126);
    for (const std::string& e : env) ::putenv(const_cast<char*>(e.c_str()));
    const std::string bin = dflab_binary();
    if (extra.empty()) ::execl(bin.c_str(), bin.c_str(), "run", toml.c_str(), static_cast<char*>(nullptr));
    else ::execl(bin.c_str(), bin.c_str(), "run", toml.c_str(), extra.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

// Waits for `pid`; returns its wait status.
inline int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace dflab::testing
