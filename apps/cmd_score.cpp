// dflab score --pred prediction.csv --labels val_label.txt [--json] [--threshold 0.5]
//             [--dfdc-clip] [--bootstrap N] [--seed S] [--target-fpr F]
//
// Scores a prediction file against labels and prints every metric of metrics/binary_metrics.h.
//   predictions: FFDV `video_name,score` or DFDC `filename,label` (probability of fake)
//   labels:      FFDV `video_name,target`, DFDC metadata.json or `filename,label` (0/1, REAL/FAKE)
// A labeled video with no prediction is an error (exit 1, naming how many and the first ones):
// scoring only the rest would flatter a submission that skips hard videos. --allow-missing scores
// the intersection with a warning instead. Predicted videos without a label are a warning. A malformed line in either file stops with every problem as file:line.
// With --db, the scored file is also logged to the run store as an "external" run (params,
// metrics, per-video predictions), so predictions made elsewhere join `dflab leaderboard`.
// Exit 0 scored, 1 bad input or nothing in common, 2 usage error.
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <string_view>
#include <unordered_map>

#include "apps/cli.h"
#include "datasets/layout.h"
#include "datasets/predictions.h"
#include "experiments/store/run_store.h"
#include "metrics/binary_metrics.h"

namespace dflab::cli {

namespace {

struct ScoreArgs {
  std::string pred, labels;
  bool json = false;
  EvaluateOptions options;
  std::string db, experiment = "external", run, split = "val";
  bool allow_missing = false;
};

// Logs one scored prediction file as a finished external run; returns its id.
store::RunId log_scored_file(const ScoreArgs& a, const BinaryReport& report,
                             const std::vector<std::string>& ids, const std::vector<int>& labels,
                             const std::vector<double>& scores) {
  namespace fs = std::filesystem;
  store::RunStore db = store::RunStore::open(a.db);
  store::NewRun r;
  r.experiment_id = db.experiment(a.experiment);
  r.name = a.run.empty() ? fs::path(a.pred).stem().string() : a.run;
  r.plugin = "prediction_file";
  r.modality = "external";
  r.kind = store::RunKind::external;
  r.version = DFLAB_VERSION;
  std::vector<store::Metric> metrics;
  for (const auto& m : report.metrics) metrics.push_back({m.name, m.value, m.note});
  std::vector<store::Prediction> predictions;
  for (std::size_t i = 0; i < ids.size(); ++i) predictions.push_back({ids[i], labels[i], scores[i]});
  auto tx = db.transaction();   // all or nothing: a failed write leaves no half-logged run
  const store::RunId run = db.begin_run(r);
  db.log_params(run, {{"pred", fs::absolute(a.pred).string()},
                      {"labels", fs::absolute(a.labels).string()},
                      {"threshold", std::to_string(a.options.threshold)},
                      {"dfdc_clip", a.options.dfdc_clip ? "true" : "false"},
                      {"target_fpr", std::to_string(a.options.target_fpr)},
                      {"bootstrap", std::to_string(a.options.bootstrap_samples)},
                      {"seed", std::to_string(a.options.seed)}});
  db.log_metrics(run, a.split, metrics);
  db.log_predictions(run, a.split, predictions);
  db.finish_run(run, store::RunStatus::finished);
  tx.commit();
  return run;
}

// "a, b, c and 7 more" — keeps warnings readable for big sets; --json lists them all.
std::string name_list(const std::vector<std::string>& names, std::size_t max_shown = 10) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max_shown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max_shown) out += " and " + std::to_string(names.size() - max_shown) + " more";
  return out;
}

