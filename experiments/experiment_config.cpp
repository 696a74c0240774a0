#include "experiments/experiment_config.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include <toml.hpp>

#include "modalities/augment/augmentation.h"
#include "registry/diagnostics.h"
#include "registry/plugin_loader.h"
#include "registry/toml_params.h"
#include "modalities/video/detectors/register_detectors.h"
#include "modalities/video/face_align.h"

namespace dflab {

namespace fs = std::filesystem;

bool ExperimentConfig::has_video_models() const {
  return std::any_of(models.begin(), models.end(), [](const ModelEntry& m) { return m.modality == "video"; });
}
bool ExperimentConfig::has_audio_models() const {
  return std::any_of(models.begin(), models.end(), [](const ModelEntry& m) { return m.modality == "audio"; });
}
bool ExperimentConfig::has_av_models() const {
  return std::any_of(models.begin(), models.end(), [](const ModelEntry& m) { return m.modality == "av"; });
}
bool ModelEntry::shifts_av() const {
  return std::any_of(augment.begin(), augment.end(), [](const PluginChoice& a) {
    return std::find(kAvForgingAugmentations.begin(), kAvForgingAugmentations.end(), a.plugin) != kAvForgingAugmentations.end();
  });
}

bool ModelEntry::blends_faces() const {
  return std::any_of(augment.begin(), augment.end(), [](const PluginChoice& a) {
    return std::find(kBlendingAugmentations.begin(), kBlendingAugmentations.end(), a.plugin) != kBlendingAugmentations.end();
  });
}
bool ExperimentConfig::wants_landmarks68() const {
  if (!crop.has("landmarks") || crop.boolean("align")) return false;
  const std::string& mode = crop.string("landmarks");
  if (mode == "dlib68") return true;
  if (mode != "auto") return false;
  if (av_requested) return true;
  return std::any_of(models.begin(), models.end(),
                     [](const ModelEntry& m) { return m.modality == "video" && m.blends_faces(); });
}

const std::vector<SectionSchema>& experiment_schema() {
  using P = ParamSpec;
  static const std::vector<SectionSchema> schema = {
      {"experiment",
       {P::required("name", ParamType::string, "experiment name; runs are grouped under it in the store"),
        P::string("description", "", "free text shown in reports"),
        P::integer("seed", 42, "seed for splits, initialisation, augmentation and bootstrap").range(0, std::nullopt),
        P::string("db", "runs/dflab.sqlite", "SQLite run store").as_path(PathRole::output),
        P::string("work_dir", "runs", "caches, checkpoints and outputs of this experiment").as_path(PathRole::output),
        P::integer("threads", 0, "CPU threads for decoding and libtorch; 0 = every core").range(0, 1024)}},
      {"plugins", {P::strings("load", {}, "runtime plugin libraries (.so) to load before validation")}},
      {"data",
       {P::required("format", ParamType::string, "dataset layout").one_of({"ffdv", "dfdc", "csv"}),
        P::required("root", ParamType::string, "dataset folder").as_path(PathRole::input_dir),
        P::string("train", "", "train labels (relative to root); empty = the layout's default name; a CSV's own split column wins"),
        P::string("val", "", "validation labels (relative to root); empty = default name, or split off train"),
        P::string("test", "", "list of test videos to predict (relative to root); empty = none"),
        P::string("on_error", "skip", "a bad row, missing file or unreadable video: skip it and record why, or stop at the first")
            .one_of({"skip", "stop"}),
        P::real("val_fraction", 0.2, "share of train held out (stratified, seeded) when there is no val set")
            .range(0.0, 0.9),
        P::integer("folds", 0, "k-fold cross-validation over train+val; 0 = off").range(0, 20),
        P::string("source_column", "", "CSV column naming each video's source (generator); empty = the media "
                  "file's parent folder (DFDC: the part folder)"),
        P::string("protocol", "splits", "splits: train on train, validate on val, test on test; "
                  "leave_one_source_out: for each source, train on the others and test on it")
            .one_of({"splits", "leave_one_source_out"}),
        P::strings("holdout_sources", {}, "leave_one_source_out: the sources to hold out in turn; empty = every "
                   "source")}},
      {"video",
       {P::boolean("enabled", true, "extract face crops (needed by video models)"),
        P::string("no_face", "center_crop", "a video where no face is found")
            .one_of({"center_crop", "prior"}),
        P::integer("max_side", 640, "detect on frames downscaled to this longest side").range(64, 8192)
            .with_unit("px"),
        P::integer("roi_every", 0,
                   "track-guided detection: search only around the last faces, the whole frame at least "
                   "every n-th sampled frame and when lost; 0 = whole frame always")
            .range(0, 10000),
        P::real("roi_margin", 1.0, "track-guided search region: face box grown by this x its side on each side")
            .range(0.1, 10.0)}},
      {"video.sampling",
       {P::string("strategy", "uniform", "which frames to decode")
            .one_of({"uniform", "every_nth", "fps", "window"}),
        P::integer("frames", 16, "frames spread uniformly over the clip (uniform; cap for the others)")
            .range(1, 10000),
        P::integer("every", 10, "keep every n-th frame (every_nth)").range(1, 10000),
        P::real("fps", 15.0, "frames per second to keep (fps)").range(0.01, 1000.0).with_unit("Hz"),
        P::real("start_s", 0.0, "window start (window)").range(0.0, std::nullopt).with_unit("s"),
        P::real("end_s", 0.0, "window end; 0 = end of clip (window)").range(0.0, std::nullopt).with_unit("s")}},
      {"video.crop",
       {P::integer("size", 224, "side of the square crop fed to models").range(16, 2048).with_unit("px"),
        P::real("margin", 1.3, "crop side as a multiple of the face box").range(1.0, 4.0),
        P::boolean("fixed_box", false, "one box enclosing the face over the whole clip (sequence models)"),
        P::boolean("align", false, "align with dlib's 68 landmarks to a canonical template (needs libdlib-data; "
                   "not with fixed_box)"),
        P::string("landmarks", "auto",
                  "landmarks cached with unaligned crops: dlib68 = dlib's 68 points (libdlib-data), detector = the "
                  "detector's own (5 or none), auto = dlib68 when a video model has self_blend or face_blend")
            .one_of({"auto", "dlib68", "detector"})}},
      {"audio",
       {P::boolean("enabled", true, "extract audio features (needed by audio models)"),
        P::integer("sample_rate", 22050, "resample every track to this rate").range(1000, 192000).with_unit("Hz"),
        P::real("offset_s", 0.0, "skip this much audio at the start").range(0.0, std::nullopt).with_unit("s"),
        P::real("max_duration_s", 0.0, "decode at most this much; 0 = all").range(0.0, std::nullopt).with_unit("s"),
        P::string("no_audio", "silence", "a video without an audio stream").one_of({"silence", "prior"})}},
      {"av",
       {P::boolean("enabled", true, "make time-aligned audio-visual samples: per sampled frame the mouth crop and "
                   "the audio feature window centred on its timestamp (needed by av models)"),
        P::integer("mouth_width", 96, "mouth crop width").range(8, 1024).with_unit("px"),
        P::integer("mouth_height", 48, "mouth crop height").range(8, 1024).with_unit("px"),
        P::real("mouth_margin", 1.6, "mouth box: the lips' extent (68 landmarks) times this; without landmarks "
                "the lower half of the face box").range(1.0, 4.0),
        P::real("window_s", 0.2, "audio per frame, centred on the frame's presentation time").range(0.02, 10.0)
            .with_unit("s"),
        P::integer("stack", 5, "consecutive sampled frames per audio-visual unit (SyncNet: 5 frames, 0.2 s at "
                   "25 fps)").range(1, 100)}},
      {"models.train",
       {P::integer("epochs", 5, "training epochs").range(1, 10000),
        P::integer("batch", 32, "batch size").range(1, 65536),
        P::string("optimizer", "adamw", "optimiser").one_of({"adamw", "adam", "sgd"}),
        P::real("lr", 3e-4, "peak learning rate").range(0.0, 10.0),
        P::real("weight_decay", 1e-2, "decoupled weight decay (adamw) or L2 (adam, sgd)").range(0.0, 1.0),
        P::real("momentum", 0.9, "SGD momentum").range(0.0, 1.0),
        P::string("schedule", "one_cycle", "learning-rate schedule").one_of({"one_cycle", "cosine", "step", "constant"}),
        P::integer("step_epochs", 10, "epochs between decays (step)").range(1, 10000),
        P::real("step_gamma", 0.1, "decay factor (step)").range(0.0, 1.0),
        P::string("loss", "bce", "loss").one_of({"bce", "focal"}),
        P::real("focal_gamma", 2.0, "focal loss gamma").range(0.0, 10.0),
        P::real("label_smoothing", 0.0, "targets become eps/2 and 1-eps/2").range(0.0, 0.5),
        P::boolean("balanced_sampling", false, "sample real and fake equally often"),
        P::integer("early_stopping", 0, "stop after this many epochs without better val logloss; 0 = off")
            .range(0, 10000),
        P::real("grad_clip", 0.0, "clip the gradient norm; 0 = off").range(0.0, std::nullopt),
        P::string("device", "auto", "where to train; auto = cuda:0 when usable, else cpu (the run's device param "
                  "records which)").one_of({"auto", "cpu", "cuda"}),
        P::string("backend", "auto",
                  "process-group backend of a distributed run (dflab run --nproc N, or RANK/WORLD_SIZE set): "
                  "auto = nccl with a CUDA libtorch that has it, else gloo; the same for every model")
            .one_of({"auto", "gloo", "nccl"}),
        P::boolean("sync_bn", false,
                   "distributed runs: batch norm normalises with the statistics of the batch over all ranks "
                   "(PyTorch's SyncBatchNorm) instead of each rank's share; no effect in one process"),
        P::boolean("mixed_precision", false,
                   "bfloat16 autocast on CUDA; no effect on CPU (the run warns, and its dtype param says float32)"),
        P::integer("workers", 2, "data loading threads").range(0, 64),
        P::integer("samples_per_video", 0,
                   "units (crops, clips, audio windows) per video per epoch; 0 = all").range(0, 100000),
        P::boolean("tta_flip", false, "average each crop's score with its mirror image's (validation and test)"),
        P::boolean("real_only", false,
                   "train on real videos alone: every batch pairs real samples with copies made fake by the model's "
                   "self_blend or face_blend augmentation (SBI); validation and test keep real and fake videos"),
        P::string("score", "units",
                  "a video's score: units = its units' scores through the model's aggregate; sync (av models) = "
                  "P(fake) from its audio-visual offset search (offset, confidence), by a logistic calibration "
                  "fitted on the validation videos, which need real and fake ones").one_of({"units", "sync"}),
        P::integer("sync_max_offset", 15, "score = \"sync\": offsets searched either way, in sampled frames")
            .range(1, 50)}},
      {"output",
       {P::string("prediction_csv", "", "submission file; empty = <work_dir>/prediction.csv")
            .as_path(PathRole::output),
        P::string("format", "ffdv", "ffdv: video_name,score; dfdc: filename,label").one_of({"ffdv", "dfdc"}),
        P::string("report", "", "HTML report; empty = <work_dir>/report.html").as_path(PathRole::output),
        P::boolean("write_report", true, "write the HTML report at the end of `dflab run`"),
        P::string("submit", "", "run whose test scores go into prediction_csv; empty = the first fusion, "
                  "else the model with the best val logloss"),
        P::reals("clip", {0.0, 1.0}, "clip submitted scores to [low, high]").range(0.0, 1.0)}},
  };
  return schema;
}

namespace {

const std::vector<ParamSpec>& section(const std::string& name) {
  for (const auto& s : experiment_schema())
    if (s.name == name) return s.keys;
  throw std::logic_error("no section schema " + name);
}

class Loader {
 public:
  Loader(const std::string& path, Registry& registry, std::optional<std::string> text = std::nullopt)
      : registry_(registry), given_text_(std::move(text)) {
    exp_.file = path;
    std::error_code ec;
    exp_.dir = fs::absolute(fs::path(path), ec).parent_path().lexically_normal().string();
  }

