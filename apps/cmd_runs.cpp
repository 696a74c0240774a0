// dflab runs | show RUN | leaderboard: read the SQLite run store (experiments/store/SCHEMA.md).
//
//   dflab runs [--db FILE] [--experiment NAME] [--status S] [--mark-interrupted] [--json]
//   dflab show RUN [--db FILE] [--json]            RUN = id, experiment/run, or a unique run name
//   dflab leaderboard [--db FILE] [--metric auc] [--split val] [--experiment NAME]
//                     [--ascending | --descending] [--json]
//   dflab leaderboard --by source [--metric auc] [--split test] [--experiment NAME] [--json]
//       one row per model or fusion, one column per source, then the mean over sources: the
//       per-source metrics of a leave-one-source-out experiment (runs MODEL@SOURCE, each tested on
//       its held-out source), or of any run whose data had several sources
//
// --db defaults to $DFLAB_DB, else runs/dflab.sqlite. These commands never create a database: a
// missing file is an error (exit 1).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "apps/cli.h"
#include "apps/text_table.h"
#include "experiments/store/run_store.h"
#include "experiments/store/store_json.h"

namespace dflab::cli {

namespace {

using namespace dflab::store;

std::string fmt_duration(const std::optional<double>& seconds) {
  if (!seconds) return "-";
  const double s = *seconds;
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof(buf), "%.1fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof(buf), "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%dh%02dm", static_cast<int>(s) / 3600, (static_cast<int>(s) % 3600) / 60);
  }
  return buf;
}

// "2026-11-25T12:30:00.123Z" → "2026-11-25 12:30:00"
std::string fmt_time(const std::string& iso) {
  if (iso.size() < 19) return iso;
  std::string t = iso.substr(0, 19);
  t[10] = ' ';
  return t;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

RunStore open_existing(const std::string& db) {
  StoreOptions opts;
  opts.create = false;
  return RunStore::open(db, opts);
}

void require_experiment(const RunStore& store, const std::optional<std::string>& name) {
  if (name) store.require_experiment(*name);
}

std::optional<std::string> optional_string(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// --- dflab runs -------------------------------------------------------------------------------

struct RunsArgs {
  std::string db = default_db_path();
  std::string experiment;
  std::string status;
  bool mark_interrupted = false;
  bool json = false;
};

int run_runs(const RunsArgs& a) {
  RunStore store = open_existing(a.db);
  require_experiment(store, optional_string(a.experiment));
  std::vector<RunId> interrupted;
  if (a.mark_interrupted) interrupted = store.mark_interrupted_runs();
  RunFilter filter;
  filter.experiment = optional_string(a.experiment);
  if (!a.status.empty()) filter.status = parse_run_status(a.status);
  const auto runs = store.list_runs(filter);

  if (a.json) {
    nlohmann::json doc = {{"db", store.path()}, {"runs", nlohmann::json::array()}};
    for (const auto& r : runs) doc["runs"].push_back(to_json(r));
    if (a.mark_interrupted) doc["marked_interrupted"] = interrupted;
    print_json(doc);
    return exit_ok;
  }
  if (a.mark_interrupted)
    std::cerr << "dflab: marked " << interrupted.size() << " run(s) of dead processes as interrupted\n";
  if (runs.empty()) {
    std::cout << "no runs in " << store.path() << (a.experiment.empty() ? "" : " for experiment " + a.experiment)
              << "\n";
    return exit_ok;
  }
  TextTable t({"ID", "EXPERIMENT", "RUN", "KIND", "PLUGIN", "MODALITY", "STATUS", "STARTED", "DURATION", "HOST"});
  for (const auto& r : runs)
    t.add({std::to_string(r.id), r.experiment, r.name, to_string(r.kind), r.plugin.empty() ? "-" : r.plugin,
           r.modality.empty() ? "-" : r.modality, to_string(r.status), fmt_time(r.started),
           fmt_duration(r.duration_s), r.host});
  t.print(std::cout);
  return exit_ok;
}

// --- dflab show RUN ---------------------------------------------------------------------------

int run_show(const std::string& db, const std::string& ref, bool json) {
  RunStore store = open_existing(db);
  const RunDetail d = store.get_run(store.resolve_run(ref));
  if (json) {
    nlohmann::json doc = to_json(d);
    doc["db"] = store.path();
    print_json(doc);
    return exit_ok;
  }
  const RunSummary& r = d.run;
  std::cout << "run " << r.id << ": " << r.experiment << "/" << r.name << "\n";
  TextTable info({"kind", to_string(r.kind)});
  info.add({"plugin", r.plugin.empty() ? "-" : r.plugin});
  info.add({"modality", r.modality.empty() ? "-" : r.modality});
  info.add({"status", to_string(r.status)});
  info.add({"started", fmt_time(r.started)});
  info.add({"finished", r.finished ? fmt_time(*r.finished) : "-"});
  info.add({"duration", fmt_duration(r.duration_s)});
  info.add({"host", r.host + (r.pid ? " (pid " + std::to_string(*r.pid) + ")" : "")});
  info.add({"version", r.version.empty() ? "-" : r.version});
  info.add({"seed", r.seed ? std::to_string(*r.seed) : "-"});
  info.print(std::cout, "  ");

  if (!d.params.empty()) {
    std::cout << "\nparams\n";
    TextTable t({"KEY", "VALUE"});
    for (const auto& [k, v] : d.params) t.add({k, v});
    t.print(std::cout, "  ");
  }

  if (!d.metrics.empty()) {
    // One row per metric name, one column per split.
    std::vector<std::string> splits, names;
    for (const auto& m : d.metrics) {
      if (std::find(splits.begin(), splits.end(), m.split) == splits.end()) splits.push_back(m.split);
      if (std::find(names.begin(), names.end(), m.name) == names.end()) names.push_back(m.name);
    }
    std::sort(names.begin(), names.end());
    std::vector<std::string> header = {"METRIC"};
    for (const auto& s : splits) header.push_back(upper(s));
    TextTable t(header);
    std::vector<std::string> notes;
    for (const auto& name : names) {
      std::vector<std::string> row = {name};
      for (const auto& split : splits) {
        auto it = std::find_if(d.metrics.begin(), d.metrics.end(),
                               [&](const MetricRow& m) { return m.split == split && m.name == name; });
        row.push_back(it == d.metrics.end() ? "" : fmt_value(it->value));
        if (it != d.metrics.end() && !it->note.empty()) notes.push_back(split + "/" + name + ": " + it->note);
      }
      t.add(row);
    }
    std::cout << "\nmetrics\n";
    t.print(std::cout, "  ");
    for (const auto& n : notes) std::cout << "  note " << n << "\n";
  }

  if (!d.epoch_metrics.empty()) {
    std::vector<std::string> columns;   // "split/name"
    std::vector<int> epochs;
    for (const auto& e : d.epoch_metrics) {
      const std::string c = e.split + "/" + e.name;
      if (std::find(columns.begin(), columns.end(), c) == columns.end()) columns.push_back(c);
      if (std::find(epochs.begin(), epochs.end(), e.epoch) == epochs.end()) epochs.push_back(e.epoch);
    }
    std::sort(columns.begin(), columns.end());
    std::vector<std::string> header = {"EPOCH"};
    header.insert(header.end(), columns.begin(), columns.end());
    TextTable t(header);
    for (int epoch : epochs) {
      std::vector<std::string> row = {std::to_string(epoch)};
      for (const auto& c : columns) {
        auto it = std::find_if(d.epoch_metrics.begin(), d.epoch_metrics.end(), [&](const EpochMetricRow& e) {
          return e.epoch == epoch && e.split + "/" + e.name == c;
        });
        row.push_back(it == d.epoch_metrics.end() ? "" : fmt_value(it->value));
      }
      t.add(row);
    }
    std::cout << "\nepochs\n";
    t.print(std::cout, "  ");
  }

  if (!d.artifacts.empty()) {
    std::cout << "\nartifacts\n";
    TextTable t({"KIND", "PATH", "SHA256"});
    for (const auto& a : d.artifacts) t.add({a.kind, a.path, a.sha256.empty() ? "-" : a.sha256.substr(0, 16)});
    t.print(std::cout, "  ");
  }

  std::cout << "\npredictions\n";
  if (d.prediction_counts.empty()) std::cout << "  none\n";
  for (const auto& [split, n] : d.prediction_counts) std::cout << "  " << split << ": " << n << " videos\n";

  if (!d.config_toml.empty()) {
    std::cout << "\nconfig\n";
    std::istringstream in(d.config_toml);
    std::string line;
    while (std::getline(in, line)) std::cout << "  " << line << "\n";
  }
  return exit_ok;
}

// --- dflab leaderboard ------------------------------------------------------------------------

struct LeaderboardArgs {
  std::string db = default_db_path();
  std::string metric = "auc";
  std::string split = "val";
  std::string experiment;
  bool ascending = false;
  bool descending = false;
  bool json = false;
  std::string by;                  // "" or "source"
  bool split_given = false;
};

// --by source: rows are models/fusions — a run named MODEL@SOURCE that holds a row for SOURCE
// counts as MODEL — and for each (row, source) the latest finished run's value is shown.
int run_source_leaderboard(const LeaderboardArgs& a, RunStore& store) {
  SourceMetricQuery q;
  q.metric = a.metric;
  q.split = a.split_given ? a.split : "test";
  q.experiment = optional_string(a.experiment);
  const std::vector<SourceMetric> rows = store.source_metrics(q);
  std::vector<std::string> sources, entries;
  std::map<std::pair<std::string, std::string>, std::optional<double>> value;   // (entry, source) -> value
  for (const SourceMetric& m : rows) {   // by run id: a later run of the same entry overwrites
    std::string entry = m.run.experiment + "/" + m.run.name;
    const std::string suffix = "@" + m.source;
    if (entry.size() > suffix.size() && entry.compare(entry.size() - suffix.size(), suffix.size(), suffix) == 0)
      entry.resize(entry.size() - suffix.size());
    if (std::find(entries.begin(), entries.end(), entry) == entries.end()) entries.push_back(entry);
    if (std::find(sources.begin(), sources.end(), m.source) == sources.end()) sources.push_back(m.source);
    value[{entry, m.source}] = m.value;
  }
  std::sort(sources.begin(), sources.end());
  auto mean_of = [&](const std::string& entry) -> std::pair<std::optional<double>, int> {
    double sum = 0;
    int n = 0;
    for (const auto& s : sources) {
      auto it = value.find({entry, s});
      if (it != value.end() && it->second) {
        sum += *it->second;
        ++n;
      }
    }
    return {n ? std::optional<double>(sum / n) : std::nullopt, n};
  };
  const bool ascending = lower_is_better(a.metric);
  std::stable_sort(entries.begin(), entries.end(), [&](const std::string& x, const std::string& y) {
    const auto mx = mean_of(x).first, my = mean_of(y).first;
    if (!mx || !my) return mx.has_value() && !my.has_value();
    return ascending ? *mx < *my : *mx > *my;
  });
  if (a.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) {
      nlohmann::json per = nlohmann::json::object();
      for (const auto& s : sources) {
        auto it = value.find({e, s});
        if (it != value.end()) per[s] = it->second ? nlohmann::json(*it->second) : nlohmann::json(nullptr);
      }
      const auto [mean, n] = mean_of(e);
      out.push_back({{"run", e}, {"sources", per}, {"mean", mean ? nlohmann::json(*mean) : nlohmann::json(nullptr)},
                     {"n_sources", n}});
    }
    print_json({{"db", store.path()}, {"metric", a.metric}, {"split", q.split}, {"by", "source"}, {"rows", out}});
    return exit_ok;
  }
  std::cout << "leaderboard by source: " << a.metric << " on " << q.split << " ("
            << (ascending ? "lower" : "higher") << " is better; mean over the sources with a value)"
            << (a.experiment.empty() ? "" : ", experiment " + a.experiment) << "\n";
  if (entries.empty()) {
    std::cout << "no finished run has per-source '" << a.metric << "' on split '" << q.split
              << "' (runs log them when their data has several sources, e.g. [data] protocol = "
                 "\"leave_one_source_out\")\n";
    return exit_ok;
  }
  std::vector<std::string> header = {"RUN"};
  for (const auto& s : sources) header.push_back(s);
  header.push_back("MEAN");
  TextTable t(header);
  for (const auto& e : entries) {
    std::vector<std::string> cells = {e};
    for (const auto& s : sources) {
      auto it = value.find({e, s});
      cells.push_back(it == value.end() ? "" : fmt_value(it->second));
    }
    cells.push_back(fmt_value(mean_of(e).first));
    t.add(cells);
  }
  t.print(std::cout);
  return exit_ok;
}

int run_leaderboard(const LeaderboardArgs& a) {
  RunStore store = open_existing(a.db);
  if (!a.by.empty()) {
    require_experiment(store, optional_string(a.experiment));
    return run_source_leaderboard(a, store);
  }
  require_experiment(store, optional_string(a.experiment));
  LeaderboardQuery q;
  q.metric = a.metric;
  q.split = a.split;
  q.experiment = optional_string(a.experiment);
  if (a.ascending) q.ascending = true;
  if (a.descending) q.ascending = false;
  const Leaderboard lb = store.leaderboard(q);

  if (lb.rows.empty()) {
    const auto available = store.metric_names(a.split, q.experiment);
    if (!available.empty())   // other metrics exist here: most likely a misspelt name
      throw std::runtime_error("no finished run has metric '" + a.metric + "' on split '" + a.split +
                               "' (metrics on " + a.split + ": " + join(available) + ")");
  }
  if (a.json) {
    nlohmann::json doc = to_json(lb);
    doc["db"] = store.path();
    print_json(doc);
    return exit_ok;
  }
  std::cout << "leaderboard: " << lb.metric << " on " << lb.split << " ("
            << (lb.ascending ? "lower" : "higher") << " is better)"
            << (a.experiment.empty() ? "" : ", experiment " + a.experiment) << "\n";
  if (lb.rows.empty()) {
    std::cout << "no finished runs with metrics on split '" << a.split << "'\n";
    return exit_ok;
  }
  // The ranked metric first, then the main metrics that any row has.
  std::vector<std::string> columns = {lb.metric};
  for (const char* m : {"logloss", "auc", "tpr_at_fpr", "eer", "f1", "accuracy"}) {
    if (m == lb.metric) continue;
    const bool present = std::any_of(lb.rows.begin(), lb.rows.end(),
                                     [&](const LeaderboardRow& r) { return r.metrics.count(m) > 0; });
    if (present) columns.push_back(m);
  }
  std::vector<std::string> header = {"RANK", "ID", "RUN", "KIND", "MODALITY"};
  for (const auto& c : columns) header.push_back(upper(c));
  header.push_back("DURATION");
  TextTable t(header);
  for (const auto& row : lb.rows) {
    std::vector<std::string> cells = {std::to_string(row.rank), std::to_string(row.run.id),
                                      row.run.experiment + "/" + row.run.name, to_string(row.run.kind),
                                      row.run.modality.empty() ? "-" : row.run.modality};
    for (const auto& c : columns) {
      auto it = row.metrics.find(c);
      cells.push_back(it == row.metrics.end() ? "" : fmt_value(it->second));
    }
    cells.push_back(fmt_duration(row.run.duration_s));
    t.add(cells);
  }
  t.print(std::cout);
  return exit_ok;
}

void add_db_option(CLI::App* cmd, std::string& db) {
  cmd->add_option("--db", db, "Run database (default: $DFLAB_DB, else runs/dflab.sqlite)");
}

}  // namespace

void add_runs_commands(CLI::App& app, Context& ctx) {
  {
    auto* cmd = app.add_subcommand("runs", "List the runs in the run database");
    auto a = std::make_shared<RunsArgs>();
    add_db_option(cmd, a->db);
    cmd->add_option("--experiment", a->experiment, "Only runs of this experiment");
    cmd->add_option("--status", a->status, "Only runs with this status")
        ->check(CLI::IsMember({"running", "finished", "failed", "interrupted"}));
    cmd->add_flag("--mark-interrupted", a->mark_interrupted,
                  "First mark runs left 'running' by a dead process on this host as interrupted");
    add_json_flag(cmd, a->json);
    cmd->callback([&ctx, a] { ctx.action = [a] { return run_runs(*a); }; });
  }
  {
    auto* cmd = app.add_subcommand("show", "Show one run: config, params, metrics, epochs, artifacts");
    auto db = std::make_shared<std::string>(default_db_path());
    auto ref = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("RUN", *ref, "Run id, experiment/run, or a run name unique in the database")->required();
    add_db_option(cmd, *db);
    add_json_flag(cmd, *json);
    cmd->callback([&ctx, db, ref, json] { ctx.action = [db, ref, json] { return run_show(*db, *ref, *json); }; });
  }
  {
    auto* cmd = app.add_subcommand("leaderboard", "Rank finished runs by a metric on a split");
    auto a = std::make_shared<LeaderboardArgs>();
    add_db_option(cmd, a->db);
    cmd->add_option("--metric", a->metric, "Metric to rank by: auc, logloss, tpr_at_fpr, f1, eer, ... (default auc)");
    cmd->add_option("--split", a->split, "Split whose metrics are ranked (default val; test with --by source)")
        ->each([a](const std::string&) { a->split_given = true; });
    cmd->add_option("--by", a->by, "source: one column per source (per-source metrics), a row per model or fusion")
        ->check(CLI::IsMember({"source"}));
    cmd->add_option("--experiment", a->experiment, "Only runs of this experiment");
    auto* asc = cmd->add_flag("--ascending", a->ascending, "Lower is better (default for logloss, eer, loss)");
    auto* desc = cmd->add_flag("--descending", a->descending, "Higher is better (default for auc, f1, ...)");
    asc->excludes(desc);
    add_json_flag(cmd, a->json);
    cmd->callback([&ctx, a] { ctx.action = [a] { return run_leaderboard(*a); }; });
  }
}

}  // namespace dflab::cli
