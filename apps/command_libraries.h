#pragma once
// Where each subcommand's code lives, and loading it on first use.
//
// Loading a shared library costs start-up time: libav, OpenCV and dlib bring ~230 libraries
// (~250 ms), libtorch ~1 s and ~150 MB more. So the `dflab` program itself holds only what
// `--help`, `score`, `runs`, `show`, `leaderboard` and `compare` need (the registry, metrics,
// datasets, the run store), and two libraries beside it hold the rest:
//   libdflab_media_commands.so  decoding, faces, audio features, augmentations, reports, the
//                               torch-free plugins: check, plugins, extract, data, video, audio,
//                               synth, report, augment;
//   libdflab_torch_commands.so  the models, training, the runner, the server: info, run, predict,
//                               export, serve, model (it builds on the media library).
// main() loads the library of the command asked for before parsing; `dflab --help` lists the
// others from placeholders. A library resolves the rest of dflab against what is loaded already.

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/cli.h"

namespace dflab::cli {

// Ordered: a library needs the ones before it.
enum class CommandHome { program, media, torch };

struct LibraryCommand {
  const char* name;
  CommandHome home;
  const char* description;   // what `dflab --help` shows, also while the library is not loaded
};

// The commands of the two libraries, in the order `dflab --help` lists them.
const std::vector<LibraryCommand>& library_commands();
const char* command_description(const std::string& name);
// CommandHome::program for a name no library holds (the program's own, or a typo).
CommandHome command_home(const std::string& name);

// What a library gives the program. The ABI number changes whenever these signatures do.
inline constexpr int command_library_abi = 1;
struct CommandLibrary {
  void (*add_commands)(CLI::App& app, Context& ctx);   // its subcommands, in full
  void (*register_plugins)(Registry& registry);         // media: the torch-free built-ins; torch: the models
};

// Loads `home`'s library once, and the libraries it needs first (RTLD_GLOBAL: what is loaded later,
// runtime plugins included, sees their symbols). Where: DFLAB_MEDIA_COMMANDS / DFLAB_TORCH_COMMANDS,
// else beside this program. Throws std::runtime_error naming the file and the reason.
const CommandLibrary& load_command_library(CommandHome home);
bool command_library_loaded(CommandHome home);

// One line per command of each library not loaded, so `dflab --help` lists every command.
void add_command_placeholders(CLI::App& app, Context& ctx);

// The built-in model plugins: the torch library's own when it is loaded, otherwise the declarations
// the build catalogued (modalities/models/model_catalog.h) with factories that load it on first use.
void register_model_plugins_on_demand(Registry& registry);

}  // namespace dflab::cli