  ExperimentConfig load() {
    read_text();
    const toml::value root = parse_toml(exp_.text, exp_.file);   // the text stored with every run
    if (!root.is_table()) throw ConfigError(exp_.file, 1, "not a TOML table");

    const std::vector<std::string> sections = {"experiment", "plugins", "data", "video", "audio", "av",
                                               "models", "fusion", "output"};
    for (const auto& [key, value] : root.as_table()) {
      if (std::find(sections.begin(), sections.end(), key) == sections.end())
        diags_.error(exp_.file, line_of(value), "unknown section [" + key + "] (allowed: " + join(sections) + ")");
    }

    // Plugins first: their kinds and names must be known before the rest validates.
    exp_.plugin_libraries = load_plugins(get(root, "plugins"));
    exp_.experiment = read_section("experiment", get(root, "experiment"), {}, true);
    exp_.data = read_section("data", get(root, "data"), {}, true);
    resolve_data_files(get(root, "data"));
    check_protocol(get(root, "data"));
    read_models(get(root, "models"));
    read_av(get(root, "av"));   // before [video]: making av samples asks for the lips' landmarks
    read_video(get(root, "video"));
    read_audio(get(root, "audio"));
    check_av(get(root, "av"), get(root, "video"));
    read_fusion(get(root, "fusion"));
    exp_.output = read_section("output", get(root, "output"), {}, false);
    const auto clip = exp_.output.reals("clip");
    if (clip.size() != 2 || clip[0] >= clip[1])
      diags_.error(exp_.file, line_in(get(root, "output"), "clip"), "[output] clip must be [low, high] with low < high");

    if (!diags_.empty()) throw ConfigError(diags_);
    return std::move(exp_);
  }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  void read_text() {
    if (given_text_) {
      exp_.text = *given_text_;
      return;
    }
    std::ifstream in(exp_.file, std::ios::binary);
    if (!in) throw ConfigError(exp_.file, 0, "cannot read experiment file");
    std::ostringstream ss;
    ss << in.rdbuf();
    exp_.text = ss.str();
  }