int run_score(const ScoreArgs& a) {
  // Read both files before stopping, so one run lists the bad lines of both.
  PredictionList preds;
  Dataset truth;
  Diagnostics problems;
  try {
    preds = read_predictions(a.pred, ProblemPolicy::stop);
  } catch (const ConfigError& e) {
    problems.append(e.diagnostics());
  }
  try {
    truth = read_dataset(a.labels, {ProblemPolicy::stop, /*check_files=*/false, /*root=*/"", /*source_column=*/""});
  } catch (const ConfigError& e) {
    problems.append(e.diagnostics());
  }
  if (!problems.empty()) throw ConfigError(std::move(problems));

  // Labelled video -> its index in truth.items; keys view the items' ids (no copy per row).
  std::unordered_map<std::string_view, std::size_t> label_index;
  label_index.reserve(truth.items.size());
  for (std::size_t i = 0; i < truth.items.size(); ++i)
    if (truth.items[i].label) label_index.emplace(truth.items[i].id, i);
  if (label_index.empty()) {
    error(a.labels + ": no labeled videos");
    return exit_failure;
  }

  std::vector<int> labels;
  std::vector<double> scores;
  std::vector<std::size_t> matched;   // indices into preds.items, in file order
  std::vector<std::string> not_in_labels, not_predicted;
  std::vector<char> predicted(truth.items.size(), 0);
  labels.reserve(preds.items.size());
  scores.reserve(preds.items.size());
  matched.reserve(preds.items.size());
  for (std::size_t i = 0; i < preds.items.size(); ++i) {
    const auto& p = preds.items[i];
    const auto it = label_index.find(p.id);
    if (it == label_index.end()) {
      not_in_labels.push_back(p.id);
      continue;
    }
    predicted[it->second] = 1;
    labels.push_back(*truth.items[it->second].label);
    scores.push_back(p.score);
    matched.push_back(i);
  }
  for (std::size_t i = 0; i < truth.items.size(); ++i)
    if (truth.items[i].label && !predicted[i]) not_predicted.push_back(truth.items[i].id);

  if (!not_predicted.empty()) {
    const std::string missing = std::to_string(not_predicted.size()) + " labeled video(s) of " + a.labels +
                                " have no prediction in " + a.pred + ": " + name_list(not_predicted);
    if (!a.allow_missing) {
      error(missing + " (--allow-missing scores only the videos in both)");
      return exit_failure;
    }
    warn(missing);
  }
  if (!not_in_labels.empty())
    warn(std::to_string(not_in_labels.size()) + " predicted video(s) of " + a.pred + " have no label in " +
         a.labels + ": " + name_list(not_in_labels));
  if (labels.empty()) {
    error("no video is in both " + a.pred + " and " + a.labels + ": nothing to score");
    return exit_failure;
  }

  const BinaryReport report = evaluate(labels, scores, a.options);
  std::optional<store::RunId> logged;
  if (!a.db.empty()) {
    std::vector<std::string> matched_ids;
    matched_ids.reserve(matched.size());
    for (const std::size_t i : matched) matched_ids.push_back(preds.items[i].id);
    logged = log_scored_file(a, report, matched_ids, labels, scores);
    std::cerr << "dflab: logged as run " << *logged << " (" << a.experiment << ", split " << a.split << ") in "
              << a.db << std::endl;
  }
  if (a.json) {
    nlohmann::json doc = {{"pred", a.pred},
                          {"pred_format", preds.format},
                          {"labels", a.labels},
                          {"labels_layout", truth.layout},
                          {"n_matched", labels.size()},
                          {"missing_predictions", not_predicted},
                          {"missing_labels", not_in_labels},
                          {"report", to_json(report)}};
    if (logged) doc["run_id"] = *logged;
    print_json(doc);
    return exit_ok;
  }
  std::cout << "scored " << report.n << " videos (" << report.n_positive << " fake, " << report.n_negative
            << " real) from " << a.pred << " against " << a.labels << "\n";
  std::cout << "threshold " << a.options.threshold << ", logloss eps " << a.options.logloss_eps
            << (a.options.dfdc_clip ? ", DFDC clip [0.01, 0.99]" : "") << ", TPR at FPR "
            << a.options.target_fpr << ", bootstrap " << a.options.bootstrap_samples << " (seed "
            << a.options.seed << ", " << a.options.ci_level * 100 << "%)\n\n";
  std::size_t w = 6;
  for (const auto& m : report.metrics) w = std::max(w, m.name.size());
  for (const auto& m : report.metrics) {
    std::cout << "  " << std::left << std::setw(static_cast<int>(w)) << m.name << "  ";
    if (m.value) {
      std::cout << std::setprecision(6) << *m.value;
      if (!m.note.empty()) std::cout << "  (" << m.note << ")";
    } else {
      // Notes of undefined metrics read "undefined: why"; print the why once.
      std::string why = m.note;
      if (why.rfind("undefined: ", 0) == 0) why = why.substr(11);
      std::cout << "undefined" << (why.empty() ? "" : " (" + why + ")");
    }
    std::cout << "\n";
  }
  return exit_ok;
}

}  // namespace

void add_score_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("score", "Score a prediction file against labels and print every metric");
  auto a = std::make_shared<ScoreArgs>();
  cmd->add_option("--pred", a->pred, "Predictions: video_name,score (FFDV) or filename,label (DFDC)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--labels", a->labels,
                  "Labels: video_name,target (FFDV), metadata.json or filename,label (DFDC), or a dataset folder")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("--threshold", a->options.threshold, "Decision threshold for TPR/FPR, precision, recall, F1, accuracy")
      ->capture_default_str();
  cmd->add_flag("--dfdc-clip", a->options.dfdc_clip, "Clip scores to [0.01, 0.99] before logloss (DFDC style)");
  cmd->add_option("--bootstrap", a->options.bootstrap_samples, "Bootstrap resamples for the AUC/logloss intervals (0: off)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--seed", a->options.seed, "Bootstrap seed")->capture_default_str();
  cmd->add_option("--target-fpr", a->options.target_fpr, "FPR for tpr_at_fpr (FFDV tie-breaker: 1e-3)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--allow-missing", a->allow_missing,
                "Score the videos in both files when labeled videos have no prediction (default: an error)");
  cmd->add_option("--db", a->db, "Also log the scored file to this run store as an external run");
  cmd->add_option("--experiment", a->experiment, "Experiment name for --db")->capture_default_str();
  cmd->add_option("--run", a->run, "Run name for --db (default: the prediction file's name)");
  cmd->add_option("--split", a->split, "Split the labels belong to, for --db")->capture_default_str();
  add_json_flag(cmd, a->json);
  cmd->callback([&ctx, a] { ctx.action = [a] { return run_score(*a); }; });
}

}  // namespace dflab::cli
