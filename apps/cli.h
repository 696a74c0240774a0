#pragma once
// Shared plumbing of the `dflab` subcommands. Each subcommand lives in its own cmd_<name>.cpp,
// only parses arguments and calls the library; results go to stdout (text, or one JSON document
// with --json), messages to stderr. Exit codes: 0 ok, 1 failure, 2 usage error.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "registry/registry.h"

namespace dflab::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

// Thrown by a command for a bad combination of arguments that CLI11 cannot see (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Context {
 public:
  // Runtime plugin libraries given with --plugin (before or after the subcommand).
  std::vector<std::string> plugin_paths;
  // This process's command line, as main received it (`run --nproc` starts ranks with it).
  std::vector<std::string> argv;
  // Set by the chosen subcommand's parse callback; main runs it after parsing.
  std::function<int()> action;

  // Built-in plugins plus every --plugin library, built on first use.
  Registry& registry();
  // Loads more plugin libraries (e.g. from an experiment's [plugins] load list).
  void load_plugins(const std::vector<std::string>& paths);

 private:
  std::unique_ptr<Registry> registry_;
};

// Adds a --json flag to `cmd` bound to `flag`.
void add_json_flag(CLI::App* cmd, bool& flag);
// Pretty-prints one JSON document to stdout.
void print_json(const nlohmann::json& doc);
// "dflab: warning: ..." / "dflab: error: ..." to stderr.
void warn(const std::string& message);
void error(const std::string& message);

// One adder per subcommand (apps/cmd_<name>.cpp). main.cpp calls the program's own; the command
// libraries' entry files (apps/*_commands_entry.cpp) call theirs.
void add_plugins_command(CLI::App& app, Context& ctx);
void add_info_command(CLI::App& app, Context& ctx);
void add_check_command(CLI::App& app, Context& ctx);
void add_extract_command(CLI::App& app, Context& ctx);
void add_data_command(CLI::App& app, Context& ctx);
void add_score_command(CLI::App& app, Context& ctx);
void add_runs_commands(CLI::App& app, Context& ctx);   // runs, show, leaderboard
void add_video_command(CLI::App& app, Context& ctx);    // video faces
void add_audio_command(CLI::App& app, Context& ctx);    // audio features
void add_model_command(CLI::App& app, Context& ctx);    // model info
void add_synth_command(CLI::App& app, Context& ctx);    // synth (demo dataset generator)
void add_report_command(CLI::App& app, Context& ctx);   // report (HTML)
void add_run_command(CLI::App& app, Context& ctx);      // run (the experiment runner)
void add_predict_command(CLI::App& app, Context& ctx);  // predict (score new videos with a run)
void add_export_command(CLI::App& app, Context& ctx);   // export (a model run out to PyTorch)
void add_serve_command(CLI::App& app, Context& ctx);    // serve (a run behind HTTP)
void add_compare_command(CLI::App& app, Context& ctx);  // compare RUN_A RUN_B
void add_augment_command(CLI::App& app, Context& ctx);  // augment (one plugin on a clip → PNGs)
void add_av_command(CLI::App& app, Context& ctx);       // av sync (audio-visual offset by an av model run)

}  // namespace dflab::cli