  // The value under `key` of `table`, or nullptr when absent (or `table` is not a table).
  static const toml::value* get(const toml::value& table, const std::string& key) {
    if (!table.is_table()) return nullptr;
    auto it = table.as_table().find(key);
    return it == table.as_table().end() ? nullptr : &it->second;
  }

  int line_in(const toml::value* table, const std::string& key) const {
    if (!table) return 0;
    const toml::value* v = get(*table, key);
    return v ? line_of(*v) : line_of(*table);
  }

  Params read_section(const std::string& name, const toml::value* table,
                      const std::vector<std::string>& reserved, bool required) {
    const std::vector<ParamSpec>& specs = section(name);
    const std::string who = "[" + name + "]";
    if (!table) {
      Params p = Params::defaults(specs);
      p.origin = exp_.file;
      for (const auto& s : specs)
        if (!s.default_value && required)
          diags_.error(exp_.file, 0, "missing section " + who + " with required key '" + s.name + "'");
      resolve_paths(specs, nullptr, p, who);
      return p;
    }
    Params p = params_from_toml(who, specs, *table, diags_, reserved);
    resolve_paths(specs, table, p, who);
    return p;
  }

  std::string resolve(const std::string& path, const std::string& base) const {
    fs::path p(path);
    if (p.is_relative()) p = fs::path(base) / p;
    return p.lexically_normal().string();
  }

