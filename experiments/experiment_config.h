#pragma once
// An experiment file (TOML), loaded and validated completely before any work starts.
//
//   Registry registry = builtin_registry();
//   ExperimentConfig exp = load_experiment("examples/demo.toml", registry);   // throws ConfigError
//   exp.experiment.string("name");  exp.models[0].model.plugin;  exp.data.string("root");
//
// Every problem — TOML syntax, unknown section or key, wrong type, out of range, unknown plugin,
// unknown plugin parameter, missing input path — is collected with file:line and thrown at once.
// Relative paths are resolved against the TOML file's folder. `[plugins] load = [...]` libraries
// are loaded into `registry` first so their plugins validate like built-in ones.

#include <string>
#include <vector>

#include "registry/params.h"
#include "registry/registry.h"

namespace dflab {

// A plugin chosen in the file: { plugin = "haar", min_face = 40 }.
struct PluginChoice {
  std::string kind;
  std::string plugin;
  Params params;   // validated, defaults filled, paths resolved
  int line = 0;
};

// Augmentations that make a real face fake (Augmentation::forges()): `real_only = true` needs one,
// and a video model using one makes [video] crop.landmarks = "auto" cache dlib's 68 landmarks with
// the crops. (Named here so that the checks need no plugin instance.)
inline const std::vector<std::string> kBlendingAugmentations = {"face_blend", "self_blend"};
// Augmentations that make a real audio-visual unit fake (out of sync): `real_only = true` on an
// av model needs one.
inline const std::vector<std::string> kAvForgingAugmentations = {"av_shift"};

struct ModelEntry {
  std::string name;                   // unique within the experiment
  std::string modality;               // video | audio | av (mouth crops + audio windows, [av])
  PluginChoice model;                 // kind model: keys of [[models]] other than the reserved ones
  Params train;                       // epochs, batch, optimizer, lr, schedule, ...
  std::vector<PluginChoice> augment;  // kind augmentation, applied in order
  PluginChoice aggregate;             // kind aggregator (default: mean)
  std::string pretrained;             // absolute path of a weight file loaded before training, or ""
  int line = 0;

  bool blends_faces() const;          // augment has one of kBlendingAugmentations
  bool shifts_av() const;             // augment has one of kAvForgingAugmentations
};

struct ExperimentConfig {
  std::string file;       // as given
  std::string dir;        // absolute folder of the file: relative paths start here
  std::string text;       // the file's full text, stored with every run
  Params experiment;      // name, seed, db, threads, description
  std::vector<std::string> plugin_libraries;   // absolute paths
  Params data;            // format, root, train, val, test, on_error, split options
  Params video;           // enabled, no_face, ...
  Params sampling;        // strategy, frames, every, fps, start_s, end_s
  PluginChoice detector;  // kind face_detector
  Params crop;            // size, margin, fixed_box, align, landmarks
  Params audio;           // enabled, sample_rate, max_duration_s, no_audio
  PluginChoice audio_feature;   // kind audio_feature
  Params av;              // enabled, mouth_width, mouth_height, mouth_margin, window_s, stack
  PluginChoice av_feature;      // kind audio_feature: the feature of each frame's audio window
  // [av] (or an av model) with enabled = true. Unlike wants_av(), not cleared by a runner that
  // skips the samples: the face crops' cache key (landmarks) must not depend on which command runs.
  bool av_requested = false;
  std::vector<ModelEntry> models;
  std::vector<PluginChoice> fusions;   // kind fusion; [fusion] or [[fusion]]
  Params output;          // prediction_csv, format, report, clip

  bool has_video_models() const;
  bool has_audio_models() const;
  bool has_av_models() const;
  // Whether preprocessing makes time-aligned audio-visual samples: an [av] section (or an av
  // model) with [av] enabled; av_feature.plugin is set exactly then.
  bool wants_av() const { return !av_feature.plugin.empty(); }
  // Whether the face crops carry dlib's 68 landmarks without being aligned: crop.landmarks is
  // "dlib68", or "auto" and a video model blends faces or audio-visual samples are made (their
  // mouth box comes from the lips; align gives 68 points of its own).
  bool wants_landmarks68() const;
};

// Declared keys of every fixed section; the same lists drive validation and `dflab check --schema`.
struct SectionSchema {
  std::string name;               // "experiment", "data", "models.train", ...
  std::vector<ParamSpec> keys;
};
const std::vector<SectionSchema>& experiment_schema();

// Throws ConfigError with every problem found; loads [plugins] libraries into `registry`.
ExperimentConfig load_experiment(const std::string& path, Registry& registry);
// The same for a file's text as stored with a run: diagnostics name `path` and relative paths
// resolve against its folder, as when the run read it there.
ExperimentConfig load_experiment_text(const std::string& text, const std::string& path, Registry& registry);

}  // namespace dflab
