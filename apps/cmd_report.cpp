// dflab report --db FILE [--experiment NAME | --runs A,B,...] --out report.html
//              [--metric auc] [--split val] [--threshold 0.5] [--figures DIR] [--top N] [--json]
//
// Writes one self-contained HTML page from the run store (reports/report.h): leaderboard, ROC
// curves (linear and log FPR), score histograms, confusion matrices, training curves, dataset
// summary and the videos the models get most wrong. Nothing in the page is fetched from a network.
// --figures DIR also writes every chart as a standalone .svg file.
// Exit 0 written, 1 missing/unreadable store or unknown experiment/run/metric, 2 usage error.
#include <iostream>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "experiments/store/run_store.h"
#include "reports/report.h"

namespace dflab::cli {

namespace {

struct ReportArgs {
  std::string db = store::default_db_path();
  std::string experiment;
  std::vector<std::string> runs;
  std::string out;
  reports::ReportOptions options;
  bool json = false;
};

int run_report(ReportArgs a) {
  store::StoreOptions so;
  so.create = false;   // a report never creates a database
  const store::RunStore db = store::RunStore::open(a.db, so);
  if (!a.experiment.empty()) a.options.experiment = a.experiment;
  a.options.runs = a.runs;
  a.options.generator = std::string("dflab ") + DFLAB_VERSION;
  const reports::ReportSummary s = reports::write_report(db, a.options, a.out);
  for (const auto& w : s.warnings) warn(w);
  if (a.json) {
    print_json({{"out", s.out_path},
                {"runs", s.run_names},
                {"figures", s.figure_files},
                {"warnings", s.warnings},
                {"metric", a.options.metric},
                {"split", a.options.split},
                {"threshold", a.options.threshold}});
    return exit_ok;
  }
  std::cout << "wrote " << s.out_path << " (" << s.run_names.size() << " run" << (s.run_names.size() == 1 ? "" : "s")
            << ", ranked by " << a.options.metric << " on " << a.options.split << ")\n";
  if (!s.figure_files.empty())
    std::cout << "wrote " << s.figure_files.size() << " figure(s) to " << a.options.figures_dir << "\n";
  return exit_ok;
}

}  // namespace

void add_report_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("report", command_description("report"));
  auto a = std::make_shared<ReportArgs>();
  cmd->add_option("--db", a->db, "Run store (default: $DFLAB_DB, else runs/dflab.sqlite)")->capture_default_str();
  auto* exp = cmd->add_option("--experiment", a->experiment,
                              "Report every run of this experiment (default: the store's only experiment)");
  auto* runs = cmd->add_option("--runs", a->runs, "Report these runs instead: ids, experiment/run or unique names, "
                                                  "comma-separated")
                   ->delimiter(',');
  exp->excludes(runs);
  cmd->add_option("--out", a->out, "HTML file to write (folders are created)")->required();
  cmd->add_option("--metric", a->options.metric,
                  "Leaderboard order: auc, logloss, tpr_at_fpr, eer, f1, tpr, fpr, precision, recall, accuracy, "
                  "n_parameters, train_time_s or any stored metric")
      ->capture_default_str();
  cmd->add_option("--split", a->options.split, "Split whose metrics and predictions are shown")->capture_default_str();
  cmd->add_option("--threshold", a->options.threshold, "Decision threshold for TPR/FPR, F1 and the confusion matrix")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--figures", a->options.figures_dir, "Also write every chart as a standalone .svg file here");
  cmd->add_option("--top", a->options.n_hardest, "Videos per run in the 'most wrong' table")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--bootstrap", a->options.bootstrap_samples,
                  "Bootstrap resamples for AUC intervals the runs did not store (0: none)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--title", a->options.title, "Page title (default: dflab report \u2014 EXPERIMENT)");
  add_json_flag(cmd, a->json);
  cmd->footer(
      "Example:\n  dflab report --db runs/dflab.sqlite --experiment ffdv-av-baseline --out runs/report.html "
      "--figures runs/figures\n"
      "Exit codes: 0 written, 1 missing store or unknown experiment/run/metric, 2 usage error.");
  cmd->callback([&ctx, a] { ctx.action = [a] { return run_report(*a); }; });
}

}  // namespace dflab::cli