  // Resolves every path-valued key against the file's folder and checks inputs exist.
  void resolve_paths(const std::vector<ParamSpec>& specs, const toml::value* table, Params& params,
                     const std::string& who) {
    for (const auto& s : specs) {
      if (s.path == PathRole::none || !params.has(s.name)) continue;
      const std::string value = params.string(s.name);
      if (value.empty()) continue;
      const std::string abs = resolve(value, exp_.dir);
      params.set(s.name, abs);
      check_input(s.path, abs, line_in(table, s.name), who + " " + s.name);
    }
  }

  void check_input(PathRole role, const std::string& abs, int line, const std::string& what) {
    std::error_code ec;
    if (role == PathRole::input_file && !fs::is_regular_file(abs, ec))
      diags_.error(exp_.file, line, what + ": no such file: " + abs);
    else if (role == PathRole::input_dir && !fs::is_directory(abs, ec))
      diags_.error(exp_.file, line, what + ": no such folder: " + abs);
  }

  // train / val / test name files inside the data root.
  void resolve_data_files(const toml::value* table) {
    if (!exp_.data.has("root")) return;
    const std::string root = exp_.data.string("root");
    for (const char* key : {"train", "val", "test"}) {
      const std::string value = exp_.data.string(key);
      if (value.empty()) continue;
      const std::string abs = resolve(value, root);
      exp_.data.set(key, abs);
      std::error_code ec;
      if (!fs::exists(abs, ec)) diags_.error(exp_.file, line_in(table, key), std::string("[data] ") + key + ": no such file: " + abs);
    }
  }

