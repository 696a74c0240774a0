#include "experiments/runner_json.h"

#include "experiments/extract_shards.h"

namespace dflab {

namespace {

nlohmann::json optional_json(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json metrics_json(const std::map<std::string, std::optional<double>>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : m) j[k] = optional_json(v);
  return j;
}

nlohmann::json source_json(const ExperimentResult& r) {
  nlohmann::json folds = nlohmann::json::array(), summary = nlohmann::json::array();
  for (const SourceFoldResult& f : r.source_folds)
    folds.push_back({{"source", f.source}, {"n_real", f.n_real}, {"n_fake", f.n_fake}, {"n_train", f.n_train},
                     {"n_val", f.n_val}});
  for (const SourceSummary& s : r.source_summary)
    summary.push_back({{"entry", s.entry}, {"auc", optional_json(s.auc)}, {"logloss", optional_json(s.logloss)},
                       {"n_auc", s.n_auc}, {"auc_ci", {optional_json(s.auc_low), optional_json(s.auc_high)}},
                       {"logloss_ci", {optional_json(s.logloss_low), optional_json(s.logloss_high)}}});
  return {{"folds", folds}, {"mean", summary}};
}

}  // namespace

std::vector<const VideoPrep*> failed_videos(const PreprocessReport& p) {
  std::vector<const VideoPrep*> out;
  for (const VideoPrep& v : p.videos)
    if (v.unusable()) out.push_back(&v);
  return out;
}

std::string failure_text(const VideoPrep& v) {
  std::string out;
  if (v.video_status == "failed" || v.video_status == "no_video") out = "video " + v.video_status + ": " + v.video_message;
  if (v.audio_status == "unreadable" || v.audio_status == "feature_error")
    out += (out.empty() ? "" : "; ") + std::string("audio ") + v.audio_status + ": " + v.audio_message;
  if (v.av_status == "failed") out += (out.empty() ? "" : "; ") + std::string("av failed: ") + v.av_message;
  return out;
}

nlohmann::json to_json(const ExperimentResult& r) {
  nlohmann::json failed_json = nlohmann::json::array();
  for (const VideoPrep* v : failed_videos(r.preprocess))
    failed_json.push_back({{"id", v->id}, {"split", v->split}, {"path", v->path}, {"video", v->video_status},
                           {"audio", v->audio_status}, {"message", failure_text(*v)}});
  const ExtractCounts counts = ExtractCounts::of(r.preprocess.videos);
  nlohmann::json rows = nlohmann::json::array();
  for (const ResultRow& row : r.rows)
    rows.push_back({{"name", row.name}, {"kind", row.kind}, {"plugin", row.plugin}, {"modality", row.modality},
                    {"status", row.status}, {"message", row.message}, {"run_id", row.run_id},
                    {"entry", row.entry}, {"held_out_source", row.held_out_source},
                    {"val", metrics_json(row.val)}, {"test", metrics_json(row.test)}, {"seconds", row.seconds},
                    {"n_parameters", row.n_parameters}, {"prior_filled", row.prior_filled}});
  return {{"experiment", r.experiment}, {"db", r.db}, {"n_train", r.n_train}, {"n_val", r.n_val},
          {"n_test", r.n_test}, {"rows", rows}, {"prediction_csv", r.prediction_csv},
          {"submitted", r.submitted}, {"report", r.report}, {"warnings", r.warnings},
          {"preprocess_failed", failed_json},
          {"preprocess", {{"computed", counts.computed}, {"cached", counts.cached}, {"failed", counts.failed}}},
          {"seconds", r.seconds}, {"protocol", r.protocol},
          {"sources", source_json(r)}};
}

nlohmann::json to_json(const PredictedVideo& v) {
  nlohmann::json j = {{"video", v.name}, {"path", v.path}, {"status", v.status},
                      {"substitute", v.substitute.empty() ? nlohmann::json() : nlohmann::json(v.substitute)},
                      {"score", v.score ? nlohmann::json(*v.score) : nlohmann::json()}};
  if (!v.message.empty()) j["message"] = v.message;
  return j;
}

}  // namespace dflab
