#include "experiments/store/store_json.h"

namespace dflab::store {

namespace {

template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json to_json(const RunSummary& r) {
  return {{"id", r.id},
          {"experiment", r.experiment},
          {"experiment_id", r.experiment_id},
          {"name", r.name},
          {"plugin", r.plugin},
          {"modality", r.modality},
          {"kind", to_string(r.kind)},
          {"status", to_string(r.status)},
          {"started", r.started},
          {"finished", opt(r.finished)},
          {"duration_s", opt(r.duration_s)},
          {"host", r.host},
          {"pid", opt(r.pid)},
          {"version", r.version},
          {"seed", opt(r.seed)}};
}

nlohmann::json to_json(const RunDetail& d) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : d.params) params[k] = v;
  nlohmann::json metrics = nlohmann::json::object();
  nlohmann::json notes = nlohmann::json::object();
  for (const MetricRow& m : d.metrics) {
    metrics[m.split][m.name] = opt(m.value);
    if (!m.note.empty()) notes[m.split][m.name] = m.note;
  }
  // {"val": {"sadtalker": {"auc": 0.8, ...}}}: absent when the run logged no per-source rows.
  nlohmann::json by_source = nlohmann::json::object();
  for (const MetricRow& m : d.source_metrics) by_source[m.split][m.source][m.name] = opt(m.value);
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochMetricRow& e : d.epoch_metrics)
    epochs.push_back({{"epoch", e.epoch}, {"split", e.split}, {"name", e.name}, {"value", opt(e.value)}});
  nlohmann::json artifacts = nlohmann::json::array();
  for (const Artifact& a : d.artifacts) artifacts.push_back({{"kind", a.kind}, {"path", a.path}, {"sha256", a.sha256}});
  nlohmann::json predictions = nlohmann::json::object();
  for (const auto& [split, n] : d.prediction_counts) predictions[split] = n;
  nlohmann::json out = {{"run", to_json(d.run)}, {"config_toml", d.config_toml}, {"params", params},
                        {"metrics", metrics},    {"notes", notes},                {"epochs", epochs},
                        {"artifacts", artifacts}, {"predictions", predictions}};
  if (!by_source.empty()) out["metrics_by_source"] = by_source;
  return out;
}

nlohmann::json to_json(const Leaderboard& lb) {
  nlohmann::json rows = nlohmann::json::array();
  for (const LeaderboardRow& row : lb.rows) {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& [name, value] : row.metrics) metrics[name] = opt(value);
    rows.push_back({{"rank", row.rank}, {"value", opt(row.value)}, {"run", to_json(row.run)}, {"metrics", metrics}});
  }
  return {{"metric", lb.metric}, {"split", lb.split}, {"ascending", lb.ascending}, {"rows", rows}};
}

std::string dump_json(const nlohmann::json& doc, int indent) {
  return doc.dump(indent, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

}  // namespace dflab::store
