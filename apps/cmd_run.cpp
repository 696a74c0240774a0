// dflab run exp.toml [--resume] [--threads N] [--json]: the whole experiment — preprocess, train
// every model, fuse, score, log to the store, write prediction.csv — ending with a summary table
// and the leaderboard of this experiment.
#include <iostream>
#include <memory>

#include "apps/cli.h"
#include "apps/progress.h"
#include "apps/text_table.h"
#include "experiments/experiment_config.h"
#include "experiments/runner.h"
#include "experiments/training/trainer.h"
#include "registry/interrupt.h"

namespace dflab::cli {

namespace {

nlohmann::json metrics_json(const std::map<std::string, std::optional<double>>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[k] = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  return j;
}

std::optional<double> metric(const std::map<std::string, std::optional<double>>& m, const std::string& name) {
  auto it = m.find(name);
  return it == m.end() ? std::nullopt : it->second;
}

int run_run(Context& ctx, const std::string& path, bool resume, int threads, bool json) {
  ExperimentConfig exp = load_experiment(path, ctx.registry());
  if (threads > 0) exp.experiment.set("threads", ParamValue{static_cast<std::int64_t>(threads)});
  RunnerOptions opt;
  opt.resume = resume;
  opt.version = DFLAB_VERSION;
  std::unique_ptr<ProgressBar> bar;
  opt.callbacks.on_stage = [&](const std::string& s) {
    if (bar) bar->finish();
    bar.reset();
    std::cerr << "== " << s << "\n";
  };
  opt.callbacks.on_warning = [&](const std::string& m) { warn(m); };
  opt.callbacks.on_preprocess = [&](std::size_t done, std::size_t total, const VideoPrep&) {
    if (!bar) bar = std::make_unique<ProgressBar>("preprocess", total);
    bar->tick();
    if (done == total) bar->finish();
  };
  opt.callbacks.on_train_step = [&](const std::string& model, int epoch, int epochs, std::size_t step, std::size_t steps,
                                    double) {
    if (step == 1) {
      bar = std::make_unique<ProgressBar>(model + " epoch " + std::to_string(epoch + 1) + "/" + std::to_string(epochs), steps);
    }
    if (bar) bar->tick();
    if (bar && step == steps) bar->finish();
  };
  opt.callbacks.on_epoch = [&](const std::string& model, const EpochReport& e) {
    if (bar) bar->finish();
    bar.reset();
    std::cerr << "   " << model << " epoch " << e.epoch + 1 << "/" << e.epochs << ": loss " << fmt_value(e.train_loss)
              << "  val logloss " << fmt_value(e.val_logloss) << "  val auc " << fmt_value(e.val_auc) << "  ("
              << format_duration(e.seconds) << (e.best ? ", best so far" : "")
              << (e.restored ? ", from checkpoint" : "") << ")\n";
  };
  ExperimentResult r;
  try {
    r = run_experiment(exp, ctx.registry(), opt);
  } catch (const Interrupted& e) {
    if (bar) bar->finish();
    bar.reset();
    error(std::string(e.what()) + ": finished work is kept (cache, checkpoints, the store; the model in training is "
          "marked interrupted). Continue with: dflab run " + path + " --resume");
    return 128 + e.signal();
  }
  if (bar) bar->finish();

  bool any_ok = false;
  for (const ResultRow& row : r.rows) any_ok |= row.status == "finished" || row.status == "reused";
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const ResultRow& row : r.rows)
      rows.push_back({{"name", row.name}, {"kind", row.kind}, {"plugin", row.plugin}, {"modality", row.modality},
                      {"status", row.status}, {"message", row.message}, {"run_id", row.run_id},
                      {"val", metrics_json(row.val)}, {"test", metrics_json(row.test)}, {"seconds", row.seconds},
                      {"n_parameters", row.n_parameters}, {"prior_filled", row.prior_filled}});
    print_json({{"experiment", r.experiment}, {"db", r.db}, {"n_train", r.n_train}, {"n_val", r.n_val},
                {"n_test", r.n_test}, {"rows", rows}, {"prediction_csv", r.prediction_csv},
                {"submitted", r.submitted}, {"report", r.report}, {"warnings", r.warnings}, {"seconds", r.seconds}});
    return any_ok ? exit_ok : exit_failure;
  }
  std::cout << "\nexperiment '" << r.experiment << "': " << r.n_train << " train, " << r.n_val << " val, " << r.n_test
            << " test videos; " << format_duration(r.seconds) << "\n\n";
  TextTable t({"RUN", "KIND", "MODALITY", "VAL LOGLOSS", "VAL AUC", "TPR@FPR=1e-3", "F1", "EER", "TIME", "STATUS"});
  // Best validation AUC first, like the leaderboard; failed and skipped runs last.
  std::vector<const ResultRow*> order;
  for (const ResultRow& row : r.rows) order.push_back(&row);
  std::stable_sort(order.begin(), order.end(), [](const ResultRow* a, const ResultRow* b) {
    return metric(a->val, "auc").value_or(-1.0) > metric(b->val, "auc").value_or(-1.0);
  });
  for (const ResultRow* row : order)
    t.add({row->name, row->kind, row->modality, fmt_value(metric(row->val, "logloss")), fmt_value(metric(row->val, "auc")),
           fmt_value(metric(row->val, "tpr_at_fpr")), fmt_value(metric(row->val, "f1")), fmt_value(metric(row->val, "eer")),
           format_duration(row->seconds), row->status});
  t.print(std::cout);
  for (const ResultRow& row : r.rows)
    if (!row.message.empty()) std::cout << "  " << row.name << ": " << row.message << "\n";
  std::cout << "\nstore:       " << r.db << "  (dflab leaderboard --db " << r.db << " --experiment " << r.experiment << ")\n";
  if (!r.prediction_csv.empty()) std::cout << "predictions: " << r.prediction_csv << "  (from " << r.submitted << ")\n";
  if (!r.report.empty()) std::cout << "report:      " << r.report << "\n";
  if (!r.warnings.empty()) std::cout << r.warnings.size() << " warning(s), see above\n";
  return any_ok ? exit_ok : exit_failure;
}

}  // namespace

void add_run_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("run",
                                 "Run an experiment: preprocess, train every model, fuse, score, log to the store, "
                                 "write prediction.csv");
  auto path = std::make_shared<std::string>();
  auto resume = std::make_shared<bool>(false);
  auto threads = std::make_shared<int>(0);
  auto json = std::make_shared<bool>(false);
  cmd->add_option("experiment", *path, "Experiment TOML file (validate it with `dflab check`)")->required();
  cmd->add_flag("--resume", *resume,
                "Continue an interrupted experiment: finished models are reused, an interrupted one continues from "
                "its last checkpoint");
  cmd->add_option("--threads", *threads, "CPU threads (overrides [experiment] threads; 0 = as the file says)")
      ->check(CLI::Range(0, 1024));
  add_json_flag(cmd, *json);
  cmd->callback([&ctx, path, resume, threads, json] {
    ctx.action = [&ctx, path, resume, threads, json] { return run_run(ctx, *path, *resume, *threads, *json); };
  });
}

}  // namespace dflab::cli