  void check_protocol(const toml::value* table) {
    if (!exp_.data.has("format")) return;
    if (!exp_.data.string("source_column").empty() && exp_.data.string("format") != "csv")
      diags_.error(exp_.file, line_in(table, "source_column"),
                   "[data] source_column names a CSV column, but format = \"" + exp_.data.string("format") +
                       "\" (there a video's source is its folder: leave source_column out)");
    if (exp_.data.string("protocol") != "leave_one_source_out") {
      if (!exp_.data.strings("holdout_sources").empty())
        diags_.error(exp_.file, line_in(table, "holdout_sources"),
                     "[data] holdout_sources is for protocol = \"leave_one_source_out\"");
      return;
    }
    if (exp_.data.integer("folds") > 0)
      diags_.error(exp_.file, line_in(table, "folds"),
                   "[data] folds = " + std::to_string(exp_.data.integer("folds")) +
                       " and protocol = \"leave_one_source_out\" exclude each other (the sources are the folds)");
  }

  std::vector<std::string> load_plugins(const toml::value* table) {
    if (!table) return {};
    Params p = params_from_toml("[plugins]", section("plugins"), *table, diags_);
    std::vector<std::string> out;
    for (const auto& lib : p.strings("load")) {
      const std::string abs = resolve(lib, exp_.dir);
      try {
        load_plugin_library(abs, registry_);
        out.push_back(abs);
      } catch (const PluginLoadError& e) {
        diags_.error(exp_.file, line_in(table, "load"), e.what());
      }
    }
    return out;
  }

  // { plugin = "name", key = value, ... } → validated PluginChoice of `kind`.
  PluginChoice read_choice(const std::string& kind, const toml::value* table, const std::string& where,
                           const std::string& default_plugin,
                           const std::vector<std::string>& reserved = {"plugin"}) {
    PluginChoice c;
    c.kind = kind;
    c.plugin = default_plugin;
    if (table) {
      c.line = line_of(*table);
      if (!table->is_table()) {
        diags_.error(exp_.file, c.line, where + ": expected a table like { plugin = \"" + default_plugin + "\" }");
        return c;
      }
      const toml::value* name = get(*table, "plugin");
      if (name && name->is_string()) c.plugin = name->as_string().str;
      else if (name) diags_.error(exp_.file, line_of(*name), where + ": 'plugin' must be a string");
      else if (default_plugin.empty()) diags_.error(exp_.file, c.line, where + ": 'plugin' is missing");
    }
    if (c.plugin.empty()) return c;
    const PluginInfo* info = registry_.find(kind, c.plugin);
    if (!info) {
      std::string known = join(registry_.names(kind));
      diags_.error(exp_.file, table ? line_in(table, "plugin") : 0,
                   where + ": unknown " + kind + " plugin '" + c.plugin + "' (registered: " +
                       (known.empty() ? std::string("none") : known) + ")");
      return c;
    }
    if (table) {
      c.params = params_from_toml(*info, *table, diags_, reserved);
      resolve_paths(info->params, table, c.params, where);
    } else {
      c.params = Params::defaults(info->params);
      for (const auto& s : info->params)
        if (!s.default_value)
          diags_.error(exp_.file, 0, where + ": " + kind + " '" + c.plugin + "' needs '" + s.name + "'");
      resolve_paths(info->params, nullptr, c.params, where);
    }
    return c;
  }

  // A sub-table of a section: [video] sampling = {...} or [video.sampling].
  Params read_subsection(const toml::value* parent, const std::string& key, const std::string& schema) {
    return read_section(schema, parent ? get(*parent, key) : nullptr, {}, false);
  }

