// The entry points of libdflab_media_commands.so (apps/command_libraries.h): the commands that
// decode media, and the torch-free built-in plugins. The rest of dflab resolves against the program.
#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "experiments/builtin_plugins.h"

extern "C" {

int dflab_command_library_abi() { return dflab::cli::command_library_abi; }

void dflab_add_commands(CLI::App& app, dflab::cli::Context& ctx) {
  using namespace dflab::cli;
  add_plugins_command(app, ctx);
  add_check_command(app, ctx);
  add_extract_command(app, ctx);
  add_data_command(app, ctx);
  add_video_command(app, ctx);
  add_audio_command(app, ctx);
  add_synth_command(app, ctx);
  add_report_command(app, ctx);
  add_augment_command(app, ctx);
}

void dflab_register_plugins(dflab::Registry& registry) { dflab::register_torch_free_plugins(registry); }

}  // extern "C"
