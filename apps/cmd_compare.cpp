// dflab compare RUN_A RUN_B [--split val]: metric deltas of two runs and the videos they disagree
// on (one says fake, the other real at the threshold), largest score gap first.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

#include "apps/cli.h"
#include "apps/text_table.h"
#include "experiments/store/run_store.h"

namespace dflab::cli {

namespace {

using namespace dflab::store;

int run_compare(const std::string& db_arg, const std::string& ref_a, const std::string& ref_b, const std::string& split,
                double threshold, int top, bool json) {
  StoreOptions so;
  so.create = false;
  const RunStore store = RunStore::open(db_arg.empty() ? default_db_path() : db_arg, so);
  const RunDetail a = store.get_run(store.resolve_run(ref_a));
  const RunDetail b = store.get_run(store.resolve_run(ref_b));
  const std::string name_a = a.run.experiment + "/" + a.run.name, name_b = b.run.experiment + "/" + b.run.name;

  std::map<std::string, std::pair<std::optional<double>, std::optional<double>>> metrics;
  for (const auto& m : a.metrics)
    if (m.split == split) metrics[m.name].first = m.value;
  for (const auto& m : b.metrics)
    if (m.split == split) metrics[m.name].second = m.value;

  struct Disagreement {
    std::string video;
    std::optional<int> label;
    double score_a, score_b;
  };
  std::map<std::string, Prediction> pa;
  for (const auto& p : store.predictions(a.run.id, split)) pa[p.video] = p;
  std::vector<Disagreement> dis;
  std::size_t common = 0;
  for (const auto& p : store.predictions(b.run.id, split)) {
    auto it = pa.find(p.video);
    if (it == pa.end()) continue;
    ++common;
    if ((it->second.score >= threshold) != (p.score >= threshold))
      dis.push_back({p.video, p.label ? p.label : it->second.label, it->second.score, p.score});
  }
  std::sort(dis.begin(), dis.end(), [](const Disagreement& x, const Disagreement& y) {
    return std::fabs(x.score_a - x.score_b) > std::fabs(y.score_a - y.score_b);
  });
  auto right = [&](const Disagreement& d) -> std::string {
    if (!d.label) return "-";
    return ((d.score_a >= threshold) == (*d.label == 1)) ? "A" : "B";
  };
  int a_right = 0, b_right = 0;
  for (const auto& d : dis) {
    const std::string r = right(d);
    a_right += r == "A";
    b_right += r == "B";
  }

  if (json) {
    nlohmann::json m = nlohmann::json::object();
    for (const auto& [k, v] : metrics) {
      nlohmann::json row = {{"a", v.first ? nlohmann::json(*v.first) : nlohmann::json(nullptr)},
                            {"b", v.second ? nlohmann::json(*v.second) : nlohmann::json(nullptr)}};
      row["delta"] = v.first && v.second ? nlohmann::json(*v.second - *v.first) : nlohmann::json(nullptr);
      m[k] = row;
    }
    nlohmann::json d = nlohmann::json::array();
    for (const auto& x : dis)
      d.push_back({{"video", x.video}, {"label", x.label ? nlohmann::json(*x.label) : nlohmann::json(nullptr)},
                   {"score_a", x.score_a}, {"score_b", x.score_b}, {"right", right(x)}});
    print_json({{"a", name_a}, {"b", name_b}, {"split", split}, {"threshold", threshold}, {"metrics", m},
                {"common_videos", common}, {"disagreements", d}, {"a_right", a_right}, {"b_right", b_right}});
    return exit_ok;
  }
  std::cout << "A = " << name_a << "\nB = " << name_b << "\nsplit " << split << ", " << common << " videos in both\n\n";
  TextTable t({"METRIC", "A", "B", "B - A"});
  for (const auto& [k, v] : metrics)
    t.add({k, fmt_value(v.first), fmt_value(v.second),
           v.first && v.second ? fmt_value(*v.second - *v.first) : std::string("-")});
  t.print(std::cout);
  std::cout << "\n" << dis.size() << " disagreement(s) at threshold " << threshold << " (A right " << a_right
            << ", B right " << b_right << ")\n";
  if (!dis.empty()) {
    TextTable d({"VIDEO", "LABEL", "A", "B", "RIGHT"});
    for (std::size_t i = 0; i < dis.size() && static_cast<int>(i) < top; ++i)
      d.add({dis[i].video, dis[i].label ? std::to_string(*dis[i].label) : "-", fmt_value(dis[i].score_a),
             fmt_value(dis[i].score_b), right(dis[i])});
    d.print(std::cout, "  ");
    if (static_cast<int>(dis.size()) > top) std::cout << "  ... " << dis.size() - static_cast<std::size_t>(top) << " more (--top)\n";
  }
  return exit_ok;
}

}  // namespace

void add_compare_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("compare", "Compare two runs: metric deltas and the videos they disagree on");
  struct Args {
    std::string db, a, b, split = "val";
    double threshold = 0.5;
    int top = 20;
    bool json = false;
  };
  auto x = std::make_shared<Args>();
  cmd->add_option("run_a", x->a, "First run (experiment/run, id, or unique name)")->required();
  cmd->add_option("run_b", x->b, "Second run")->required();
  cmd->add_option("--db", x->db, "Run database (default: $DFLAB_DB, else runs/dflab.sqlite)");
  cmd->add_option("--split", x->split, "Split whose metrics and predictions are compared");
  cmd->add_option("--threshold", x->threshold, "Score at or above which a video counts as fake")->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--top", x->top, "Disagreements listed")->check(CLI::Range(0, 1000000));
  add_json_flag(cmd, x->json);
  cmd->footer("Example: dflab compare demo/video-meso4 demo/fusion-stacking --db demo/runs.sqlite");
  cmd->callback([&ctx, x] {
    ctx.action = [x] { return run_compare(x->db, x->a, x->b, x->split, x->threshold, x->top, x->json); };
  });
}

}  // namespace dflab::cli