  void read_video(const toml::value* table) {
    static const std::vector<std::string> reserved = {"sampling", "detector", "crop"};
    exp_.video = read_section("video", table, reserved, false);
    exp_.sampling = read_subsection(table, "sampling", "video.sampling");
    exp_.crop = read_subsection(table, "crop", "video.crop");
    if (exp_.crop.boolean("align")) {
      const int line = line_in(table ? get(*table, "crop") : nullptr, "align");
      if (exp_.crop.boolean("fixed_box"))
        diags_.error(exp_.file, line, "[video] crop: align = true and fixed_box = true exclude each other "
                                      "(one box per clip has no pose to align)");
      std::error_code ec;
      if (!fs::is_regular_file(kDlibLandmarkModel, ec))
        diags_.error(exp_.file, line, std::string("[video] crop.align = true needs dlib's landmark model ") +
                                          kDlibLandmarkModel + " (Debian: libdlib-data)");
    } else if (exp_.wants_landmarks68()) {
      std::error_code ec;
      if (!fs::is_regular_file(kDlibLandmarkModel, ec))
        diags_.error(exp_.file, line_in(table ? get(*table, "crop") : nullptr, "landmarks"),
                     std::string("[video] crop.landmarks = \"") + exp_.crop.string("landmarks") +
                         "\" (self_blend / face_blend need the face outline) needs dlib's landmark model " +
                         kDlibLandmarkModel + " (Debian: libdlib-data), or set crop.landmarks = \"detector\"");
    }
    const bool needed = (table != nullptr) || exp_.has_video_models() || exp_.wants_av();
    if (needed && exp_.video.boolean("enabled"))
      exp_.detector = read_choice(kind::face_detector, table ? get(*table, "detector") : nullptr,
                                  "[video] detector", default_face_detector);
    if (exp_.has_video_models() && !exp_.video.boolean("enabled"))
      diags_.error(exp_.file, line_in(table, "enabled"), "[video] enabled = false but a [[models]] entry has modality = \"video\"");
  }

  void read_audio(const toml::value* table) {
    exp_.audio = read_section("audio", table, {"feature"}, false);
    const bool needed = (table != nullptr) || exp_.has_audio_models();
    if (needed && exp_.audio.boolean("enabled"))
      exp_.audio_feature = read_choice(kind::audio_feature, table ? get(*table, "feature") : nullptr,
                                       "[audio] feature", "mel");
    if (exp_.has_audio_models() && !exp_.audio.boolean("enabled"))
      diags_.error(exp_.file, line_in(table, "enabled"), "[audio] enabled = false but a [[models]] entry has modality = \"audio\"");
  }

  void read_av(const toml::value* table) {
    exp_.av = read_section("av", table, {"feature"}, false);
    const bool needed = (table != nullptr) || exp_.has_av_models();
    if (!needed) return;
    if (!exp_.av.boolean("enabled")) {
      if (exp_.has_av_models())
        diags_.error(exp_.file, line_in(table, "enabled"), "[av] enabled = false but a [[models]] entry has modality = \"av\"");
      return;
    }
    exp_.av_requested = true;
    exp_.av_feature = read_choice(kind::audio_feature, table ? get(*table, "feature") : nullptr, "[av] feature", "mfcc");
    if (exp_.av_feature.plugin.empty() || !registry_.find(kind::audio_feature, exp_.av_feature.plugin)) return;
    // Each window is transformed alone: it must hold at least one FFT frame. (preprocess() also
    // runs the feature on a silent window before the first video, for plugins without n_fft.)
    const Params& f = exp_.av_feature.params;
    if (f.has("n_fft") && f.has("sample_rate")) {
      const double window_s = exp_.av.real("window_s");
      const auto n = static_cast<std::int64_t>(std::llround(window_s * static_cast<double>(f.integer("sample_rate"))));
      if (n < f.integer("n_fft"))
        diags_.error(exp_.file, line_in(table, "window_s"),
                     "[av] window_s = " + std::to_string(window_s) + " s is " + std::to_string(n) + " samples at " +
                         std::to_string(f.integer("sample_rate")) + " Hz, shorter than the feature's n_fft = " +
                         std::to_string(f.integer("n_fft")) + " (lengthen the window or lower n_fft)");
    }
  }

  // [av] needs the face crops of [video]; a stack must fit in the sampled frames.
  void check_av(const toml::value* av_table, const toml::value* video_table) {
    if (!exp_.wants_av()) return;
    if (!exp_.video.boolean("enabled"))
      diags_.error(exp_.file, line_in(video_table, "enabled"),
                   "[video] enabled = false, but [av] cuts its mouth crops from the face crops (set [av] enabled = false)");
    const std::int64_t stack = exp_.av.integer("stack");
    if (exp_.sampling.string("strategy") == "uniform" && exp_.sampling.integer("frames") < stack)
      diags_.error(exp_.file, line_in(av_table, "stack"),
                   "[av] stack = " + std::to_string(stack) + " frames, but [video] sampling takes only " +
                       std::to_string(exp_.sampling.integer("frames")) + " per video");
    if (exp_.av.integer("mouth_width") < exp_.av.integer("mouth_height") / 4 ||
        exp_.av.integer("mouth_height") < exp_.av.integer("mouth_width") / 4)
      diags_.error(exp_.file, line_in(av_table, "mouth_height"),
                   "[av] mouth_width x mouth_height = " + std::to_string(exp_.av.integer("mouth_width")) + " x " +
                       std::to_string(exp_.av.integer("mouth_height")) + ": the aspect must be within 1:4 and 4:1");
  }

