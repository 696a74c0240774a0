#pragma once
// The experiment report: one self-contained HTML page (inline CSS, inline SVG charts, thumbnails as
// base64 PNG, an optional few lines of inline JS to sort the leaderboard; nothing is fetched) made
// from the run store, plus each figure as a standalone .svg file when asked.
//
//   store::StoreOptions so;
//   so.create = false;                         // a report never creates a store
//   store::RunStore db = store::RunStore::open("runs/dflab.sqlite", so);
//   ReportOptions opt;
//   opt.experiment = "ffdv-av-baseline";     // or opt.runs = {"ffdv-av-baseline/video-effnet", "7"}
//   opt.metric = "auc"; opt.split = "val"; opt.threshold = 0.5;
//   opt.figures_dir = "runs/figures";        // optional
//   ReportSummary s = write_report(db, opt, "runs/report.html");
//
// Sections (element ids, stable for tests and links): leaderboard, roc (figures fig-roc and
// fig-roc-log), by-source (per-source AUC tables on the split and on test, and a ROC chart per
// source, fig-roc-<split>-<source>), score-histograms, confusion, training-curves, dataset, hardest-videos. A section
// with nothing to show says why. Under the title, each experiment's description (the `description`
// param of its latest run that has one: `[experiment] description` in the TOML) in a
// <p class="description">.
//
// Numbers: AUC, logloss, TPR@FPR, EER and the AUC interval are the stored metrics of the split when
// the run logged them, else computed from the stored predictions with metrics/ (evaluate, bootstrap);
// a stored AUC that disagrees with its own predictions is flagged on the page. TPR/FPR/precision/
// recall/F1/accuracy and the confusion matrix are computed at `threshold` from the predictions
// (stored values are used only for runs without predictions). The ROC legend prints the same AUC as
// the leaderboard, to 4 decimals.

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "experiments/store/run_store.h"

namespace dflab::reports {

// A request the store cannot answer: unknown experiment, run or metric (the message lists what
// exists), or an output file that cannot be written.
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReportOptions {
  // Which runs: every run of `experiment` (the latest run of each name), or the listed `runs`
  // (id, experiment/run or unique run name, as `dflab show`). Neither: the store's only experiment.
  std::optional<std::string> experiment{};
  std::vector<std::string> runs{};
  std::string metric = "auc";   // leaderboard order; direction from store::lower_is_better
  std::string split = "val";
  double threshold = 0.5;       // fake when score >= threshold
  std::string figures_dir{};    // non-empty: also write every figure there as <name>.svg
  int n_hardest = 10;           // per run, for the "most wrong videos" table
  int bootstrap_samples = 1000; // for AUC intervals not stored with the run; 0 = none
  std::uint64_t seed = 42;
  int thumbnail_px = 96;        // longer side of embedded face thumbnails
  std::string title{};          // default: "dflab report — <experiment>"
  std::string generator{};      // e.g. "dflab 0.1.0", printed in the page footer
};

struct ReportSummary {
  std::string out_path{};
  std::vector<std::string> run_names{};     // in leaderboard order
  std::vector<std::string> figure_files{};  // written under figures_dir
  std::vector<std::string> warnings{};      // also shown on the page
};

// Builds the page in memory (what write_report writes). Throws ReportError / store::StoreError.
std::string render_report(const store::RunStore& store, const ReportOptions& options,
                          ReportSummary* summary = nullptr);

// Renders and writes `out_path` (parent folders created; written to a temporary file and renamed,
// so a reader never sees half a page) and the figures. Throws ReportError / store::StoreError.
ReportSummary write_report(const store::RunStore& store, const ReportOptions& options, const std::string& out_path);

// Metric names --metric accepts besides those the runs stored on the split.
const std::vector<std::string>& report_metric_names();

}  // namespace dflab::reports
