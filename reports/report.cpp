#include "reports/report.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

#include "metrics/binary_metrics.h"
#include "metrics/confusion.h"
#include "metrics/logloss.h"
#include "metrics/roc.h"
#include "registry/atomic_file.h"
#include "reports/html.h"
#include "reports/svg_plot.h"
#include "reports/thumbnail.h"

namespace dflab::reports {

namespace {

namespace fs = std::filesystem;
using store::RunId;
using store::RunStore;

using Values = std::map<std::string, std::optional<double>>;

// Everything the page shows about one run on the report's split.
struct RunData {
  store::RunDetail detail;
  std::string label;   // display name
  std::string color;
  std::vector<std::string> videos;   // labelled predictions, by video
  std::vector<int> labels;
  std::vector<double> scores;
  std::size_t n_predictions = 0, n_unlabelled = 0;
  std::optional<BinaryReport> computed;   // from the predictions
  std::string eval_problem;               // why `computed` is missing
  std::optional<RocCurve> roc;            // both classes present
  std::optional<Confusion> confusion;
  Values stored;                          // metrics the run logged on the split
  Values values;                          // what the page shows
};

// Threshold-dependent: recomputed at the report's threshold whenever predictions exist.
const std::set<std::string> k_threshold_metrics = {"tpr", "fpr", "precision", "recall", "f1", "accuracy",
                                                   "tp", "fp", "tn", "fn"};
const std::vector<std::string> k_parameter_names = {"n_parameters", "n_params", "parameters", "params"};

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string list_or_none(const std::vector<std::string>& items, std::size_t max_shown = 30) {
  if (items.empty()) return "none";
  std::vector<std::string> shown(items.begin(), items.begin() + std::min(items.size(), max_shown));
  std::string out = join(shown);
  if (items.size() > max_shown) out += " and " + std::to_string(items.size() - max_shown) + " more";
  return out;
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

bool ascending_metric(const std::string& metric) {
  return store::lower_is_better(metric) || metric == "n_parameters" || metric == "train_time_s";
}

std::optional<double> parse_number(const std::string& text) {
  try {
    std::size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

// --- which runs ---------------------------------------------------------------------------------

std::vector<RunId> select_runs(const RunStore& db, const ReportOptions& o, std::string& scope) {
  if (o.experiment && !o.runs.empty())
    throw ReportError("name an experiment or a list of runs, not both");
  if (!o.runs.empty()) {
    std::vector<RunId> ids;
    std::vector<std::string> unknown;
    for (const std::string& ref : o.runs) {
      const auto id = db.find_run(ref);
      if (!id) {
        unknown.push_back("'" + ref + "'");
        continue;
      }
      if (std::find(ids.begin(), ids.end(), *id) == ids.end()) ids.push_back(*id);
    }
    if (!unknown.empty()) {
      std::vector<std::string> names;
      for (const auto& r : db.list_runs()) names.push_back(std::to_string(r.id) + " " + r.experiment + "/" + r.name);
      throw ReportError(db.path() + ": no run " + join(unknown) + " (runs: " + list_or_none(names) +
                        "; name a run by id, experiment/run or a unique run name)");
    }
    scope = std::to_string(ids.size()) + " selected run" + (ids.size() == 1 ? "" : "s");
    return ids;
  }
  std::vector<std::string> experiment_names;
  for (const auto& e : db.experiments()) experiment_names.push_back(e.name);
  std::string name;
  if (o.experiment) {
    name = *o.experiment;
    if (!db.find_experiment(name))
      throw ReportError(db.path() + ": no experiment '" + name + "' (experiments: " + list_or_none(experiment_names) +
                        ")");
  } else if (experiment_names.size() == 1) {
    name = experiment_names[0];
  } else if (experiment_names.empty()) {
    throw ReportError(db.path() + ": the store has no experiments yet (`dflab run` or `dflab score --db` log runs)");
  } else {
    throw ReportError(db.path() + " holds several experiments; name one (experiments: " +
                      list_or_none(experiment_names) + ")");
  }
  scope = name;
  store::RunFilter filter;
  filter.experiment = name;
  // The latest run of each name: a re-run replaces its predecessor on the page.
  std::map<std::string, RunId> latest;
  for (const auto& r : db.list_runs(filter)) latest[r.name] = r.id;
  std::vector<RunId> ids;
  for (const auto& [n, id] : latest) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// --- per-run numbers ------------------------------------------------------------------------------

RunData load_run(const RunStore& db, RunId id, const ReportOptions& o, std::vector<std::string>& warnings) {
  RunData d;
  d.detail = db.get_run(id);
  for (const auto& m : d.detail.metrics)
    if (m.split == o.split) d.stored[m.name] = m.value;
  for (const auto& p : db.predictions(id, o.split)) {
    ++d.n_predictions;
    if (!p.label) {
      ++d.n_unlabelled;
      continue;
    }
    d.videos.push_back(p.video);
    d.labels.push_back(*p.label);
    d.scores.push_back(p.score);
  }
  if (!d.labels.empty()) {
    EvaluateOptions eo;
    eo.threshold = o.threshold;
    const bool ci_stored = d.stored.count("auc_ci_low") && d.stored.count("auc_ci_high");
    eo.bootstrap_samples = ci_stored ? 0 : o.bootstrap_samples;
    eo.seed = o.seed;
    try {
      d.computed = evaluate(d.labels, d.scores, eo);
      d.confusion = confusion_at(d.labels, d.scores, o.threshold);
      if (d.computed->n_positive > 0 && d.computed->n_negative > 0) d.roc = roc_curve(d.labels, d.scores);
    } catch (const std::exception& e) {
      d.eval_problem = e.what();
      d.computed.reset();
      d.confusion.reset();
      d.roc.reset();
    }
  } else {
    d.eval_problem = d.n_predictions ? "no labelled predictions on split " + o.split
                                     : "no predictions on split " + o.split;
  }

  d.values = d.stored;
  if (d.computed) {
    for (const MetricResult& m : d.computed->metrics) {
      if (k_threshold_metrics.count(m.name) || !d.values.count(m.name)) d.values[m.name] = m.value;
    }
    const auto stored_auc = d.stored.find("auc");
    const auto computed_auc = d.computed->value("auc");
    if (stored_auc != d.stored.end() && stored_auc->second && computed_auc &&
        std::fabs(*stored_auc->second - *computed_auc) > 5e-5)
      warnings.push_back("run " + d.detail.run.name + ": stored AUC " + format_fixed(stored_auc->second, 4) +
                         " differs from the AUC of its stored " + o.split + " predictions " +
                         format_fixed(computed_auc, 4) + "; the page shows the stored value");
  }
  // Parameter count: a metric on any split, else a param.
  for (const auto& name : k_parameter_names) {
    if (d.values.count("n_parameters")) break;
    for (const auto& m : d.detail.metrics)
      if (m.name == name && m.value) {
        d.values["n_parameters"] = m.value;
        break;
      }
    if (d.values.count("n_parameters")) break;
    for (const auto& [k, v] : d.detail.params)
      if (k == name)
        if (auto n = parse_number(v)) {
          d.values["n_parameters"] = n;
          break;
        }
  }
  if (d.detail.run.duration_s) d.values["train_time_s"] = d.detail.run.duration_s;
  return d;
}

// --- the page -------------------------------------------------------------------------------------

const char* const k_style = R"css(
body{font-family:sans-serif;margin:20px auto;max-width:1260px;padding:0 16px;color:#222;background:#fff;line-height:1.4}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin:32px 0 10px}
h3{font-size:15px;margin:18px 0 6px}
.meta{color:#555;font-size:13px;margin:2px 0}
.description{font-size:14px;margin:10px 0;white-space:pre-wrap}
nav{margin:10px 0 0;font-size:13px}
nav a{margin-right:14px;color:#1f5fa8}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:right;white-space:nowrap;vertical-align:middle}
th{background:#f3f3f3}
.text{text-align:left}
td.wrap{white-space:normal;max-width:420px}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[data-dir=asc]::after{content:" \25B2"}
table.sortable th[data-dir=desc]::after{content:" \25BC"}
.figs{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.figs svg{border:1px solid #eee}
.note,.empty{color:#666;font-size:13px}
.empty{font-style:italic}
.warn{color:#7a4300;background:#fff4e0;padding:6px 10px;border-left:3px solid #e69500;font-size:13px;margin:4px 0}
.ci{color:#666;font-size:11px}
td.wrong{color:#b00020;font-weight:bold}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
img.thumb{width:64px;height:64px;object-fit:cover;border:1px solid #ccc;display:block}
footer{margin-top:36px;color:#777;font-size:12px;border-top:1px solid #ddd;padding-top:8px}
)css";

// Sorting by clicking a header. The table reads fine without it (already sorted by --metric).
const char* const k_script = R"js(
(function () {
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('data-dir') !== 'asc';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('data-dir'); });
        th.setAttribute('data-dir', asc ? 'asc' : 'desc');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
          if (x === null || x === '') return (y === null || y === '') ? 0 : 1;
          if (y === null || y === '') return -1;
          var nx = parseFloat(x), ny = parseFloat(y), r;
          if (!isNaN(nx) && !isNaN(ny)) r = nx - ny; else r = x < y ? -1 : (x > y ? 1 : 0);
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.documentElement.setAttribute('data-report-js', 'ok');
})();
)js";

std::string data_v(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.10g", *v);
  return buf;
}

std::string num_cell(const std::optional<double>& v, int decimals, const std::string& title = "") {
  std::string out = "<td data-v=\"" + data_v(v) + "\"";
  if (!title.empty()) out += " title=\"" + html_escape(title) + "\"";
  return out + ">" + format_fixed(v, decimals) + "</td>";
}

std::optional<double> get(const Values& v, const std::string& key) {
  const auto it = v.find(key);
  return it == v.end() ? std::nullopt : it->second;
}

class Page {
 public:
  Page(const RunStore& db, const ReportOptions& o) : db_(db), o_(o) {}

  std::string render(ReportSummary* summary);
  std::vector<std::pair<std::string, std::string>> figures;   // file name → svg

 private:
  void leaderboard(std::ostringstream& out);
  void roc(std::ostringstream& out);
  void by_source(std::ostringstream& out);
  void histograms(std::ostringstream& out);
  void confusion(std::ostringstream& out);
  void training(std::ostringstream& out);
  void dataset(std::ostringstream& out);
  void hardest(std::ostringstream& out);
  void description(std::ostringstream& out) const;
  void figure(std::ostringstream& out, const std::string& file_name, const std::string& svg) {
    out << svg;
    figures.emplace_back(file_name, svg);
  }
  std::string run_swatch(const RunData& r) const {
    return "<span class=\"swatch\" style=\"background:" + r.color + "\"></span>" + html_escape(r.label);
  }

  const RunStore& db_;
  const ReportOptions& o_;
  std::string scope_;
  std::vector<RunData> runs_;   // leaderboard order
  std::vector<store::ExperimentId> experiments_;
  std::vector<std::string> warnings_;
};

// [experiment] description, which the runner logs as the `description` param of every run: the
// latest run's (the file may have been edited between runs), per experiment on the page.
void Page::description(std::ostringstream& out) const {
  for (store::ExperimentId exp : experiments_) {
    const RunData* latest = nullptr;
    std::string text;
    for (const auto& r : runs_) {
      if (r.detail.run.experiment_id != exp || (latest && latest->detail.run.id > r.detail.run.id)) continue;
      for (const auto& [k, v] : r.detail.params)
        if (k == "description") {
          latest = &r;
          text = v;
        }
    }
    if (text.empty()) continue;
    out << "<p class=\"description\">";
    if (experiments_.size() > 1) out << "<b>" << html_escape(latest->detail.run.experiment) << "</b>: ";
    out << html_escape(text) << "</p>\n";
  }
}

std::string Page::render(ReportSummary* summary) {
  if (!std::isfinite(o_.threshold) || o_.threshold < 0 || o_.threshold > 1)
    throw ReportError("threshold must be in [0, 1], got " + std::to_string(o_.threshold));
  if (o_.split.empty()) throw ReportError("split must not be empty");
  const auto ids = select_runs(db_, o_, scope_);
  for (RunId id : ids) runs_.push_back(load_run(db_, id, o_, warnings_));

  // --metric must name something the page can rank by.
  std::set<std::string> known(report_metric_names().begin(), report_metric_names().end());
  for (const auto& r : runs_)
    for (const auto& [k, v] : r.values) known.insert(k);
  if (!known.count(o_.metric))
    throw ReportError("unknown metric '" + o_.metric + "' for split " + o_.split +
                      " (metrics: " + join(std::vector<std::string>(known.begin(), known.end())) + ")");
  const bool asc = ascending_metric(o_.metric);
  std::stable_sort(runs_.begin(), runs_.end(), [&](const RunData& a, const RunData& b) {
    const auto va = get(a.values, o_.metric), vb = get(b.values, o_.metric);
    if (va.has_value() != vb.has_value()) return va.has_value();   // undefined last
    if (!va || *va == *vb) return a.detail.run.id < b.detail.run.id;
    return asc ? *va < *vb : *va > *vb;
  });

  // Display names: run names, qualified when the runs span experiments, made unique by id.
  std::set<std::string> experiment_names;
  for (const auto& r : runs_) {
    experiment_names.insert(r.detail.run.experiment);
    if (std::find(experiments_.begin(), experiments_.end(), r.detail.run.experiment_id) == experiments_.end())
      experiments_.push_back(r.detail.run.experiment_id);
  }
  std::map<std::string, int> seen;
  for (auto& r : runs_) {
    r.label = experiment_names.size() > 1 ? r.detail.run.experiment + "/" + r.detail.run.name : r.detail.run.name;
    ++seen[r.label];
  }
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    if (seen[runs_[i].label] > 1) runs_[i].label += " #" + std::to_string(runs_[i].detail.run.id);
    runs_[i].color = palette_color(i);
  }

  std::ostringstream body;
  leaderboard(body);
  roc(body);
  by_source(body);
  histograms(body);
  confusion(body);
  training(body);
  dataset(body);
  hardest(body);

  const std::string title = o_.title.empty() ? "dflab report \xE2\x80\x94 " + scope_ : o_.title;
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << html_escape(title) << "</title>\n<style>" << k_style << "</style>\n</head>\n<body>\n"
      << "<header>\n<h1>" << html_escape(title) << "</h1>\n"
      << "<p class=\"meta\">" << runs_.size() << " run" << (runs_.size() == 1 ? "" : "s") << " on split <b>"
      << html_escape(o_.split) << "</b> \xC2\xB7 ranked by <b>" << html_escape(o_.metric) << "</b> ("
      << (asc ? "lowest" : "highest") << " first) \xC2\xB7 threshold " << format_fixed(o_.threshold, 3)
      << " \xC2\xB7 store " << html_escape(db_.path()) << "</p>\n"
      << "<nav><a href=\"#leaderboard\">Leaderboard</a><a href=\"#roc\">ROC curves</a>"
      << "<a href=\"#by-source\">By source</a>"
      << "<a href=\"#score-histograms\">Score histograms</a><a href=\"#confusion\">Confusion matrices</a>"
      << "<a href=\"#training-curves\">Training curves</a><a href=\"#dataset\">Dataset</a>"
      << "<a href=\"#hardest-videos\">Hardest videos</a></nav>\n</header>\n";
  for (const auto& w : warnings_) out << "<p class=\"warn\">" << html_escape(w) << "</p>\n";
  description(out);
  out << body.str();
  out << "<footer>Generated " << utc_now() << (o_.generator.empty() ? "" : " by " + html_escape(o_.generator))
      << ". Self-contained page: no scripts, fonts or images are fetched.</footer>\n"
      << "<script>" << k_script << "</script>\n</body>\n</html>\n";

  if (summary) {
    summary->run_names.clear();
    for (const auto& r : runs_) summary->run_names.push_back(r.label);
    summary->warnings = warnings_;
  }
  return out.str();
}

void Page::leaderboard(std::ostringstream& out) {
  out << "<section id=\"leaderboard\">\n<h2>Leaderboard</h2>\n";
  if (runs_.empty()) {
    out << "<p class=\"empty\">no runs logged for " << html_escape(scope_) << " yet</p>\n</section>\n";
    return;
  }
  const bool asc = ascending_metric(o_.metric);
  out << "<p class=\"note\">Sorted by " << html_escape(o_.metric) << " on " << html_escape(o_.split) << ", "
      << (asc ? "lowest" : "highest") << " first; click a header to re-sort. TPR, FPR and F1 at threshold "
      << format_fixed(o_.threshold, 3) << " (fake when score \xE2\x89\xA5 threshold). AUC interval: 95% bootstrap. "
      << "Train time = run finished \xE2\x88\x92 started.</p>\n";
  const std::string thr = format_fixed(o_.threshold, 2);
  struct Col {
    std::string key, head;
  };
  const std::vector<Col> cols = {{"rank", "#"},
                                 {"run", "run"},
                                 {"kind", "kind"},
                                 {"modality", "modality"},
                                 {"plugin", "plugin"},
                                 {"logloss", "logloss"},
                                 {"auc", "AUC [95% CI]"},
                                 {"tpr_at_fpr", "TPR@FPR=1e-3"},
                                 {"tpr", "TPR@" + thr},
                                 {"fpr", "FPR@" + thr},
                                 {"f1", "F1@" + thr},
                                 {"eer", "EER"},
                                 {"n_parameters", "parameters"},
                                 {"train_time_s", "train time"},
                                 {"n", "videos"},
                                 {"status", "status"}};
  out << "<div class=\"scroll\"><table id=\"leaderboard-table\" class=\"sortable\">\n<thead><tr>";
  for (const auto& c : cols) {
    const bool text = c.key == "run" || c.key == "kind" || c.key == "modality" || c.key == "plugin" || c.key == "status";
    out << "<th data-key=\"" << c.key << "\"" << (text ? " class=\"text\"" : "");
    if (c.key == o_.metric) out << " data-dir=\"" << (asc ? "asc" : "desc") << "\"";
    out << ">" << html_escape(c.head) << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const RunData& r = runs_[i];
    const auto& s = r.detail.run;
    const std::string kind = store::to_string(s.kind), status = store::to_string(s.status);
    out << "<tr data-run-id=\"" << s.id << "\">";
    out << "<td data-v=\"" << i + 1 << "\">" << i + 1 << "</td>";
    out << "<td class=\"text\" data-v=\"" << html_escape(r.label) << "\">" << run_swatch(r) << "</td>";
    out << "<td class=\"text\" data-v=\"" << html_escape(kind) << "\">" << html_escape(kind) << "</td>";
    out << "<td class=\"text\" data-v=\"" << html_escape(s.modality) << "\">" << html_escape(s.modality) << "</td>";
    out << "<td class=\"text\" data-v=\"" << html_escape(s.plugin) << "\">" << html_escape(s.plugin) << "</td>";
    out << num_cell(get(r.values, "logloss"), 4);
    {
      const auto auc = get(r.values, "auc");
      out << "<td data-v=\"" << data_v(auc) << "\">" << format_fixed(auc, 4);
      const auto lo = get(r.values, "auc_ci_low"), hi = get(r.values, "auc_ci_high");
      if (lo && hi) out << " <span class=\"ci\">[" << format_fixed(lo, 3) << ", " << format_fixed(hi, 3) << "]</span>";
      out << "</td>";
    }
    out << num_cell(get(r.values, "tpr_at_fpr"), 4) << num_cell(get(r.values, "tpr"), 4)
        << num_cell(get(r.values, "fpr"), 4) << num_cell(get(r.values, "f1"), 4) << num_cell(get(r.values, "eer"), 4);
    {
      const auto p = get(r.values, "n_parameters");
      out << "<td data-v=\"" << data_v(p) << "\"" << (p ? " title=\"" + data_v(p) + "\"" : std::string()) << ">"
          << (p ? format_count(*p) : std::string("\xE2\x80\x93")) << "</td>";
    }
    {
      const auto t = get(r.values, "train_time_s");
      out << "<td data-v=\"" << data_v(t) << "\">" << (t ? format_duration(*t) : std::string("\xE2\x80\x93"))
          << "</td>";
    }
    out << "<td data-v=\"" << r.labels.size() << "\" title=\"" << r.n_predictions << " predictions, "
        << r.n_unlabelled << " unlabelled\">" << r.labels.size() << "</td>";
    out << "<td class=\"text\" data-v=\"" << status << "\">" << status << "</td>";
    out << "</tr>\n";
  }
  out << "</tbody>\n</table></div>\n";
  std::vector<std::string> problems;
  for (const auto& r : runs_)
    if (!r.eval_problem.empty()) problems.push_back(r.label + ": " + r.eval_problem);
  if (!problems.empty())
    out << "<p class=\"note\">Numbers from stored metrics only (no usable predictions): "
        << html_escape(join(problems, "; ")) << "</p>\n";
  out << "</section>\n";
}

void Page::roc(std::ostringstream& out) {
  out << "<section id=\"roc\">\n<h2>ROC curves</h2>\n";
  LineChart lin, log;
  lin.id = "fig-roc";
  lin.title = "ROC curves (" + o_.split + ")";
  lin.x = {"false positive rate", 0.0, 1.0, false};
  lin.y = {"true positive rate", 0.0, 1.0, false};
  lin.diagonal = true;
  lin.width = 600;
  lin.plot_height = 420;
  log = lin;
  log.id = "fig-roc-log";
  log.title = "ROC curves, log FPR (" + o_.split + ")";
  log.x.label = "false positive rate (log scale)";
  log.x.log = true;
  std::uint64_t max_negatives = 1;
  std::vector<std::string> missing;
  for (const auto& r : runs_) {
    if (!r.roc) {
      missing.push_back(r.label + " (" +
                        (r.eval_problem.empty() ? std::string("only one class among its predictions") : r.eval_problem) +
                        ")");
      continue;
    }
    max_negatives = std::max<std::uint64_t>(max_negatives, r.roc->n_negative);
    LineSeries s{r.label + " (AUC " + format_fixed(get(r.values, "auc"), 4) + ")", r.color, r.roc->fpr, r.roc->tpr};
    lin.series.push_back(s);
    log.series.push_back(s);
  }
  if (lin.series.empty()) {
    out << "<p class=\"empty\">no run has labelled predictions of both classes on split " << html_escape(o_.split)
        << "</p>\n";
  } else {
    // Log axis from the smallest non-zero FPR any run can reach (1 / negatives), at most 1e-3.
    const double smallest = 1.0 / static_cast<double>(max_negatives);
    log.x.min = std::min(1e-3, std::pow(10.0, std::floor(std::log10(smallest))));
    out << "<p class=\"note\">One curve per run; the legend gives each run's AUC. On the log chart an FPR of 0 is "
           "drawn at the left edge.</p>\n<div class=\"figs\">";
    figure(out, "roc.svg", line_chart_svg(lin));
    figure(out, "roc_log.svg", line_chart_svg(log));
    out << "</div>\n";
  }
  if (!missing.empty())
    out << "<p class=\"note\">Not on the charts: " << html_escape(join(missing, "; ")) << "</p>\n";
  out << "</section>\n";
}

// Per source (generator): the runs' stored per-source AUC on the report's split and on test (where
// leave-one-source-out tests each held-out source), a row per model or fusion (a run MODEL@SOURCE
// holding a row for SOURCE counts as MODEL), the mean over sources; then one ROC chart per source
// from the predictions of that source's videos (the `videos` table says which source a video has).
void Page::by_source(std::ostringstream& out) {
  out << "<section id=\"by-source\">\n<h2>By source</h2>\n";
  std::vector<std::string> splits = {o_.split};
  if (o_.split != "test") splits.push_back("test");
  auto entry_of = [](const RunData& r, const std::string& source) {
    const std::string suffix = "@" + source;
    std::string label = r.label;
    if (label.size() > suffix.size() && label.compare(label.size() - suffix.size(), suffix.size(), suffix) == 0)
      label.resize(label.size() - suffix.size());
    return label;
  };
  bool any = false;
  for (const std::string& split : splits) {
    std::vector<std::string> entries, sources;
    std::map<std::pair<std::string, std::string>, std::optional<double>> auc;
    std::map<std::string, std::string> color;
    for (const RunData& r : runs_)
      for (const store::MetricRow& m : r.detail.source_metrics) {
        if (m.split != split || m.name != "auc") continue;
        const std::string e = entry_of(r, m.source);
        if (std::find(entries.begin(), entries.end(), e) == entries.end()) entries.push_back(e);
        if (std::find(sources.begin(), sources.end(), m.source) == sources.end()) sources.push_back(m.source);
        auc[{e, m.source}] = m.value;
        color.emplace(e, r.color);
      }
    if (entries.empty()) continue;
    any = true;
    std::sort(sources.begin(), sources.end());
    out << "<h3>AUC per source on " << html_escape(split) << "</h3>\n<table class=\"by-source\" data-split=\""
        << html_escape(split) << "\">\n<thead><tr><th>run</th>";
    for (const auto& src : sources) out << "<th>" << html_escape(src) << "</th>";
    out << "<th>mean</th></tr></thead>\n<tbody>\n";
    for (const auto& e : entries) {
      out << "<tr><td><span class=\"swatch\" style=\"background:" << color[e] << "\"></span>" << html_escape(e)
          << "</td>";
      double sum = 0;
      int n = 0;
      for (const auto& src : sources) {
        auto it = auc.find({e, src});
        const std::optional<double> v = it == auc.end() ? std::nullopt : it->second;
        if (v) {
          sum += *v;
          ++n;
        }
        out << num_cell(v, 4);
      }
      out << num_cell(n ? std::optional<double>(sum / n) : std::nullopt, 4) << "</tr>\n";
    }
    out << "</tbody>\n</table>\n";

    // ROC per source, from the predictions of the split joined with each video's source.
    std::map<std::string, std::string> source_of;
    for (store::ExperimentId exp : experiments_)
      for (const store::VideoRecord& v : db_.videos(exp))
        if (!v.source.empty()) source_of[v.video] = v.source;
    out << "<div class=\"figs\">";
    for (const auto& src : sources) {
      LineChart c;
      c.id = "fig-roc-" + split + "-" + src;
      c.title = "ROC, source " + src + " (" + split + ")";
      c.x = {"false positive rate", 0.0, 1.0, false};
      c.y = {"true positive rate", 0.0, 1.0, false};
      c.diagonal = true;
      c.width = 420;
      c.plot_height = 300;
      std::set<std::string> drawn;
      for (const RunData& r : runs_) {
        const std::string e = entry_of(r, src);
        if (drawn.count(e)) continue;
        std::vector<int> labels;
        std::vector<double> scores;
        for (const store::Prediction& p : db_.predictions(r.detail.run.id, split)) {
          auto it = source_of.find(p.video);
          if (!p.label || it == source_of.end() || it->second != src) continue;
          labels.push_back(*p.label);
          scores.push_back(p.score);
        }
        if (std::count(labels.begin(), labels.end(), 1) == 0 || std::count(labels.begin(), labels.end(), 0) == 0)
          continue;
        const RocCurve roc = roc_curve(labels, scores);
        c.series.push_back({e + " (AUC " + format_fixed(roc_auc(roc), 4) + ")", r.color, roc.fpr, roc.tpr});
        drawn.insert(e);
      }
      if (c.series.empty()) continue;
      std::string file = "roc_" + split + "_" + src + ".svg";
      for (char& ch : file)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '-') ch = '_';
      figure(out, file, line_chart_svg(c));
    }
    out << "</div>\n";
  }
  if (!any)
    out << "<p class=\"empty\">no run stored per-source metrics (the runner does when the data has more than one "
           "source: [data] source_column, or videos in several folders; see [data] protocol = "
           "\"leave_one_source_out\")</p>\n";
  out << "</section>\n";
}

void Page::histograms(std::ostringstream& out) {
  out << "<section id=\"score-histograms\">\n<h2>Score histograms</h2>\n";
  std::ostringstream figs;
  std::size_t n = 0;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const RunData& r = runs_[i];
    if (r.labels.empty()) continue;
    HistogramChart h;
    h.id = "fig-hist-" + std::to_string(i);
    h.title = r.label;
    h.threshold = o_.threshold;
    for (std::size_t k = 0; k < r.labels.size(); ++k) (r.labels[k] ? h.fake : h.real).push_back(r.scores[k]);
    figure(figs, "hist_" + std::to_string(r.detail.run.id) + "_" + slug(r.detail.run.name) + ".svg", histogram_svg(h));
    ++n;
  }
  if (n == 0) {
    out << "<p class=\"empty\">no labelled predictions on split " << html_escape(o_.split) << "</p>\n";
  } else {
    out << "<p class=\"note\">Share of each class's videos per score bin (20 bins); dashed line: threshold "
        << format_fixed(o_.threshold, 3) << ".</p>\n<div class=\"figs\">" << figs.str() << "</div>\n";
  }
  out << "</section>\n";
}

void Page::confusion(std::ostringstream& out) {
  out << "<section id=\"confusion\">\n<h2>Confusion matrices at threshold " << format_fixed(o_.threshold, 3)
      << "</h2>\n";
  std::ostringstream figs;
  std::size_t n = 0;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const RunData& r = runs_[i];
    if (!r.confusion) continue;
    ConfusionChart c;
    c.id = "fig-confusion-" + std::to_string(i);
    c.title = r.label;
    c.tp = r.confusion->tp;
    c.fp = r.confusion->fp;
    c.tn = r.confusion->tn;
    c.fn = r.confusion->fn;
    c.threshold = o_.threshold;
    figure(figs, "confusion_" + std::to_string(r.detail.run.id) + "_" + slug(r.detail.run.name) + ".svg",
           confusion_svg(c));
    ++n;
  }
  if (n == 0) {
    out << "<p class=\"empty\">no labelled predictions on split " << html_escape(o_.split) << "</p>\n";
  } else {
    out << "<div class=\"figs\">" << figs.str() << "</div>\n";
  }
  out << "</section>\n";
}

void Page::training(std::ostringstream& out) {
  out << "<section id=\"training-curves\">\n<h2>Training curves</h2>\n";
  // One chart per (split, metric): train loss, val logloss, val AUC first, then the rest.
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& r : runs_)
    for (const auto& e : r.detail.epoch_metrics)
      if (std::find(keys.begin(), keys.end(), std::make_pair(e.split, e.name)) == keys.end())
        keys.emplace_back(e.split, e.name);
  auto priority = [](const std::pair<std::string, std::string>& k) {
    if (k == std::make_pair(std::string("train"), std::string("loss"))) return 0;
    if (k == std::make_pair(std::string("val"), std::string("logloss"))) return 1;
    if (k == std::make_pair(std::string("val"), std::string("auc"))) return 2;
    return 3;
  };
  std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    if (priority(a) != priority(b)) return priority(a) < priority(b);
    return a < b;
  });
  if (keys.empty()) {
    out << "<p class=\"empty\">no epoch metrics logged (fusions and external prediction files are not "
           "trained)</p>\n</section>\n";
    return;
  }
  std::vector<std::string> untrained;
  for (const auto& r : runs_)
    if (r.detail.epoch_metrics.empty()) untrained.push_back(r.label);
  out << "<div class=\"figs\">";
  for (std::size_t k = 0; k < keys.size(); ++k) {
    const auto& [split, name] = keys[k];
    LineChart c;
    c.id = "fig-train-" + std::to_string(k);
    c.title = split + " " + name;
    c.width = 396;
    c.plot_height = 220;
    double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
    for (const auto& r : runs_) {
      LineSeries s{r.label, r.color, {}, {}};
      s.markers = true;
      for (const auto& e : r.detail.epoch_metrics) {
        if (e.split != split || e.name != name || !e.value || !std::isfinite(*e.value)) continue;
        s.x.push_back(e.epoch);
        s.y.push_back(*e.value);
        xmin = std::min(xmin, static_cast<double>(e.epoch));
        xmax = std::max(xmax, static_cast<double>(e.epoch));
        ymin = std::min(ymin, *e.value);
        ymax = std::max(ymax, *e.value);
      }
      if (!s.x.empty()) c.series.push_back(std::move(s));
    }
    if (c.series.empty()) continue;   // only undefined values
    c.x = {"epoch", xmin, std::max(xmax, xmin + 1.0), false, /*integer=*/true};
    const auto [lo, hi] = nice_range(ymin, ymax, 5);
    c.y = {name, lo, hi, false};
    figure(out, "train_" + slug(split) + "_" + slug(name) + ".svg", line_chart_svg(c));
  }
  out << "</div>\n";
  if (!untrained.empty())
    out << "<p class=\"note\">No epoch metrics: " << html_escape(join(untrained)) << ".</p>\n";
  out << "</section>\n";
}

bool problem_status(const std::string& status) { return !status.empty() && status != "ok" && status != "off"; }

void Page::dataset(std::ostringstream& out) {
  out << "<section id=\"dataset\">\n<h2>Dataset</h2>\n";
  bool any = false;
  for (store::ExperimentId exp : experiments_) {
    const auto videos = db_.videos(exp);
    std::string exp_name;
    for (const auto& r : runs_)
      if (r.detail.run.experiment_id == exp) exp_name = r.detail.run.experiment;
    if (experiments_.size() > 1) out << "<h3>" << html_escape(exp_name) << "</h3>\n";
    if (videos.empty()) continue;
    any = true;
    // Counts per split, with one column per preprocessing status seen.
    std::vector<std::string> splits, video_statuses, audio_statuses;
    std::map<std::string, std::map<std::string, std::size_t>> count;   // split → column → n
    for (const auto& v : videos) {
      if (std::find(splits.begin(), splits.end(), v.split) == splits.end()) splits.push_back(v.split);
      const std::string vs = v.video_status.empty() ? "unknown" : v.video_status;
      const std::string as = v.audio_status.empty() ? "unknown" : v.audio_status;
      if (std::find(video_statuses.begin(), video_statuses.end(), vs) == video_statuses.end())
        video_statuses.push_back(vs);
      if (std::find(audio_statuses.begin(), audio_statuses.end(), as) == audio_statuses.end())
        audio_statuses.push_back(as);
      auto& c = count[v.split];
      ++c["n"];
      ++c[!v.label ? "unlabelled" : *v.label ? "fake" : "real"];
      ++c["video:" + vs];
      ++c["audio:" + as];
    }
    std::sort(video_statuses.begin(), video_statuses.end());
    std::sort(audio_statuses.begin(), audio_statuses.end());
    out << "<table class=\"dataset-counts\">\n<thead><tr><th class=\"text\">split</th><th>videos</th><th>real</th>"
        << "<th>fake</th><th>unlabelled</th><th>fake share</th>";
    for (const auto& s : video_statuses) out << "<th>video " << html_escape(s) << "</th>";
    for (const auto& s : audio_statuses) out << "<th>audio " << html_escape(s) << "</th>";
    out << "</tr></thead>\n<tbody>\n";
    for (const auto& split : splits) {
      auto& c = count[split];
      const std::size_t labelled = c["real"] + c["fake"];
      out << "<tr><td class=\"text\">" << html_escape(split) << "</td><td>" << c["n"] << "</td><td>" << c["real"]
          << "</td><td>" << c["fake"] << "</td><td>" << c["unlabelled"] << "</td><td>"
          << (labelled ? format_fixed(100.0 * c["fake"] / labelled, 1) + "%" : std::string("\xE2\x80\x93"))
          << "</td>";
      for (const auto& s : video_statuses) out << "<td>" << c["video:" + s] << "</td>";
      for (const auto& s : audio_statuses) out << "<td>" << c["audio:" + s] << "</td>";
      out << "</tr>\n";
    }
    out << "</tbody>\n</table>\n";

    std::vector<const store::VideoRecord*> problems;
    for (const auto& v : videos)
      if (problem_status(v.video_status) || problem_status(v.audio_status)) problems.push_back(&v);
    if (problems.empty()) {
      out << "<p class=\"note\">Every video was preprocessed without problems.</p>\n";
      continue;
    }
    const std::size_t max_rows = 200;
    out << "<h3>Skipped or degraded videos (" << problems.size() << ")</h3>\n"
        << "<table class=\"dataset-problems\">\n<thead><tr><th class=\"text\">video</th><th class=\"text\">split</th>"
        << "<th class=\"text\">label</th><th class=\"text\">video</th><th class=\"text\">reason</th>"
        << "<th class=\"text\">audio</th><th class=\"text\">reason</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < problems.size() && i < max_rows; ++i) {
      const auto& v = *problems[i];
      out << "<tr><td class=\"text\">" << html_escape(v.video) << "</td><td class=\"text\">" << html_escape(v.split)
          << "</td><td class=\"text\">" << (!v.label ? "?" : *v.label ? "fake" : "real") << "</td><td class=\"text\">"
          << html_escape(v.video_status) << "</td><td class=\"text wrap\">" << html_escape(v.video_message)
          << "</td><td class=\"text\">" << html_escape(v.audio_status) << "</td><td class=\"text wrap\">"
          << html_escape(v.audio_message) << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n";
    if (problems.size() > max_rows)
      out << "<p class=\"note\">and " << problems.size() - max_rows << " more (query the videos table)</p>\n";
  }
  if (!any) {
    // Without preprocessing outcomes, the predictions still tell the split's size and balance.
    std::set<std::string> seen;
    std::size_t real = 0, fake = 0, unlabelled = 0;
    for (const auto& r : runs_) {
      for (std::size_t k = 0; k < r.videos.size(); ++k)
        if (seen.insert(r.videos[k]).second) (r.labels[k] ? fake : real)++;
      unlabelled = std::max(unlabelled, r.n_unlabelled);
    }
    out << "<p class=\"empty\">no per-video preprocessing outcomes logged (the runner logs them with "
           "RunStore::log_videos), so skipped / no-face / no-audio videos are unknown.</p>\n";
    if (!seen.empty() || unlabelled)
      out << "<p class=\"note\">From the predictions on " << html_escape(o_.split) << ": " << seen.size()
          << " labelled videos (" << real << " real, " << fake << " fake), " << unlabelled << " unlabelled.</p>\n";
  }
  out << "</section>\n";
}

void Page::hardest(std::ostringstream& out) {
  out << "<section id=\"hardest-videos\">\n<h2>Videos the models get most wrong</h2>\n";
  // Per run, the n_hardest videos with the highest per-video log loss; the table is their union.
  struct Row {
    int label = 0;
    double worst = 0;
    std::vector<std::string> worst_for;
  };
  std::map<std::string, Row> rows;
  std::vector<std::map<std::string, double>> score_of(runs_.size());
  const LogLossOptions ll;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const RunData& r = runs_[i];
    if (!r.computed) continue;   // bad scores: nothing to rank
    std::vector<std::pair<double, std::size_t>> loss;
    for (std::size_t k = 0; k < r.labels.size(); ++k) {
      score_of[i][r.videos[k]] = r.scores[k];
      loss.emplace_back(sample_log_loss(r.labels[k], r.scores[k], ll), k);
    }
    std::stable_sort(loss.begin(), loss.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (std::size_t j = 0; j < loss.size() && j < static_cast<std::size_t>(std::max(0, o_.n_hardest)); ++j) {
      const std::size_t k = loss[j].second;
      Row& row = rows[r.videos[k]];
      row.label = r.labels[k];
      row.worst = std::max(row.worst, loss[j].first);
      row.worst_for.push_back(r.label);
    }
  }
  if (rows.empty()) {
    out << "<p class=\"empty\">"
        << (o_.n_hardest <= 0 ? std::string("turned off (0 videos per run asked for)")
                              : "no labelled predictions on split " + html_escape(o_.split))
        << "</p>\n</section>\n";
    return;
  }
  std::map<std::string, const store::VideoRecord*> record_of;
  std::vector<store::VideoRecord> records;
  for (store::ExperimentId exp : experiments_) {
    auto v = db_.videos(exp, o_.split);
    records.insert(records.end(), v.begin(), v.end());
  }
  for (const auto& v : records) record_of.emplace(v.video, &v);
  std::vector<std::pair<std::string, const Row*>> order;
  for (const auto& [video, row] : rows) order.emplace_back(video, &row);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.second->worst > b.second->worst; });

  out << "<p class=\"note\">For each run, its " << o_.n_hardest << " videos with the highest log loss; scores in red "
      << "are on the wrong side of the threshold " << format_fixed(o_.threshold, 3) << ".</p>\n";
  out << "<table id=\"hardest-table\" class=\"sortable\">\n<thead><tr><th class=\"text\">face</th>"
      << "<th class=\"text\">video</th><th class=\"text\">label</th>";
  for (const auto& r : runs_) out << "<th>" << run_swatch(r) << "</th>";
  out << "<th class=\"text\">among the worst of</th></tr></thead>\n<tbody>\n";
  for (const auto& [video, row_ptr] : order) {
    const Row& row = *row_ptr;
    out << "<tr><td class=\"text\" data-v=\"\">";
    const auto rec = record_of.find(video);
    const std::string thumb_path = rec == record_of.end() ? std::string() : rec->second->thumbnail;
    const Thumbnail t = thumbnail_data_uri(thumb_path, o_.thumbnail_px);
    if (t.data_uri) {
      out << "<img class=\"thumb\" alt=\"face crop\" title=\"" << html_escape(thumb_path) << "\" src=\"" << *t.data_uri
          << "\">";
    } else {
      out << "<span class=\"note\" title=\"" << html_escape(t.problem) << "\">\xE2\x80\x93</span>";
    }
    out << "</td><td class=\"text\" data-v=\"" << html_escape(video) << "\">" << html_escape(video) << "</td>"
        << "<td class=\"text\" data-v=\"" << row.label << "\">" << (row.label ? "fake" : "real") << "</td>";
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      const auto it = score_of[i].find(video);
      if (it == score_of[i].end()) {
        out << "<td data-v=\"\">\xE2\x80\x93</td>";
        continue;
      }
      const bool wrong = (it->second >= o_.threshold) != (row.label == 1);
      out << "<td data-v=\"" << data_v(it->second) << "\"" << (wrong ? " class=\"wrong\"" : "") << ">"
          << format_fixed(it->second, 3) << "</td>";
    }
    out << "<td class=\"text wrap\">" << html_escape(join(row.worst_for)) << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

// The report's files through the project's whole-file writer, its failures as ReportError.
void write_report_file(const std::string& path, const std::string& content) {
  try {
    write_file_atomically(path, content);
  } catch (const std::runtime_error& e) {
    throw ReportError(e.what());
  }
}

}  // namespace

const std::vector<std::string>& report_metric_names() {
  static const std::vector<std::string> names = {"auc", "logloss", "tpr_at_fpr", "eer", "f1", "tpr", "fpr",
                                                 "precision", "recall", "accuracy", "n_parameters", "train_time_s"};
  return names;
}

std::string render_report(const store::RunStore& store, const ReportOptions& options, ReportSummary* summary) {
  Page page(store, options);
  return page.render(summary);
}

ReportSummary write_report(const store::RunStore& store, const ReportOptions& options, const std::string& out_path) {
  if (out_path.empty()) throw ReportError("report output path is empty");
  ReportSummary summary;
  Page page(store, options);
  const std::string html = page.render(&summary);
  write_report_file(out_path, html);
  summary.out_path = out_path;
  if (!options.figures_dir.empty()) {
    for (const auto& [name, svg] : page.figures) {
      const std::string file = (fs::path(options.figures_dir) / name).string();
      write_report_file(file, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n");
      summary.figure_files.push_back(file);
    }
  }
  return summary;
}

}  // namespace dflab::reports
