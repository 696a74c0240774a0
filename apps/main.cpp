// dflab — audio-visual deepfake detection toolkit. Subcommands are added by apps/cmd_*.cpp.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <iostream>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "registry/process_memory.h"
#include "registry/diagnostics.h"
#include "registry/interrupt.h"
#include "registry/param_args.h"
#include "registry/plugin_loader.h"

#ifndef DFLAB_VERSION
#define DFLAB_VERSION "0.0.0"
#endif

namespace {

// The first Ctrl-C / SIGTERM asks the work to stop at its next safe point (registry/interrupt.h);
// a second one ends the process at once, as the default action would.
extern "C" void on_stop_signal(int signal) {
  if (dflab::interrupt_requested()) {
    ::signal(signal, SIG_DFL);
    ::raise(signal);
    return;
  }
  dflab::request_interrupt(signal);
  static const char message[] = "\ndflab: stopping after the current step (press Ctrl-C again to stop at once)\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, message, sizeof message - 1);
}

void install_stop_handlers() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// The subcommand's name: the first argument that is neither an option nor --plugin's value.
std::string first_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--plugin") {
      ++i;
      continue;
    }
    if (!arg.empty() && arg[0] != '-') return arg;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dflab;
  keep_freed_memory_in_process();   // before any tensor is allocated
  install_stop_handlers();
  CLI::App app{"dflab " DFLAB_VERSION " — audio-visual deepfake detection experiments", "dflab"};
  app.set_version_flag("--version", DFLAB_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Run 'dflab <command> --help' for a command's options. Exit codes: 0 ok, 1 failure, 2 usage error.\n"
      "Results go to stdout (--json for one JSON document), messages to stderr.");
  app.fallthrough();   // --plugin may also come after the subcommand
  cli::Context ctx;
  ctx.argv.assign(argv, argv + argc);
  app.add_option("--plugin", ctx.plugin_paths, "Load a runtime plugin library (.so); repeatable")
      ->check(CLI::ExistingFile);

  // One line per subcommand (apps/cmd_<name>.cpp). Most live in libraries loaded only for the
  // command asked for (apps/command_libraries.h); `dflab --help` lists the others from placeholders.
  cli::add_score_command(app, ctx);
  cli::add_runs_commands(app, ctx);
  cli::add_compare_command(app, ctx);
  try {
    // A runtime plugin may build on any of dflab's classes: everything is loaded for it.
    const bool plugins = std::find_if(argv + 1, argv + argc, [](const char* a) {
                           return std::strcmp(a, "--plugin") == 0 || std::strncmp(a, "--plugin=", 9) == 0;
                         }) != argv + argc;
    const cli::CommandHome home = plugins ? cli::CommandHome::torch : cli::command_home(first_command(argc, argv));
    for (cli::CommandHome h : {cli::CommandHome::media, cli::CommandHome::torch})
      if (h <= home) cli::load_command_library(h).add_commands(app, ctx);
    cli::add_command_placeholders(app, ctx);
  } catch (const std::exception& e) {
    cli::error(e.what());
    return cli::exit_failure;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {   // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return cli::exit_usage;
  }
  try {
    return ctx.action ? ctx.action() : cli::exit_usage;
  } catch (const cli::UsageError& e) {
    cli::error(e.what());
    return cli::exit_usage;
  } catch (const ParamArgumentError& e) {   // --param without '='
    cli::error(e.what());
    return cli::exit_usage;
  } catch (const Interrupted& e) {
    cli::error(std::string(e.what()) + ": stopped; finished work is kept");
    return 128 + e.signal();
  } catch (const ConfigError& e) {
    std::cerr << e.what() << std::endl;
    cli::error(std::to_string(e.diagnostics().size()) + " problem(s) found");
    return cli::exit_failure;
  } catch (const std::exception& e) {
    // libtorch (c10::Error) and OpenCV append a backtrace or source location on further lines:
    // the user gets the first line, which says what went wrong.
    std::string message = e.what();
    message = message.substr(0, message.find('\n'));
    cli::error(message.empty() ? "unexpected error" : message);
    return cli::exit_failure;
  }
}