  void read_models(const toml::value* models) {
    if (!models) return;
    if (!models->is_array()) {
      diags_.error(exp_.file, line_of(*models), "'models' must be an array of tables: write [[models]]");
      return;
    }
    static const std::vector<std::string> reserved = {"name", "plugin", "modality", "train", "augment", "aggregate", "pretrained"};
    std::set<std::string> names;
    int index = 0;
    for (const auto& m : models->as_array()) {
      ++index;
      ModelEntry e;
      e.line = line_of(m);
      const std::string where = "[[models]] #" + std::to_string(index);
      if (!m.is_table()) {
        diags_.error(exp_.file, e.line, where + ": expected a table");
        continue;
      }
      const toml::value* name = get(m, "name");
      if (name && name->is_string() && !name->as_string().str.empty()) e.name = name->as_string().str;
      else diags_.error(exp_.file, name ? line_of(*name) : e.line, where + ": 'name' (a non-empty string) is required");
      if (!e.name.empty() && !names.insert(e.name).second)
        diags_.error(exp_.file, line_of(*name), where + ": model name '" + e.name + "' is used twice");
      const std::string who = e.name.empty() ? where : "[[models]] '" + e.name + "'";
      const toml::value* modality = get(m, "modality");
      if (modality && modality->is_string()) e.modality = modality->as_string().str;
      if (e.modality != "video" && e.modality != "audio" && e.modality != "av")
        diags_.error(exp_.file, modality ? line_of(*modality) : e.line,
                     who + ": 'modality' must be \"video\", \"audio\" or \"av\"");
      e.model = read_choice(kind::model, &m, who, "", reserved);
      if (const toml::value* pre = get(m, "pretrained")) {
        if (!pre->is_string() || pre->as_string().str.empty()) {
          diags_.error(exp_.file, line_of(*pre), who + ": 'pretrained' must be the path of a weight file (.pth, .pt, .onnx)");
        } else {
          e.pretrained = resolve(pre->as_string().str, exp_.dir);
          check_input(PathRole::input_file, e.pretrained, line_of(*pre), who + " pretrained");
        }
      }
      e.train = read_section("models.train", get(m, "train"), {}, false);
      if (const toml::value* aug = get(m, "augment")) {
        if (!aug->is_array()) {
          diags_.error(exp_.file, line_of(*aug), who + ": 'augment' must be a list of { plugin = ... } tables");
        } else {
          for (const auto& a : aug->as_array()) e.augment.push_back(read_choice(kind::augmentation, &a, who + " augment", ""));
        }
      }
      check_augment_modality(e, who);
      e.aggregate = read_choice(kind::aggregator, get(m, "aggregate"), who + " aggregate", "mean");
      check_real_only(e, m, who);
      check_sync_score(e, m, who);
      exp_.models.push_back(std::move(e));
    }
  }

  // An augmentation that does not act on the model's units would be accepted and never applied
  // (spec_augment on face crops; one stream's augmentations on audio-visual units, where changing
  // the mouths or the voice alone could fake the agreement an av model learns).
  void check_augment_modality(const ModelEntry& e, const std::string& who) {
    const AugmentModality unit = e.modality == "video" ? AugmentModality::video
                                 : e.modality == "audio" ? AugmentModality::audio
                                                         : AugmentModality::av;
    for (const PluginChoice& a : e.augment) {
      if (a.plugin.empty() || !registry_.find(kind::augmentation, a.plugin)) continue;
      std::unique_ptr<Augmentation> aug;
      try {
        aug = registry_.create<Augmentation>(kind::augmentation, a.plugin, a.params);
      } catch (const std::exception& ex) {
        diags_.error(exp_.file, a.line, who + " augment " + a.plugin + ": " + ex.what());
        continue;
      }
      if (aug->applies_to(unit)) continue;
      std::string takes;
      for (auto [mod, name] : {std::pair{AugmentModality::video, "video"}, {AugmentModality::audio, "audio"},
                               {AugmentModality::av, "av"}})
        if (aug->applies_to(mod)) takes += (takes.empty() ? "" : " or ") + std::string("modality = \"") + name + "\"";
      diags_.error(exp_.file, a.line, who + " augment " + a.plugin + " does not act on " + e.modality + " units (it takes " +
                                        (takes.empty() ? std::string("none") : takes) + "); remove it");
    }
  }

