// dflab run exp.toml [--resume] [--threads N] [--nproc N] [--json]: the whole experiment —
// preprocess, train every model, fuse, score, log to the store, write prediction.csv — ending with
// a summary table and the leaderboard of this experiment. Distributed: under torchrun / srun
// (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT set) it joins their process group; --nproc N
// starts N local ranks itself.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "apps/launch_ranks.h"
#include "apps/progress.h"
#include "apps/text_table.h"
#include "experiments/experiment_config.h"
#include "experiments/runner.h"
#include "experiments/runner_json.h"
#include "experiments/training/distributed.h"
#include "experiments/training/trainer.h"
#include "registry/interrupt.h"

namespace dflab::cli {

namespace {

std::optional<double> metric(const std::map<std::string, std::optional<double>>& m, const std::string& name) {
  auto it = m.find(name);
  return it == m.end() ? std::nullopt : it->second;
}

std::string fmt_interval(const std::optional<double>& low, const std::optional<double>& high) {
  return low && high ? "[" + fmt_value(low) + ", " + fmt_value(high) + "]" : "-";
}

// Leave-one-source-out: one row per held-out source (its test videos by class, then test AUC and
// logloss of every model and fusion trained without it), then the mean over sources and its
// bootstrap 95 % interval.
void print_source_table(const ExperimentResult& r, std::ostream& out) {
  std::vector<std::string> entries;
  for (const ResultRow& row : r.rows)
    if (std::find(entries.begin(), entries.end(), row.entry) == entries.end()) entries.push_back(row.entry);
  std::vector<std::string> header = {"HELD-OUT SOURCE", "REAL/FAKE"};
  for (const std::string& e : entries) {
    header.push_back(e + " AUC");
    header.push_back(e + " LOGLOSS");
  }
  TextTable t(header);
  for (const SourceFoldResult& f : r.source_folds) {
    std::vector<std::string> cells = {f.source, std::to_string(f.n_real) + "/" + std::to_string(f.n_fake)};
    for (const std::string& e : entries) {
      const ResultRow* row = nullptr;
      for (const ResultRow& x : r.rows)
        if (x.entry == e && x.held_out_source == f.source) row = &x;
      cells.push_back(row ? fmt_value(metric(row->test, "auc")) : "");
      cells.push_back(row ? fmt_value(metric(row->test, "logloss")) : "");
    }
    t.add(cells);
  }
  std::vector<std::string> mean = {"mean", ""}, interval = {"95% interval", "(bootstrap)"};
  for (const std::string& e : entries) {
    const SourceSummary* s = nullptr;
    for (const SourceSummary& x : r.source_summary)
      if (x.entry == e) s = &x;
    mean.push_back(s ? fmt_value(s->auc) : "");
    mean.push_back(s ? fmt_value(s->logloss) : "");
    interval.push_back(s ? fmt_interval(s->auc_low, s->auc_high) : "");
    interval.push_back(s ? fmt_interval(s->logloss_low, s->logloss_high) : "");
  }
  t.add(mean);
  t.add(interval);
  out << "\nleave-one-source-out (test: every labelled video of the held-out source):\n";
  t.print(out);
  for (const SourceSummary& s : r.source_summary)
    if (s.n_auc < static_cast<int>(r.source_folds.size()))
      out << "  " << s.entry << ": mean AUC over the " << s.n_auc << " source(s) with both classes\n";
}

// A rank other than 0: trains its share of every model, quietly; rank 0 prints and writes.
int run_follower(Context& ctx, const ExperimentConfig& exp, RunnerOptions opt) {
  const std::string who = opt.group->describe();
  opt.callbacks.on_warning = [&](const std::string& m) { warn(who + ": " + m); };
  const ExperimentResult r = run_experiment(exp, ctx.registry(), opt);
  std::size_t trained = 0;
  for (const ResultRow& row : r.rows) trained += row.status == "finished";
  std::cerr << "dflab: " << who << ": trained its share of " << trained << " model(s); rank 0 writes the results\n";
  return exit_ok;
}

// The experiment's process-group backend: its models' train.backend, which must agree.
std::string experiment_backend(const ExperimentConfig& exp) {
  std::string backend = "auto";
  const ModelEntry* first = nullptr;
  for (const ModelEntry& m : exp.models) {
    const std::string b = m.train.string("backend");
    if (first && b != backend)
      throw ConfigError(exp.file, m.line, "model " + m.name + ": train.backend = \"" + b + "\" but model " + first->name +
                                              " has \"" + backend + "\"; one process group serves every model");
    if (!first) {
      first = &m;
      backend = b;
    }
  }
  return backend;
}

int run_run(Context& ctx, const std::string& path, bool resume, int threads, int nproc, int timeout_s, bool json) {
  if (nproc > 1) {
    if (std::getenv("RANK") || std::getenv("WORLD_SIZE"))
      throw UsageError("--nproc starts its own ranks, but RANK / WORLD_SIZE are already set (torchrun, srun): drop --nproc");
    // One message for a bad file, not one per rank.
    const ExperimentConfig exp = load_experiment(path, ctx.registry());
    resolve_backend(experiment_backend(exp));
    return launch_local_ranks(ctx.argv, nproc);
  }
  ExperimentConfig exp = load_experiment(path, ctx.registry());
  if (threads > 0) exp.experiment.set("threads", ParamValue{static_cast<std::int64_t>(threads)});
  RunnerOptions opt;
  opt.resume = resume;
  opt.version = DFLAB_VERSION;
  std::optional<DistributedEnv> env;
  try {
    env = DistributedEnv::from_environment();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (env && env->world_size > 1) {
    DistributedOptions o;
    try {
      o.backend = resolve_backend(experiment_backend(exp));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(exp.file, 0, e.what());
    }
    o.timeout = std::chrono::seconds(timeout_s);
    opt.group = DistributedGroup::join(*env, o);
    if (!opt.group->is_main()) return run_follower(ctx, exp, opt);
    std::cerr << "== distributed: " << opt.group->describe() << ", " << env->world_size << " ranks at "
              << env->master_addr << ":" << env->master_port << "\n";
  }
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
  const std::vector<const VideoPrep*> failed = failed_videos(r.preprocess);
  if (json) {
    print_json(to_json(r));
    return any_ok ? exit_ok : exit_failure;
  }
  std::cout << "\nexperiment '" << r.experiment << "': " << r.n_train << " train, " << r.n_val << " val, " << r.n_test
            << " test videos" << (r.source_folds.empty() ? "" : " (labelled; leave-one-source-out over " +
                                                                   std::to_string(r.source_folds.size()) + " sources)")
            << "; " << format_duration(r.seconds) << "\n\n";
  TextTable t({"RUN", "KIND", "MODALITY", "VAL LOGLOSS", "VAL AUC", "VAL FRAME AUC", "TPR@FPR=1e-3", "F1", "EER",
               "TIME", "STATUS"});
  // Best validation AUC first, like the leaderboard; failed and skipped runs last.
  std::vector<const ResultRow*> order;
  for (const ResultRow& row : r.rows) order.push_back(&row);
  std::stable_sort(order.begin(), order.end(), [](const ResultRow* a, const ResultRow* b) {
    return metric(a->val, "auc").value_or(-1.0) > metric(b->val, "auc").value_or(-1.0);
  });
  for (const ResultRow* row : order)
    t.add({row->name, row->kind, row->modality, fmt_value(metric(row->val, "logloss")), fmt_value(metric(row->val, "auc")),
           fmt_value(metric(row->val, "frame_auc")), fmt_value(metric(row->val, "tpr_at_fpr")), fmt_value(metric(row->val, "f1")), fmt_value(metric(row->val, "eer")),
           format_duration(row->seconds), row->status});
  t.print(std::cout);
  if (!r.source_folds.empty()) print_source_table(r, std::cout);
  for (const ResultRow& row : r.rows)
    if (!row.message.empty()) std::cout << "  " << row.name << ": " << row.message << "\n";
  if (!failed.empty()) {
    std::cout << "\npreprocessing failed for " << failed.size() << " of " << r.preprocess.videos.size() << " video(s): ";
    for (std::size_t i = 0; i < failed.size() && i < 3; ++i) std::cout << (i ? ", " : "") << failed[i]->id;
    if (failed.size() > 3) std::cout << " and " << failed.size() - 3 << " more";
    std::cout << " (not trained on; scored with the prior)\n  every one with its reason: dflab extract " << path << " (from the cache)"
              << (r.report.empty() ? std::string() : ", or the report's dataset section") << "\n";
  }
  std::cout << "\nstore:       " << r.db << "  (dflab leaderboard --db " << r.db << " --experiment " << r.experiment << ")\n";
  if (!r.prediction_csv.empty()) std::cout << "predictions: " << r.prediction_csv << "  (from " << r.submitted << ")\n";
  if (!r.report.empty()) std::cout << "report:      " << r.report << "\n";
  if (!r.warnings.empty()) std::cout << r.warnings.size() << " warning(s), see above\n";
  return any_ok ? exit_ok : exit_failure;
}

}  // namespace

void add_run_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("run", command_description("run"));
  auto path = std::make_shared<std::string>();
  auto resume = std::make_shared<bool>(false);
  auto threads = std::make_shared<int>(0);
  auto nproc = std::make_shared<int>(1);
  auto timeout = std::make_shared<int>(1800);
  auto json = std::make_shared<bool>(false);
  cmd->add_option("experiment", *path, "Experiment TOML file (validate it with `dflab check`)")->required();
  cmd->add_flag("--resume", *resume,
                "Continue an interrupted experiment: finished models are reused, an interrupted one continues from "
                "its last checkpoint");
  cmd->add_option("--threads", *threads, "CPU threads (overrides [experiment] threads; 0 = as the file says)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--nproc", *nproc,
                  "Start N local ranks of distributed data-parallel training (Gloo on CPU): each trains on its share "
                  "of every batch, with [train] batch per rank; rank 0 writes the store and outputs. Under torchrun / "
                  "srun leave it out: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT are read from the environment")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--dist-timeout", *timeout,
                  "Distributed: seconds a collective waits for the other ranks before failing (a rank that dies "
                  "fails the others at once)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  add_json_flag(cmd, *json);
  cmd->callback([&ctx, path, resume, threads, nproc, timeout, json] {
    ctx.action = [&ctx, path, resume, threads, nproc, timeout, json] {
      return run_run(ctx, *path, *resume, *threads, *nproc, *timeout, *json);
    };
  });
}

}  // namespace dflab::cli
