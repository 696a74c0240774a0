// The entry points of libdflab_torch_commands.so (apps/command_libraries.h): the commands that
// train or run models, and the model plugins. The rest of dflab resolves against the program and
// the media library, loaded before it.
#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "modalities/models/register_models.h"

extern "C" {

int dflab_command_library_abi() { return dflab::cli::command_library_abi; }

void dflab_add_commands(CLI::App& app, dflab::cli::Context& ctx) {
  using namespace dflab::cli;
  add_info_command(app, ctx);
  add_run_command(app, ctx);
  add_predict_command(app, ctx);
  add_export_command(app, ctx);
  add_serve_command(app, ctx);
  add_model_command(app, ctx);
  add_av_command(app, ctx);
}

void dflab_register_plugins(dflab::Registry& registry) { dflab::register_model_plugins(registry); }

}  // extern "C"