  // real_only = true: the fake half of every batch is forged from the real half — blended faces
  // (video) or audio from other times (av, av_shift) — so the model needs such an augmentation;
  // it then always acts on that half, so its p would be ignored.
  void check_real_only(const ModelEntry& e, const toml::value& m, const std::string& who) {
    if (!e.train.has("real_only") || !e.train.boolean("real_only")) return;
    const toml::value* train = get(m, "train");
    const int line = line_in(train, "real_only");
    if (e.modality != "video" && e.modality != "av") {
      diags_.error(exp_.file, line, who + ": real_only = true forges the fake half of each batch from faces (video) "
                                          "or from audio-visual units (av); it does not apply to modality = \"" +
                                          e.modality + "\"");
      return;
    }
    const std::vector<std::string>& forgers = e.modality == "av" ? kAvForgingAugmentations : kBlendingAugmentations;
    if (e.modality == "av" && !e.shifts_av()) {
      diags_.error(exp_.file, line, who + ": real_only = true needs av_shift to make the out-of-sync half of each "
                                          "batch: add { plugin = \"av_shift\" } to augment");
      return;
    }
    if (e.modality == "video" && !e.blends_faces()) {
      diags_.error(exp_.file, line, who + ": real_only = true needs a blending augmentation to make the fake half of "
                                          "each batch: add { plugin = \"self_blend\" } (or face_blend) to augment");
      return;
    }
    const toml::value* aug = get(m, "augment");
    if (!aug || !aug->is_array()) return;
    for (const auto& a : aug->as_array()) {
      const toml::value* plugin = get(a, "plugin");
      if (!plugin || !plugin->is_string()) continue;
      const std::string name = plugin->as_string().str;
      if (std::find(forgers.begin(), forgers.end(), name) == forgers.end()) continue;
      if (const toml::value* p = get(a, "p"))
        diags_.error(exp_.file, line_of(*p), who + " augment " + name + ": p is not used with real_only = true (every "
                                             "batch is half real, half forged by " + name + "); remove it");
    }
  }

  // score = "sync" reads an offset search, which only an av model's two streams allow;
  // sync_max_offset means nothing without it (accepted, it would be ignored).
  void check_sync_score(const ModelEntry& e, const toml::value& m, const std::string& who) {
    const toml::value* train = get(m, "train");
    const bool sync = e.train.has("score") && e.train.string("score") == "sync";
    if (sync && e.modality != "av")
      diags_.error(exp_.file, line_in(train, "score"), who + ": score = \"sync\" slides a voice against mouths, which only "
                                                       "an audio-visual model scores (modality = \"av\"), not modality = \"" +
                                                       e.modality + "\"");
    if (!sync && train && get(*train, "sync_max_offset"))
      diags_.error(exp_.file, line_in(train, "sync_max_offset"), who + ": sync_max_offset is used only with score = \"sync\"");
  }

  void read_fusion(const toml::value* fusion) {
    if (!fusion) return;
    if (fusion->is_array()) {
      for (const auto& f : fusion->as_array()) exp_.fusions.push_back(read_choice(kind::fusion, &f, "[[fusion]]", ""));
    } else {
      exp_.fusions.push_back(read_choice(kind::fusion, fusion, "[fusion]", ""));
    }
  }

  Registry& registry_;
  std::optional<std::string> given_text_;
  ExperimentConfig exp_;
  Diagnostics diags_;
};

}  // namespace

ExperimentConfig load_experiment(const std::string& path, Registry& registry) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw ConfigError(path, 0, "no such experiment file");
  return Loader(path, registry).load();
}

ExperimentConfig load_experiment_text(const std::string& text, const std::string& path, Registry& registry) {
  return Loader(path, registry, text).load();
}

}  // namespace dflab
