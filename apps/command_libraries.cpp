#include "apps/command_libraries.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "modalities/models/model_catalog.h"

namespace dflab::cli {

namespace {

namespace fs = std::filesystem;

struct LibraryFile {
  const char* env;
  const char* file;
};

LibraryFile library_file(CommandHome home) {
  if (home == CommandHome::media) return {"DFLAB_MEDIA_COMMANDS", "libdflab_media_commands.so"};
  return {"DFLAB_TORCH_COMMANDS", "libdflab_torch_commands.so"};
}

fs::path library_path(CommandHome home) {
  const LibraryFile f = library_file(home);
  if (const char* env = std::getenv(f.env); env && *env) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return (ec ? fs::path(".") : self.parent_path()) / f.file;
}

CommandLibrary g_media;
CommandLibrary g_torch;

CommandLibrary& slot(CommandHome home) { return home == CommandHome::media ? g_media : g_torch; }

template <class Fn>
Fn entry(void* handle, const char* name, const fs::path& path) {
  void* s = dlsym(handle, name);
  if (!s) throw std::runtime_error(path.string() + " has no " + name + " (a stale build? rebuild dflab)");
  return reinterpret_cast<Fn>(s);
}

}  // namespace

const std::vector<LibraryCommand>& library_commands() {
  using H = CommandHome;
  static const std::vector<LibraryCommand> all = {
      {"plugins", H::media, "List registered plugins with their parameters and defaults"},
      {"check", H::media, "Validate an experiment file: every problem, with file:line, at once"},
      {"extract", H::media, "Preprocess an experiment's videos: face crops and audio features, parallel and cached"},
      {"data", H::media, "Inspect datasets (FFDV, DFDC or CSV layouts)"},
      {"video", H::media, "Video tools: face extraction"},
      {"audio", H::media, "Audio tools: feature extraction"},
      {"synth", H::media, "Generate the synthetic audio-visual demo dataset (FFDV layout)"},
      {"report", H::media, "Write a self-contained HTML report (leaderboard, ROC, histograms, ...) of an experiment from the run store"},
      {"augment", H::media, "Apply one augmentation plugin to a clip and write the frames as PNG"},
      {"info", H::torch, "Show versions of dflab and its libraries, threads, BLAS and CUDA"},
      {"run", H::torch, "Run an experiment: preprocess, train every model, fuse, score, log to the store, write prediction.csv"},
      {"predict", H::torch, "Score new videos with a trained run (model or fusion) from the store"},
      {"export", H::torch, "Write a trained model run as a PyTorch state dict (or TorchScript) plus a JSON sidecar"},
      {"serve", H::torch, "Score videos over HTTP with a trained run: POST /score, GET /health, GET /runs"},
      {"model", H::torch, "Model tools: info (input, parameters, multiply-adds), load-check (pretrained weights), forward "
                          "(one pass on a .npy)"},
      {"av", H::torch, "Audio-visual tools: sync (the offset and confidence of voice against mouths, by an av model run)"},
  };
  return all;
}

const char* command_description(const std::string& name) {
  for (const auto& c : library_commands())
    if (name == c.name) return c.description;
  throw std::logic_error("no library command '" + name + "'");
}

CommandHome command_home(const std::string& name) {
  for (const auto& c : library_commands())
    if (name == c.name) return c.home;
  return CommandHome::program;
}

bool command_library_loaded(CommandHome home) {
  return home == CommandHome::program || slot(home).add_commands != nullptr;
}

const CommandLibrary& load_command_library(CommandHome home) {
  if (home == CommandHome::program) throw std::logic_error("the program's own commands are no library");
  CommandLibrary& lib = slot(home);
  if (lib.add_commands) return lib;
  if (home == CommandHome::torch) load_command_library(CommandHome::media);
  const fs::path path = library_path(home);
  if (!fs::exists(path))
    throw std::runtime_error("this command's code is in " + path.string() + ", which does not exist (build dflab " +
                             "again, or point " + library_file(home).env + " at the library)");
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (!handle) throw std::runtime_error("cannot load " + path.string() + ": " + dlerror());
  const int abi = entry<int (*)()>(handle, "dflab_command_library_abi", path)();
  if (abi != command_library_abi)
    throw std::runtime_error(path.string() + " was built for another dflab (ABI " + std::to_string(abi) +
                             ", this program has " + std::to_string(command_library_abi) + "): rebuild dflab");
  CommandLibrary loaded;
  loaded.add_commands = entry<void (*)(CLI::App&, Context&)>(handle, "dflab_add_commands", path);
  loaded.register_plugins = entry<void (*)(Registry&)>(handle, "dflab_register_plugins", path);
  lib = loaded;
  return lib;
}

void add_command_placeholders(CLI::App& app, Context& ctx) {
  for (const auto& c : library_commands()) {
    if (command_library_loaded(c.home)) continue;
    auto* cmd = app.add_subcommand(c.name, c.description);
    // main() loads the real command before parsing whenever its name is the first word after the
    // global options; a placeholder is reached only by a spelling main() did not foresee.
    cmd->allow_extras();
    cmd->callback([&ctx, name = std::string(c.name)] {
      ctx.action = [name]() -> int {
        throw UsageError("'" + name + "' must be the first word after the global options (dflab [--plugin X] " +
                         name + " ...)");
      };
    });
  }
}

void register_model_plugins_on_demand(Registry& registry) {
  if (command_library_loaded(CommandHome::torch)) {
    load_command_library(CommandHome::torch).register_plugins(registry);
    return;
  }
  for (PluginInfo info : model_catalog()) {
    const std::string name = info.name;
    registry.add(std::move(info), [name](const Params& params) {
      Registry models;
      load_command_library(CommandHome::torch).register_plugins(models);
      return models.create_plugin(kind::model, name, params);
    });
  }
}

}  // namespace dflab::cli
