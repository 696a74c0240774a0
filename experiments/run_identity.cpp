#include "experiments/run_identity.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "experiments/training/file_digest.h"

namespace dflab {

namespace fs = std::filesystem;

namespace {

void put_params(RunSettings& s, const std::string& prefix, const Params& p, const std::vector<std::string>& skip = {}) {
  for (const auto& [k, v] : p.values()) {
    bool skipped = false;
    for (const std::string& x : skip) skipped = skipped || x == k;
    if (!skipped) s[prefix + k] = format_value(v);
  }
}

std::string choice_text(const PluginChoice& c) { return c.plugin + " " + c.params.canonical(); }

}  // namespace

RunSettings model_run_settings(const ExperimentConfig& exp, const ModelEntry& m) {
  RunSettings s;
  s["experiment.seed"] = format_value(exp.experiment.values().at("seed"));
  put_params(s, "data.", exp.data);
  // The label files' bytes: a relabelled or reshuffled list is another dataset.
  for (const char* key : {"train", "val", "test"}) {
    const std::string path = exp.data.string(key);
    std::error_code ec;
    if (!path.empty() && fs::is_regular_file(path, ec)) s[std::string("data.") + key + ".sha256"] = sha256_of_file(path);
  }
  if (m.modality == "video" || m.modality == "av") {
    put_params(s, "video.", exp.video);
    put_params(s, "video.sampling.", exp.sampling);
    put_params(s, "video.crop.", exp.crop);
    s["video.detector"] = choice_text(exp.detector);
  }
  if (m.modality == "av") {   // the mouths come from the face crops; the audio windows from [av]
    put_params(s, "av.", exp.av);
    s["av.feature"] = choice_text(exp.av_feature);
  } else if (m.modality == "audio") {
    put_params(s, "audio.", exp.audio);
    s["audio.feature"] = choice_text(exp.audio_feature);
  }
  s["model.modality"] = m.modality;
  s["model.plugin"] = m.model.plugin;
  put_params(s, "model.", m.model.params);
  // The weights' bytes, not their path: other weights are another starting point.
  if (!m.pretrained.empty()) {
    std::error_code ec;
    s["model.pretrained.sha256"] = fs::is_regular_file(m.pretrained, ec) ? sha256_of_file(m.pretrained) : "missing";
  }
  put_params(s, "train.", m.train, {"workers", "backend"});   // how it runs, not what it learns
  std::string augment;
  for (const PluginChoice& a : m.augment) augment += (augment.empty() ? "" : "; ") + choice_text(a);
  s["augment"] = augment;
  s["aggregate"] = choice_text(m.aggregate);
  return s;
}

RunSettings fusion_run_settings(const PluginChoice& fusion, const std::map<std::string, std::string>& input_hashes) {
  RunSettings s;
  s["fusion"] = choice_text(fusion);
  for (const auto& [name, hash] : input_hashes) s["input." + name] = hash;
  return s;
}

std::string settings_hash(const RunSettings& settings) {
  std::string text;
  for (const auto& [k, v] : settings) text += k + "=" + v + "\n";
  return sha256_hex(text);
}

std::string settings_to_json(const RunSettings& settings) { return nlohmann::json(settings).dump(); }

RunSettings settings_from_json(const std::string& json) {
  try {
    return nlohmann::json::parse(json).get<RunSettings>();
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("stored run settings are not a JSON object of strings: ") + e.what());
  }
}

std::vector<std::string> changed_settings(const RunSettings& before, const RunSettings& after) {
  std::vector<std::string> out;
  for (const auto& [k, v] : after) {
    auto it = before.find(k);
    if (it == before.end() || it->second != v) out.push_back(k);
  }
  for (const auto& [k, v] : before)
    if (!after.count(k)) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace dflab
