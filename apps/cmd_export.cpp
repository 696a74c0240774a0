// dflab export --run RUN --out model.pth [--db DB] [--format state_dict|torchscript] [--fold K]:
// a trained model run out to PyTorch: a state dict torchvision's twin (or the class in
// examples/pytorch/dflab_torch_models.py) loads strictly, plus model.json saying how to build it
// and what it eats (experiments/export_run.h).
#include <iostream>
#include <memory>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "experiments/export_run.h"
#include "experiments/store/run_store.h"

namespace dflab::cli {

void add_export_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("export", command_description("export"));
  struct Args {
    std::string db, run, out, format = "state_dict";
    int fold = -1;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--run", a->run, "Model run: experiment/run, an id, or a unique run name (see `dflab runs`)")->required();
  cmd->add_option("--out", a->out, "Model file to write (model.pth); the sidecar goes beside it as model.json")->required();
  cmd->add_option("--db", a->db, "Run database (default: $DFLAB_DB, else runs/dflab.sqlite)");
  cmd->add_option("--format", a->format,
                  "state_dict: torch.load-able OrderedDict under torchvision's names; "
                  "torchscript: only for runs of the torchscript plugin")
      ->check(CLI::IsMember({"state_dict", "torchscript"}));
  cmd->add_option("--fold", a->fold, "k-fold runs: the fold whose checkpoint to write (0-based)")->check(CLI::Range(0, 1000));
  add_json_flag(cmd, a->json);
  cmd->footer(
      "Example: dflab export --db demo/runs.sqlite --run demo/video --out video.pth\n"
      "  python3: sd = torch.load('video.pth', weights_only=True); m = torchvision.models.resnet18(num_classes=1);\n"
      "           m.load_state_dict(sd, strict=True)   # video.json names the constructor and the input recipe");
  cmd->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      ExportRequest req;
      req.db = a->db.empty() ? store::default_db_path() : a->db;
      req.run = a->run;
      req.out = a->out;
      req.format = a->format;
      req.fold = a->fold;
      const ExportResult r = export_run(ctx.registry(), req);
      if (a->json) {
        print_json({{"run", r.run}, {"plugin", r.plugin}, {"model", r.model_path}, {"sidecar", r.sidecar_path},
                    {"tensors", r.n_tensors}, {"parameters", r.n_parameters}, {"pytorch", r.sidecar["pytorch"]}});
      } else {
        std::cout << "wrote " << r.model_path << " (" << r.n_tensors << " tensors, " << r.n_parameters << " parameters of "
                  << r.plugin << ", run " << r.run << ") and " << r.sidecar_path << "\n";
        const auto& py = r.sidecar["pytorch"];
        if (py.contains("constructor"))
          std::cout << "in PyTorch: m = " << py["module"].get<std::string>() << "." << py["constructor"].get<std::string>()
                    << "(**" << py["kwargs"].dump() << "); m.load_state_dict(torch.load(\"" << r.model_path
                    << "\", weights_only=True), strict=True)\n";
        else if (py.contains("none"))
          warn(py["none"].get<std::string>());
      }
      return exit_ok;
    };
  });
}

}  // namespace dflab::cli
