#include "experiments/runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

#include "datasets/csv_writer.h"
#include "datasets/splits.h"
#include "experiments/experiment_data.h"
#include "experiments/run_identity.h"
#include "experiments/store/run_store.h"
#include "experiments/training/distributed.h"
#include "datasets/shard.h"
#include "experiments/torch_runtime.h"
#include "experiments/training/audio_feature_source.h"
#include "experiments/training/av_sample_source.h"
#include "experiments/training/av_sync_curve.h"
#include "experiments/training/checkpoint.h"
#include "experiments/training/face_crop_source.h"
#include "experiments/training/trainer.h"
#include "metrics/binary_metrics.h"
#include "metrics/frame_auc.h"
#include "metrics/source_mean.h"
#include "modalities/aggregators/aggregator.h"
#include "modalities/audio/feature_cache.h"
#include "modalities/augment/augmentation.h"
#include "modalities/av/av_cache.h"
#include "modalities/av/models/av_model.h"
#include "modalities/av/sync_calibration.h"
#include "modalities/fusion/fusion.h"
#include "modalities/models/model.h"
#include "modalities/models/pretrained.h"
#include "modalities/video/face_cache.h"
#include "registry/atomic_file.h"
#include "registry/diagnostics.h"
#include "registry/interrupt.h"
#include "reports/report.h"

namespace dflab {

namespace fs = std::filesystem;

void write_prediction_csv(const std::string& path, const std::string& format,
                          const std::vector<std::pair<std::string, double>>& rows, double clip_low, double clip_high) {
  write_file_atomically(path, [&](std::ostream& out) {
    out << (format == "dfdc" ? csv_row({"filename", "label"}) : csv_row({"video_name", "score"}));
    char score_text[32];
    for (const auto& [name, score] : rows) {
      std::snprintf(score_text, sizeof score_text, "%.6f", std::clamp(score, clip_low, clip_high));
      out << csv_row({name, score_text});   // quoted as RFC 4180 asks: names may hold commas, quotes, newlines
    }
  });
}

namespace {

using store::RunStore;

using FrameScores = std::map<std::string, std::vector<double>>;   // video id -> its frame (unit) scores

// Scores of one model (or fusion) for every video it was asked about.
struct ScoreSet {
  std::map<std::string, double> val, test;   // video id -> P(fake), prior-filled
  FrameScores val_frames, test_frames;        // models only: the scores before the aggregator
  int prior_filled = 0;
};

// score = "sync" (av models): each video's offset curve, gathered over the folds.
struct SyncCurves {
  std::map<std::string, SyncCurve> val;                 // out-of-fold with k folds
  std::map<std::string, std::vector<SyncCurve>> test;   // one per fold
};

struct ItemLists {
  std::vector<const VideoItem*> train, val, test;
};

void warn(const RunnerOptions& o, ExperimentResult& r, const std::string& message) {
  r.warnings.push_back(message);
  if (o.callbacks.on_warning) o.callbacks.on_warning(message);
}

void stage(const RunnerOptions& o, const std::string& s) {
  if (o.callbacks.on_stage) o.callbacks.on_stage(s);
}

std::vector<store::Metric> to_store_metrics(const BinaryReport& r) {
  std::vector<store::Metric> out;
  for (const MetricResult& m : r.metrics) out.push_back({m.name, m.value, m.note});
  return out;
}

std::map<std::string, std::optional<double>> metric_map(const BinaryReport& r) {
  std::map<std::string, std::optional<double>> out;
  for (const MetricResult& m : r.metrics) out[m.name] = m.value;
  return out;
}

// Metrics of `scores` on `items` (labelled only). nullopt when no item is labelled.
std::optional<BinaryReport> score_items(const std::vector<const VideoItem*>& items, const std::map<std::string, double>& scores,
                                        std::uint64_t seed) {
  std::vector<int> labels;
  std::vector<double> probs;
  for (const VideoItem* it : items) {
    auto s = scores.find(it->id);
    if (!it->label || s == scores.end()) continue;
    labels.push_back(*it->label);
    probs.push_back(s->second);
  }
  if (labels.empty() || labels.size() != items.size()) return std::nullopt;
  EvaluateOptions eo;
  eo.seed = seed;
  return evaluate(labels, probs, eo);
}

// frame_auc over the labelled `items` that have frame scores; nullopt when none has.
std::optional<store::Metric> frame_metric(const std::vector<const VideoItem*>& items, const FrameScores& frames) {
  std::vector<int> labels;
  std::vector<std::vector<double>> scores;
  for (const VideoItem* it : items) {
    auto f = frames.find(it->id);
    if (!it->label || f == frames.end()) continue;
    labels.push_back(*it->label);
    scores.push_back(f->second);
  }
  if (labels.empty()) return std::nullopt;
  const MetricResult r = frame_level_auc(labels, scores);
  return store::Metric{r.name, r.value, r.note};
}

std::vector<store::Prediction> to_predictions(const std::vector<const VideoItem*>& items,
                                              const std::map<std::string, double>& scores) {
  std::vector<store::Prediction> out;
  for (const VideoItem* it : items) {
    auto s = scores.find(it->id);
    if (s != scores.end()) out.push_back({it->id, it->label, s->second});
  }
  return out;
}

}  // namespace

// A checkpoint loaded into its model, with the normalisation it was trained with.
struct LoadedModel {
  std::unique_ptr<Model> model;
  InputNormalisation norm;
};
struct LoadedModels : std::map<std::string, std::unique_ptr<LoadedModel>> {};   // by checkpoint path

namespace {

class ExperimentRunner {
 public:
  ExperimentRunner(const ExperimentConfig& exp, const Registry& registry, const RunnerOptions& options)
      : exp_(exp), reg_(registry), opt_(options), seed_(static_cast<std::uint64_t>(exp.experiment.integer("seed"))) {}

  // Models loaded by an earlier predict() are reused from `models`, new ones are added to it.
  void keep_models_in(LoadedModels* models) { loaded_models_ = models; }

  // ---- predict ------------------------------------------------------------------------------
  PredictOutcome predict(RunStore* store, store::RunId run, const PredictRequest& req) {
    PredictOutcome out;
    const ModelEntry* direct = nullptr;   // --checkpoint: this model, no run
    if (store) {
      const store::RunSummary summary = store->run_summary(run);
      out.run = summary.experiment + "/" + summary.name;
    } else {
      for (const ModelEntry& e : exp_.models)
        if (e.name == req.model || (req.model.empty() && exp_.models.size() == 1)) direct = &e;
      if (!direct) {
        std::string names;
        for (const ModelEntry& e : exp_.models) names += (names.empty() ? "" : ", ") + e.name;
        throw std::runtime_error(exp_.file + ": " + (req.model.empty() ? "several models, name one with --model" : "no model '" + req.model + "'") +
                                 " (models: " + names + ")");
      }
      out.run = req.checkpoint;
    }
    std::vector<int> item_of;   // request index -> ds_.items index, -1 when rejected
    out.videos = admit_files(req.videos, item_of);
    use_threads(req.threads);
    const bool av = direct ? direct->modality == "av" : needs_modality(*store, run, "av");
    const bool video = av || (direct ? direct->modality == "video" : needs_modality(*store, run, "video"));
    const bool audio = direct ? direct->modality == "audio" : needs_modality(*store, run, "audio");
    Scores scores;
    double prior = 0.5;
    if (!ds_.items.empty()) {
      preprocess_items(video, audio, av);
      if (direct) {
        scores = scores_of_model(*direct, {{req.checkpoint, ""}});
      } else {
        scores = scores_of_run(*store, run);
        prior = prior_of(params_of(*store, run));
      }
    }
    for (std::size_t k = 0; k < out.videos.size(); ++k) {
      PredictedVideo& v = out.videos[k];
      if (item_of[k] >= 0) {
        const auto i = static_cast<std::size_t>(item_of[k]);
        v.score = scores.score[i];
        const VideoPrep& p = *prep_.at(ds_.items[i].id);
        describe_outcome(v, p, video, audio, av, scores.reason[i]);
        if (video) {
          v.video_prep = p.video_status;
          v.face_crops = static_cast<int>(p.n_crops);
          v.faces_detected = static_cast<int>(p.n_detected);
        }
        if (audio) v.audio_prep = p.audio_status;
      }
      if (!v.score && req.prior_on_error) {
        v.score = prior;
        v.substitute = "prior";
      }
    }
    out.warnings = res_.warnings;
    return out;
  }

  // ---- av sync ------------------------------------------------------------------------------
  AvSyncOutcome av_sync(RunStore& store, store::RunId run, const AvSyncRequest& req) {
    const store::RunDetail d = store.get_run(run);
    AvSyncOutcome out;
    out.run = d.run.experiment + "/" + d.run.name;
    if (d.run.kind != store::RunKind::model || d.run.modality != "av")
      throw std::runtime_error("run " + out.run + " is not an audio-visual model run (modality = \"av\"): the offset "
                               "search slides a voice against mouths, which only an av model scores");
    const ModelEntry& m = model_entry_of_run(exp_, d);
    // A run trained with score = "sync" also gives its calibrated P(fake), when this search covers
    // the calibration's range (the curve is narrowed to it).
    std::optional<SyncCalibration> cal = sync_calibration_of(d);
    if (cal && req.max_offset < cal->max_offset) cal.reset();
    // Every checkpoint (k folds: k), loaded, on the training device, once for all the files.
    const TrainSettings ts = TrainSettings::from(m.train, seed_);
    SyncCurveOptions co;
    co.max_offset = req.max_offset;
    co.device = resolve_device(ts.device);
    std::vector<std::unique_ptr<LoadedModel>> models;
    std::vector<AvModel*> av_models;
    for (const auto& [ckpt, sha] : checkpoints_of(d)) {
      models.push_back(load_model(m, ckpt, sha));
      auto* av = dynamic_cast<AvModel*>(models.back()->model.get());
      if (!av) throw std::runtime_error(m.model.plugin + " is not an audio-visual model");
      av->to(co.device);
      av_models.push_back(av);
    }
    std::vector<int> item_of;
    for (PredictedVideo& v : admit_files(req.videos, item_of)) {
      AvSyncVideo a;
      a.name = v.name;
      a.path = v.path;
      a.status = v.status;
      a.message = v.message;
      out.videos.push_back(std::move(a));
    }
    use_threads(req.threads);
    if (ds_.items.empty()) return out;
    preprocess_items(/*video=*/true, /*audio=*/false, /*av=*/true);
    const AvCache& cache = av_cache();
    for (std::size_t k = 0; k < out.videos.size(); ++k) {
      if (item_of[k] < 0) continue;
      AvSyncVideo& v = out.videos[k];
      const VideoItem& it = ds_.items[static_cast<std::size_t>(item_of[k])];
      const VideoPrep& p = *prep_.at(it.id);
      if (p.av_status != "ok") {
        v.status = p.av_status == "no_face" ? "no_face" : p.av_status == "no_audio" ? "no_audio" : "unreadable";
        v.message = !p.av_message.empty() ? p.av_message : !p.video_message.empty() ? p.video_message : it.path + ": " + p.av_status;
        if (v.status == "no_face") v.message += " (no face: no mouths to match with the voice)";
        continue;
      }
      const std::optional<AvClip> clip = cache.load(it.path, av_params_);
      if (!clip) {
        v.status = "unreadable";
        v.message = it.path + ": its audio-visual samples are not in the cache after preprocessing";
        continue;
      }
      try {
        std::vector<SyncCurve> curves;
        double p = 0.0;
        for (std::size_t j = 0; j < models.size(); ++j) {
          curves.push_back(sync_curve(*av_models[j], *clip, models[j]->norm, co));
          if (cal) p += cal->score(narrow_sync_curve(curves.back(), cal->max_offset));
        }
        v.curve = mean_sync_curve(curves);
        if (cal) v.fake_probability = p / static_cast<double>(models.size());
        v.status = "ok";
      } catch (const std::invalid_argument& e) {
        v.status = "too_short";
        v.message = e.what();
      }
    }
    out.warnings = res_.warnings;
    return out;
  }

  // A request's thread count (0: the experiment's), for preprocessing and libtorch.
  void use_threads(int threads) {
    if (threads > 0) pre_threads_ = threads;
    set_torch_threads(pre_threads_ > 0 ? pre_threads_ : static_cast<int>(exp_.experiment.integer("threads")));
  }

  // A model run's checkpoints (path, SHA-256): one, or one per fold; none is an error.
  static std::vector<std::pair<std::string, std::string>> checkpoints_of(const store::RunDetail& d) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const store::Artifact& a : d.artifacts)
      if (a.kind == "checkpoint") out.push_back({a.path, a.sha256});
    if (out.empty()) throw std::runtime_error(d.run.name + ": the run has no checkpoint (did it finish?)");
    return out;
  }

  // Files that cannot be media are answered before any decoding (status missing / unreadable,
  // item_of -1); the rest become test items of ds_ (item_of: their index), to be preprocessed.
  std::vector<PredictedVideo> admit_files(const std::vector<std::string>& videos, std::vector<int>& item_of) {
    std::vector<PredictedVideo> out;
    ds_.layout = "files";
    std::set<std::string> ids;
    for (const std::string& path : videos) {
      PredictedVideo v;
      v.name = fs::path(path).filename().string();
      if (!ids.insert(v.name).second) v.name = path;   // two files of one name: keep them apart
      v.path = path;
      std::error_code ec;
      const fs::file_status st = fs::status(path, ec);
      if (ec && ec != std::errc::no_such_file_or_directory) {
        v.status = "unreadable";
        v.message = path + ": " + ec.message();
      } else if (!fs::exists(st)) {
        v.status = "missing";
        v.message = path + ": no such file";
      } else if (fs::is_directory(st)) {
        v.status = "unreadable";
        v.message = path + ": is a folder, not a video";
      } else if (!fs::is_regular_file(st)) {
        v.status = "unreadable";
        v.message = path + ": not a regular file";
      } else if (fs::file_size(path, ec) == 0) {
        v.status = "unreadable";
        v.message = path + ": empty file (0 bytes)";
      }
      if (v.status.empty()) {
        VideoItem it;
        it.id = v.name;
        it.path = fs::absolute(path).string();
        it.split = "test";
        item_of.push_back(static_cast<int>(ds_.items.size()));
        ds_.items.push_back(it);
      } else {
        item_of.push_back(-1);
      }
      out.push_back(std::move(v));
    }
    for (const VideoItem& it : ds_.items) lists_.test.push_back(&it);
    return out;
  }

  // Faces, audio features and audio-visual samples of the admitted files, as each is needed.
  void preprocess_items(bool video, bool audio, bool av) {
    stage(opt_, "preprocess");
    PreprocessOptions po;
    po.threads = pre_threads_;
    po.on_progress = opt_.callbacks.on_preprocess;
    ExperimentConfig pre = exp_;
    // predict reports each file's outcome; [data] on_error = "stop" is for building a dataset.
    pre.data.set("on_error", std::string("skip"));
    if (!video) pre.detector.plugin.clear();
    if (!audio) pre.audio_feature.plugin.clear();
    if (!av) pre.av_feature.plugin.clear();
    res_.preprocess = preprocess(pre, ds_, reg_, po);
    for (const VideoPrep& v : res_.preprocess.videos) prep_[v.id] = &v;
  }

  // Loads every checkpoint predict() would use into keep_models_in()'s store, scoring nothing:
  // RunPredictor's start, so that a broken run fails before the first request.
  void warm(RunStore* store, store::RunId run, const PredictRequest& req) {
    if (store) {
      scores_of_run(*store, run);
      return;
    }
    for (const ModelEntry& e : exp_.models)
      if (e.name == req.model || (req.model.empty() && exp_.models.size() == 1)) scores_of_model(e, {{req.checkpoint, ""}});
  }

  // Status, substitute and message of a scored (or unscorable) video from its preprocessing.
  void describe_outcome(PredictedVideo& v, const VideoPrep& p, bool video, bool audio, bool av,
                        const std::string& reason) const {
    auto fail = [&](const std::string& status, const std::string& message) {
      if (v.status.empty() || v.status == "ok") {
        v.status = status;
        v.message = message;
      }
    };
    v.status = "ok";
    if (video) {
      if (p.video_status == "failed" || p.video_status == "no_video") fail("unreadable", p.video_message);
      else if (p.video_status == "no_face") {
        fail("no_face", p.video_message.empty() ? "no face found" : p.video_message);
        // Under [video] no_face = "center_crop" the model scored the frame's centre instead.
        if (v.score) v.substitute = "center_crop";
      }
    }
    if (audio) {
      if (p.audio_status == "unreadable" || p.audio_status == "feature_error") fail("unreadable", p.audio_message);
      else if (p.audio_status == "no_audio_stream") {
        fail("no_audio", "no audio stream");
        if (v.score) v.substitute = v.substitute.empty() ? "silence" : v.substitute + "+silence";
      }
    }
    if (av) {   // an av model needs both streams: no audio, no score
      if (p.av_status == "failed") fail("unreadable", p.av_message);
      else if (p.av_status == "no_audio") fail("no_audio", p.av_message.empty() ? "no audio stream" : p.av_message);
    }
    if (!v.score && v.status == "ok") fail("unreadable", reason.empty() ? "no score" : reason);
    if (!v.message.empty() && v.message.find(fs::path(v.path).filename().string()) == std::string::npos)
      v.message = v.path + ": " + v.message;
  }
  ExperimentResult run() {
    const auto t0 = std::chrono::steady_clock::now();
    res_.experiment = exp_.experiment.string("name");
    stage(opt_, "dataset");
    ds_ = load_experiment_dataset(exp_);
    for (const SkippedItem& s : ds_.skipped) warn(opt_, res_, "skipped: " + s.to_string());
    for (const Diagnostic& w : ds_.warnings) warn(opt_, res_, w.to_string());
    res_.protocol = exp_.data.string("protocol");
    multi_source_ = ds_.sources().size() > 1;
    if (res_.protocol == "leave_one_source_out") {
      if (opt_.group && opt_.group->world_size() > 1)
        throw ConfigError(exp_.file, 0, "[data] protocol = \"leave_one_source_out\" is not supported in a distributed "
                                        "run yet; run it in one process (without --nproc / RANK)");
      return run_source_folds(t0);
    }
    for (const VideoItem& it : ds_.items) {
      if (it.split == "train" && it.label) lists_.train.push_back(&it);
      else if (it.split == "val" && it.label) lists_.val.push_back(&it);
      else if (it.split == "test") lists_.test.push_back(&it);
      else warn(opt_, res_, it.id + ": split '" + it.split + "'" + (it.label ? "" : " without a label") + " is not used");
    }
    res_.n_train = lists_.train.size();
    res_.n_val = lists_.val.size();
    res_.n_test = lists_.test.size();
    // Validation scores are those of `val`, or out-of-fold over train + val with k folds.
    scored_val_ = lists_.val;
    if (exp_.data.integer("folds") > 1) {
      scored_val_ = lists_.train;
      scored_val_.insert(scored_val_.end(), lists_.val.begin(), lists_.val.end());
    }
    if (lists_.train.empty()) throw ConfigError(exp_.file, 0, "the dataset has no labelled training videos");
    prior_ = train_prior();
    prepare();
    run_models_and_fusions();
    if (!follower()) {
      write_submission();
      write_html_report();
    }
    res_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return std::move(res_);
  }

  // Leave-one-source-out: each held-out source is one fold; every model and fusion is trained and
  // logged once per fold as NAME@SOURCE, then the per-source table and its means are settled.
  ExperimentResult run_source_folds(std::chrono::steady_clock::time_point t0) {
    folds_ = source_folds(exp_, ds_);
    const std::vector<SourceFold>& folds = folds_;
    for (const VideoItem& it : ds_.items) {
      res_.n_train += it.label && (it.split == "train" || it.split == "all");
      res_.n_val += it.label && it.split == "val";
      res_.n_test += it.label && it.split == "test";
      if (!it.label) warn(opt_, res_, it.id + ": unlabelled; leave_one_source_out neither trains nor tests on it");
    }
    prepare();
    std::map<std::string, std::vector<SourceScores>> by_run;   // run base name -> its test scores per source
    for (const SourceFold& f : folds) {
      throw_if_interrupted();
      SourceFoldResult fr;
      fr.source = f.source;
      fr.n_real = f.n_real;
      fr.n_fake = f.n_fake;
      fr.n_train = f.train.size();
      fr.n_val = f.val.size();
      if (f.n_real == 0 || f.n_fake == 0)
        warn(opt_, res_, "source '" + f.source + "' has only " + (f.n_real ? "real" : "fake") +
                             " videos: its AUC is undefined (NULL in the store), left out of the mean AUC; its logloss counts");
      stage(opt_, "hold out " + f.source + " (" + std::to_string(f.n_real) + " real, " + std::to_string(f.n_fake) +
                      " fake; train on " + std::to_string(f.train.size()) + ", validate on " + std::to_string(f.val.size()) + ")");
      lists_ = ItemLists{};
      for (const VideoItem& it : f.train) lists_.train.push_back(&it);
      for (const VideoItem& it : f.val) lists_.val.push_back(&it);
      for (const VideoItem& it : f.test) lists_.test.push_back(&it);
      scored_val_ = lists_.val;
      prior_ = train_prior();
      held_out_ = f.source;
      scores_.clear();
      run_models_and_fusions();
      for (const auto& [base, s] : scores_) {
        SourceScores ss{f.source, {}, {}};
        for (const VideoItem* it : lists_.test) {
          auto sc = s.test.find(it->id);
          if (sc == s.test.end()) continue;
          ss.labels.push_back(*it->label);
          ss.scores.push_back(sc->second);
        }
        if (ss.labels.size() == lists_.test.size()) by_run[base].push_back(std::move(ss));
      }
      res_.source_folds.push_back(std::move(fr));
    }
    held_out_.clear();
    // The mean over sources with its interval, for every model and fusion that scored every fold.
    BootstrapOptions bo;
    bo.seed = seed_;
    for (const auto& [base, per_source] : by_run) {
      if (per_source.size() != folds.size()) continue;
      SourceSummary sum;
      sum.entry = base;
      const SourceMean m = mean_over_sources(per_source, bo);
      sum.auc = m.auc;
      sum.logloss = m.logloss;
      sum.n_auc = m.n_auc;
      if (m.auc_ci.interval) {
        sum.auc_low = m.auc_ci.interval->low;
        sum.auc_high = m.auc_ci.interval->high;
      }
      if (m.logloss_ci.interval) {
        sum.logloss_low = m.logloss_ci.interval->low;
        sum.logloss_high = m.logloss_ci.interval->high;
      }
      res_.source_summary.push_back(std::move(sum));
    }
    write_html_report();
    res_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return std::move(res_);
  }

  double train_prior() const {
    std::size_t fakes = 0;
    for (const VideoItem* it : lists_.train) fakes += *it->label != 0;
    return static_cast<double>(fakes) / static_cast<double>(lists_.train.size());
  }

  // Preprocesses every video of the dataset once and opens the store.
  void prepare() {
    set_torch_threads(static_cast<int>(exp_.experiment.integer("threads")));
    // A process killed while writing leaves `*.tmp<pid>` files; nothing reads them, remove them.
    for (const std::string& f : remove_stale_temp_files(exp_.experiment.string("work_dir")))
      warn(opt_, res_, "removed " + f + ", left by an interrupted process");

    stage(opt_, "preprocess");
    ExperimentConfig pre = exp_;
    if (!exp_.has_video_models() && !exp_.has_av_models()) pre.detector.plugin.clear();
    if (!exp_.has_audio_models()) pre.audio_feature.plugin.clear();
    if (!exp_.has_av_models()) pre.av_feature.plugin.clear();
    PreprocessOptions po;
    po.on_progress = opt_.callbacks.on_preprocess;
    if (opt_.group && opt_.group->world_size() > 1) {
      // This rank's shard first; the full pass below then reads the others' from the cache (or
      // extracts a video another rank has not finished yet: entries are renamed into place, so
      // two writers of one entry are harmless). No barrier: a slow rank delays nobody here.
      Dataset mine = ds_;
      mine.items = items_of_shard(ds_.items, {opt_.group->rank(), opt_.group->world_size()});
      preprocess(pre, mine, reg_, PreprocessOptions{});
    }
    res_.preprocess = preprocess(pre, ds_, reg_, po);
    for (const VideoPrep& v : res_.preprocess.videos) prep_[v.id] = &v;

    res_.db = exp_.experiment.string("db");
    // Only rank 0 writes the store: SQLite with many writers (and many hosts) is what breaks first.
    store_ = std::make_unique<RunStore>(RunStore::open(follower() ? ":memory:" : res_.db));
    experiment_id_ = store_->experiment(res_.experiment);
    if (opt_.resume) store_->mark_interrupted_runs();
    log_videos();
  }

  void run_models_and_fusions() {
    for (const ModelEntry& m : exp_.models) {
      throw_if_interrupted();
      stage(opt_, "model " + run_name(m.name));
      run_model(m);
    }
    if (follower()) return;   // fusions need no training: rank 0 alone
    std::map<std::string, int> fusion_names;
    for (const PluginChoice& f : exp_.fusions) {
      std::string name = "fusion-" + f.plugin;
      if (++fusion_names[name] > 1) name += "-" + std::to_string(fusion_names[name]);
      stage(opt_, run_name(name));
      run_fusion(name, f);
    }
  }

  // The store name of model or fusion `base` in this fold: MODEL@SOURCE under leave-one-source-out.
  std::string run_name(const std::string& base) const { return held_out_.empty() ? base : base + "@" + held_out_; }

  // protocol and held_out_source, logged with every run of a leave-one-source-out fold.
  std::vector<std::pair<std::string, std::string>> protocol_params() const {
    if (held_out_.empty()) return {};
    return {{"protocol", "leave_one_source_out"}, {"held_out_source", held_out_}};
  }

 private:
  std::map<std::string, std::string> params_of(const RunStore& store, store::RunId run) const {
    std::map<std::string, std::string> p;
    for (const auto& [k, v] : store.get_run(run).params) p[k] = v;
    return p;
  }

  std::vector<store::RunId> inputs_of(const RunStore& store, store::RunId run) const {
    std::vector<store::RunId> ids;
    const store::RunSummary s = store.run_summary(run);
    std::stringstream ss(params_of(store, run)["inputs"]);
    for (std::string name; std::getline(ss, name, ',');) {
      std::optional<store::RunId> id = store.find_run(s.experiment + "/" + name);
      if (!id) throw std::runtime_error("fusion " + s.name + ": its input run " + s.experiment + "/" + name + " is not in the store");
      ids.push_back(*id);
    }
    return ids;
  }

  bool needs_modality(const RunStore& store, store::RunId run, const std::string& modality) const {
    const store::RunSummary s = store.run_summary(run);
    if (s.kind != store::RunKind::fusion) return s.modality == modality;
    for (store::RunId id : inputs_of(store, run))
      if (needs_modality(store, id, modality)) return true;
    return false;
  }

  // Scores of ds_.items; no score where the video could not be scored, with the reason.
  struct Scores {
    std::vector<std::optional<double>> score;
    std::vector<std::string> reason;
  };

  // The train prior a run recorded (0.5 for runs that recorded none).
  static double prior_of(const std::map<std::string, std::string>& params) {
    auto it = params.find("prior");
    return it == params.end() ? 0.5 : std::stod(it->second);
  }

  // Scores of ds_.items by a stored run. A fusion scores a video only when every input model
  // does (its fit uses the inputs' stored validation predictions, as in the run).
  Scores scores_of_run(const RunStore& store, store::RunId run) {
    const store::RunDetail d = store.get_run(run);
    std::map<std::string, std::string> params(d.params.begin(), d.params.end());
    const double prior = prior_of(params);
    const std::size_t n = ds_.items.size();
    if (d.run.kind == store::RunKind::fusion) {
      const std::vector<store::RunId> inputs = inputs_of(store, run);
      std::vector<Scores> fresh;
      ScoreMatrix val;
      std::vector<int> labels;
      std::map<std::string, std::size_t> row_of;   // val video -> column
      for (std::size_t k = 0; k < inputs.size(); ++k) {
        fresh.push_back(scores_of_run(store, inputs[k]));
        const std::vector<store::Prediction> pv = store.predictions(inputs[k], "val");
        if (k == 0)
          for (const auto& p : pv)
            if (p.label) {
              row_of[p.video] = labels.size();
              labels.push_back(*p.label);
            }
        std::vector<double> column(labels.size(), prior);
        for (const auto& p : pv) {
          auto it = row_of.find(p.video);
          if (it != row_of.end()) column[it->second] = p.score;
        }
        val.push_back(std::move(column));
      }
      const std::string spec = params["fusion"];
      const PluginChoice* choice = nullptr;
      for (const PluginChoice& f : exp_.fusions)
        if (spec == f.plugin + " " + f.params.canonical()) choice = &f;
      if (!choice) throw std::runtime_error(d.run.name + ": the run's stored config has no fusion '" + spec + "'");
      std::unique_ptr<Fusion> fusion = reg_.create<Fusion>(kind::fusion, choice->plugin, choice->params);
      fusion->fit(val, labels);
      Scores out{std::vector<std::optional<double>>(n), std::vector<std::string>(n)};
      std::vector<std::size_t> complete;
      for (std::size_t i = 0; i < n; ++i) {
        bool all = true;
        for (const Scores& f : fresh)
          if (!f.score[i]) {
            all = false;
            if (out.reason[i].empty()) out.reason[i] = f.reason[i];
          }
        if (all) complete.push_back(i);
      }
      if (!complete.empty()) {
        ScoreMatrix m(inputs.size());
        for (std::size_t k = 0; k < inputs.size(); ++k)
          for (std::size_t i : complete) m[k].push_back(*fresh[k].score[i]);
        const std::vector<double> fused = fusion->fuse(m);
        for (std::size_t j = 0; j < complete.size(); ++j) out.score[complete[j]] = fused[j];
      }
      return out;
    }
    const ModelEntry* m = &model_entry_of_run(exp_, d);
    // The stored config must describe this model run (a fusion's config could come from a later
    // edit than its inputs'): preprocessing and model settings have to be the ones it was trained with.
    if (params.count("config")) {
      std::string keys;
      for (const std::string& k : changed_settings(settings_from_json(params["config"]), model_run_settings(exp_, *m)))
        if (k.rfind("data.", 0) != 0 && k != "experiment.seed" && k.rfind("train.", 0) != 0)
          keys += (keys.empty() ? "" : ", ") + k;
      if (!keys.empty())
        throw std::runtime_error("run " + d.run.experiment + "/" + d.run.name + " was trained with other settings than this config: " + keys);
    }
    return scores_of_model(*m, checkpoints_of(d), sync_calibration_of(d));
  }

  // The calibration a run trained with score = "sync" stored (nullopt for other runs).
  static std::optional<SyncCalibration> sync_calibration_of(const store::RunDetail& d) {
    for (const auto& [k, v] : d.params) {
      if (k != "sync_calibration") continue;
      try {
        return SyncCalibration::from_json(v);
      } catch (const std::invalid_argument& e) {
        throw std::runtime_error("run " + d.run.experiment + "/" + d.run.name + ": " + e.what());
      }
    }
    return std::nullopt;
  }

  // Scores of ds_.items by `m`: the mean over its checkpoints ((path, sha256) pairs, the digest
  // checked before loading when known). With `sync` (a run trained with score = "sync"), each
  // checkpoint's score of a video is the calibrated P(fake) of its offset curve.
  Scores scores_of_model(const ModelEntry& model_entry, const std::vector<std::pair<std::string, std::string>>& checkpoints,
                         const std::optional<SyncCalibration>& sync = std::nullopt) {
    const ModelEntry* m = &model_entry;
    std::vector<double> sum(ds_.items.size(), 0.0);
    std::vector<int> count(ds_.items.size(), 0);
    std::vector<std::string> reasons(ds_.items.size());
    for (const auto& [ckpt, sha256] : checkpoints) {
      // A RunPredictor keeps each checkpoint's model between calls; `dflab predict` loads it once.
      std::unique_ptr<LoadedModel> owned;
      LoadedModel* loaded = nullptr;
      if (loaded_models_) {
        std::unique_ptr<LoadedModel>& slot = (*loaded_models_)[ckpt];
        if (!slot) slot = load_model(*m, ckpt, sha256);
        loaded = slot.get();
      } else {
        owned = load_model(*m, ckpt, sha256);
        loaded = owned.get();
      }
      if (ds_.items.empty()) continue;   // RunPredictor's warm-up: load, score nothing
      stage(opt_, "predict " + m->name + " (" + ckpt + ")");
      Model* model = loaded->model.get();
      const InputNormalisation& norm = loaded->norm;
      const InputSpec in = model->input();
      const TrainSettings ts = TrainSettings::from(m->train, seed_);
      PredictSettings ps;
      ps.batch = ts.batch;
      ps.workers = ts.workers;
      ps.tta_flip = ts.tta_flip;
      ps.sequence = in.modality == Modality::sequence;
      ps.device = resolve_device(ts.device);
      ps.mixed_precision = ts.mixed_precision;
      model->to(ps.device);
      if (sync) {
        std::vector<std::string> why;
        const auto curves = sync_curves_of(*model, norm, lists_.test, sync->max_offset, ps.device, why);
        for (std::size_t i = 0; i < curves.size(); ++i) {
          if (curves[i]) {
            sum[i] += sync->score(*curves[i]);
            ++count[i];
          } else {
            reasons[i] = why[i];
          }
        }
        continue;
      }
      std::unique_ptr<SampleSource> src = make_source(*m, in, lists_.test, norm);
      std::unique_ptr<Aggregator> agg = reg_.create<Aggregator>(kind::aggregator, m->aggregate.plugin, m->aggregate.params);
      const std::vector<VideoScore> vs = predict_videos(*model, *src, *agg, ps);
      for (std::size_t i = 0; i < vs.size(); ++i) {
        if (vs[i].score) {
          sum[i] += *vs[i].score;
          ++count[i];
        } else {
          reasons[i] = vs[i].missing_reason;
        }
      }
    }
    Scores out{std::vector<std::optional<double>>(ds_.items.size()), std::move(reasons)};
    for (std::size_t i = 0; i < out.score.size(); ++i)
      if (count[i]) out.score[i] = sum[i] / count[i];
    return out;
  }

  // The audio-visual sample cache and its key (av_params_), opened on first use.
  const AvCache& av_cache() {
    if (!av_cache_) {
      const auto feature = reg_.create<AudioFeature>(kind::audio_feature, exp_.av_feature.plugin, exp_.av_feature.params);
      av_params_ = av_cache_params(exp_, *feature);
      av_cache_ = std::make_unique<AvCache>(cache_dir(exp_, "av"));
    }
    return *av_cache_;
  }

  // score = "sync": each item's offset curve by `model`, from the samples preprocessing cached;
  // nullopt, with the reason in `reasons`, when it has none or fewer sampled frames than a stack.
  std::vector<std::optional<SyncCurve>> sync_curves_of(Model& model, const InputNormalisation& norm,
                                                       const std::vector<const VideoItem*>& items, int max_offset,
                                                       torch::Device device, std::vector<std::string>& reasons) {
    auto* av = dynamic_cast<AvModel*>(&model);
    if (!av) throw std::runtime_error("score = \"sync\" needs an audio-visual model; " + model.input().describe() + " is not one");
    SyncCurveOptions co;
    co.max_offset = max_offset;
    co.device = device;
    std::vector<std::optional<SyncCurve>> out(items.size());
    reasons.assign(items.size(), "");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::optional<AvClip> clip = av_cache().load(items[i]->path, av_params_);
      if (!clip) {
        reasons[i] = "no audio-visual samples to search offsets in";
        continue;
      }
      try {
        out[i] = sync_curve(*av, *clip, norm, co);
      } catch (const std::invalid_argument& e) {
        reasons[i] = e.what();
      }
    }
    return out;
  }

  std::unique_ptr<LoadedModel> load_model(const ModelEntry& m, const std::string& ckpt, const std::string& sha256) const {
    auto out = std::make_unique<LoadedModel>();
    out->model = reg_.create<Model>(kind::model, m.model.plugin, m.model.params);
    out->norm = load_model_checkpoint(*out->model, ckpt, sha256);
    return out;
  }

  // ---- runs in the store ------------------------------------------------------------------
  struct OpenedRun {
    store::RunId id = 0;
    bool finished = false;     // resume: an equal run already finished, reuse its results
    bool continuing = false;   // resume: an equal run was interrupted, continue its checkpoints
  };

  // The run to log into. With --resume the latest run of that name is reused (finished) or
  // continued (interrupted) only when its stored settings hash equals `settings`' hash; otherwise
  // a new run begins and the warning names the settings that changed.
  OpenedRun open_run(const std::string& name, const std::string& plugin, const std::string& modality, store::RunKind kind,
                     const RunSettings& settings) {
    const std::string hash = settings_hash(settings);
    if (opt_.resume) {
      if (std::optional<store::RunId> id = store_->find_run(res_.experiment + "/" + name)) {
        const store::RunDetail d = store_->get_run(*id);
        std::string stored_hash, stored_json;
        for (const auto& [k, v] : d.params) {
          if (k == "config_hash") stored_hash = v;
          if (k == "config") stored_json = v;
        }
        if (stored_hash == hash) {
          if (d.run.status == store::RunStatus::finished && kind == store::RunKind::model) return {*id, true, false};
          store_->resume_run(*id);
          return {*id, false, true};
        }
        std::string why = "no settings hash recorded (made by an older dflab)";
        if (!stored_json.empty()) {
          try {
            std::string keys;
            for (const std::string& k : changed_settings(settings_from_json(stored_json), settings))
              keys += (keys.empty() ? "" : ", ") + k;
            why = "changed: " + keys;
          } catch (const std::exception& e) {
            why = e.what();
          }
        }
        warn(opt_, res_, name + " (run " + std::to_string(*id) + "): " + why + "; training again as a new run");
      }
    }
    store::NewRun nr;
    nr.experiment_id = experiment_id_;
    nr.name = name;
    nr.plugin = plugin;
    nr.modality = modality;
    nr.kind = kind;
    nr.config_toml = exp_.text;
    nr.seed = static_cast<std::int64_t>(seed_);
    nr.version = opt_.version;
    const store::RunId id = store_->begin_run(nr);
    store_->log_params(id, {{"config_hash", hash}, {"config", settings_to_json(settings)}});
    return {id, false, false};
  }

  // Final metrics and predictions of a run, one transaction with its finish.
  void finish_scored_run(ResultRow& row, const ScoreSet& s) {
    std::optional<BinaryReport> val = score_items(scored_val_, s.val, seed_);
    std::optional<BinaryReport> test = score_items(lists_.test, s.test, seed_);
    auto tx = store_->transaction();
    if (!scored_val_.empty()) store_->log_predictions(row.run_id, "val", to_predictions(scored_val_, s.val));
    if (!lists_.test.empty()) store_->log_predictions(row.run_id, "test", to_predictions(lists_.test, s.test));
    if (val) {
      std::vector<store::Metric> m = to_store_metrics(*val);
      m.push_back({"prior_filled", static_cast<double>(s.prior_filled), "videos given the train prior"});
      if (auto f = frame_metric(scored_val_, s.val_frames)) {
        m.push_back(*f);
        row.val[f->name] = f->value;
      }
      store_->log_metrics(row.run_id, "val", m);
      for (const auto& [k, v] : metric_map(*val)) row.val[k] = v;
    }
    if (test) {
      std::vector<store::Metric> m = to_store_metrics(*test);
      if (auto f = frame_metric(lists_.test, s.test_frames)) {
        m.push_back(*f);
        row.test[f->name] = f->value;
      }
      store_->log_metrics(row.run_id, "test", m);
      for (const auto& [k, v] : metric_map(*test)) row.test[k] = v;
    }
    if (multi_source_) {
      log_by_source(row.run_id, "val", scored_val_, s.val, s.val_frames);
      log_by_source(row.run_id, "test", lists_.test, s.test, s.test_frames);
    }
    store_->finish_run(row.run_id, store::RunStatus::finished);
    tx.commit();
    row.prior_filled = s.prior_filled;
  }

  // The metrics of each source's videos in `items`, as per-source rows of `split`.
  void log_by_source(store::RunId run, const std::string& split, const std::vector<const VideoItem*>& items,
                     const std::map<std::string, double>& scores, const FrameScores& frames) {
    std::map<std::string, std::vector<const VideoItem*>> by_source;
    for (const VideoItem* it : items) by_source[it->source].push_back(it);
    for (const auto& [source, list] : by_source) {
      std::optional<BinaryReport> r = score_items(list, scores, seed_);
      if (!r) continue;
      std::vector<store::Metric> m = to_store_metrics(*r);
      if (auto f = frame_metric(list, frames)) m.push_back(*f);
      store_->log_metrics(run, split, m, source);
    }
  }

  // ---- models ------------------------------------------------------------------------------
  void run_model(const ModelEntry& m) {
    ResultRow row;
    row.name = run_name(m.name);
    row.entry = m.name;
    row.held_out_source = held_out_;
    row.kind = "model";
    row.plugin = m.model.plugin;
    row.modality = m.modality;
    const auto t0 = std::chrono::steady_clock::now();
    RunSettings settings = model_run_settings(exp_, m);
    if (!held_out_.empty()) settings["data.held_out_source"] = held_out_;
    settings_hash_[m.name] = settings_hash(settings);
    OpenedRun opened = open_run(row.name, m.model.plugin, m.modality, store::RunKind::model, settings);
    const store::RunId run = opened.id;
    row.run_id = run;
    checkpoint_run_id_ = run;
    if (opt_.group && opt_.group->world_size() > 1) {
      // Rank 0's store decides for every rank: reuse, continue (its checkpoint folder) or train.
      const std::string decision = opt_.group->broadcast_text(
          std::string(opened.finished ? "finished" : opened.continuing ? "continuing" : "new") + " " + std::to_string(run));
      std::istringstream in(decision);
      std::string what;
      in >> what >> checkpoint_run_id_;
      opened.finished = what == "finished";
      opened.continuing = what == "continuing";
      if (follower() && opened.finished) {
        row.status = "reused";
        res_.rows.push_back(std::move(row));
        return;
      }
    }
    if (opened.finished) {
      ScoreSet s;
      for (const auto& p : store_->predictions(run, "val")) s.val[p.video] = p.score;
      for (const auto& p : store_->predictions(run, "test")) s.test[p.video] = p.score;
      const store::RunDetail d = store_->get_run(run);
      for (const auto& mr : d.metrics) (mr.split == "val" ? row.val : row.test)[mr.name] = mr.value;
      row.status = "reused";
      row.seconds = d.run.duration_s.value_or(0.0);
      scores_[m.name] = std::move(s);
      res_.rows.push_back(std::move(row));
      return;
    }
    try {
      ScoreSet s = train_and_predict(m, row, opened.continuing);
      if (follower()) {   // trained its share; scores and the store are rank 0's
        row.status = "finished";
        row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        res_.rows.push_back(std::move(row));
        return;
      }
      finish_scored_run(row, s);
      row.status = "finished";
      if (s.prior_filled > 0) {
        row.message = "given the prior " + std::to_string(prior_).substr(0, 5) + ": " + row.message;
        warn(opt_, res_, m.name + ": " + std::to_string(s.prior_filled) + " val/test video(s) " + row.message);
      }
      scores_[m.name] = std::move(s);
    } catch (const Interrupted&) {
      // Its checkpoints stay: `--resume` continues this run from the last finished epoch.
      store_->finish_run(run, store::RunStatus::interrupted);
      throw;
    } catch (const DistributedError& e) {
      // The group is broken (a rank died or hangs): no later model can train either. The run
      // keeps its checkpoints; `--resume` with the same world size continues it.
      try {
        store_->log_params(run, {{"error", e.what()}});
        store_->finish_run(run, store::RunStatus::interrupted);
      } catch (const std::exception&) {
      }
      throw;
    } catch (const std::exception& e) {
      row.status = "failed";
      row.message = e.what();
      warn(opt_, res_, "model " + m.name + " failed: " + row.message);
      try {
        store_->log_params(run, {{"error", row.message}});
        store_->finish_run(run, store::RunStatus::failed);
      } catch (const std::exception& e2) {
        warn(opt_, res_, std::string("cannot record the failure in the store: ") + e2.what());
      }
      // Distributed: a failure on one rank (a file it cannot read) would leave the others waiting
      // for a model it never trains; every rank stops instead (the launcher stops the rest).
      if (opt_.group && opt_.group->world_size() > 1) throw;
    }
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    res_.rows.push_back(std::move(row));
  }

  std::unique_ptr<SampleSource> make_source(const ModelEntry& m, const InputSpec& in,
                                            const std::vector<const VideoItem*>& items,
                                            std::optional<InputNormalisation> norm) {
    std::map<std::string, int> index;
    for (std::size_t i = 0; i < items.size(); ++i) index[items[i]->id] = static_cast<int>(i);
    auto video_of = [&](const VideoItem* it) {
      SourceVideo v{it->id, it->label, -1};
      if (it->original) {
        auto o = index.find(*it->original);
        if (o != index.end()) v.original = o->second;
      }
      return v;
    };
    if (m.modality == "video") {
      if (exp_.detector.plugin.empty() || !exp_.video.boolean("enabled"))
        throw std::invalid_argument("a video model needs [video] enabled = true and a detector");
      if (in.modality == Modality::audio || in.channels != 3)
        throw std::invalid_argument("model plugin " + m.model.plugin + " takes " + in.describe() +
                                    ", not 3-channel face crops: is modality = \"video\" right?");
      if (!face_cache_) {
        face_cache_ = std::make_unique<FaceCache>(cache_dir(exp_, "faces"));
        face_params_ = face_cache_params(exp_);
      }
      std::vector<FaceCropEntry> entries;
      for (const VideoItem* it : items) entries.push_back(face_crop_entry(video_of(it), *face_cache_, it->path, face_params_));
      return std::make_unique<FaceCropSource>(std::move(entries), static_cast<int>(in.height), static_cast<int>(in.width),
                                              in.modality == Modality::sequence ? static_cast<int>(in.frames) : 1);
    }
    if (m.modality == "av") {
      // The audio windows' shape is the model's own (AvModel::audio_shape), beside its InputSpec.
      const std::unique_ptr<Model> probe = reg_.create<Model>(kind::model, m.model.plugin, m.model.params);
      const auto* av = dynamic_cast<const AvModel*>(probe.get());
      if (!av)
        throw std::invalid_argument("model plugin " + m.model.plugin + " takes " + in.describe() +
                                    ", not mouth stacks with their audio: is modality = \"av\" right?");
      if (!exp_.wants_av() || exp_.detector.plugin.empty())
        throw std::invalid_argument("an av model needs [av] enabled = true and [video] face crops");
      if (in.frames != exp_.av.integer("stack"))
        throw std::invalid_argument("model plugin " + m.model.plugin + " takes stacks of " + std::to_string(in.frames) +
                                    " mouth crops, but [av] stack = " + std::to_string(exp_.av.integer("stack")));
      std::vector<AvSampleEntry> entries;
      for (const VideoItem* it : items) entries.push_back(av_sample_entry(video_of(it), av_cache(), it->path, av_params_));
      const std::vector<std::int64_t> audio = av->audio_shape(1);
      return std::make_unique<AvSampleSource>(std::move(entries), *av_cache_, av_params_, static_cast<int>(in.frames),
                                              static_cast<int>(in.height), static_cast<int>(in.width),
                                              static_cast<int>(audio[2]), static_cast<int>(audio[3]), norm);
    }
    if (in.modality != Modality::audio)
      throw std::invalid_argument("model plugin " + m.model.plugin + " takes " + in.describe() +
                                  ", not audio features: is modality = \"audio\" right?");
    if (exp_.audio_feature.plugin.empty() || !exp_.audio.boolean("enabled"))
      throw std::invalid_argument("an audio model needs [audio] enabled = true and a feature");
    if (!feature_) {
      if (exp_.audio_feature.params.has("to_db") && !exp_.audio_feature.params.boolean("to_db"))
        warn(opt_, res_, exp_.file + ": [audio] feature " + exp_.audio_feature.plugin +
                             " has to_db = false: audio models get a power spectrogram; most want to_db = true (log-mel)");
      feature_ = reg_.create<AudioFeature>(kind::audio_feature, exp_.audio_feature.plugin, exp_.audio_feature.params);
      feature_cache_ = std::make_unique<FeatureCache>(cache_dir(exp_, "audio"));
      decode_ = audio_decode_options(exp_, *feature_);
    }
    const bool silence = exp_.audio.string("no_audio") == "silence";
    std::vector<AudioFeatureEntry> entries;
    for (const VideoItem* it : items) {
      AudioFeatureEntry e;
      e.video = video_of(it);
      auto p = prep_.find(it->id);
      const std::string status = p == prep_.end() ? "unknown" : p->second->audio_status;
      if (status == "ok") {
        try {
          e.cache_key = FeatureCache::key(file_identity(it->path), *feature_, decode_);
        } catch (const std::exception& ex) {
          e.missing_reason = ex.what();
        }
      } else if (status == "no_audio_stream" && silence) {
        e.silent = true;
      } else {
        e.missing_reason = "audio " + status + (p == prep_.end() || p->second->audio_message.empty() ? "" : ": " + p->second->audio_message);
      }
      entries.push_back(std::move(e));
    }
    return std::make_unique<AudioFeatureSource>(std::move(entries), *feature_cache_, static_cast<int>(in.height),
                                                static_cast<int>(in.width), norm, feature_->silence());
  }

  // `[[models]] pretrained`: every backbone tensor must find its weights, or the run stops here
  // (a half-loaded network trains from an unknown starting point).
  void load_pretrained(const ModelEntry& m, Model& model, std::int64_t run_id) {
    stage(opt_, m.name + ": pretrained weights from " + m.pretrained);
    const WeightLoadReport r = load_pretrained_weights(model, read_weight_file(m.pretrained));
    if (!r.complete())
      throw std::runtime_error(m.name + ": " + m.pretrained + " does not fill " + m.model.plugin + " (" + r.mode + "; check with `dflab model load-check " +
                               m.model.plugin + " " + m.pretrained + "`):\n" + describe_problems(r));
    for (const std::string& note : r.notes) stage(opt_, "  " + note);
    store_->log_params(run_id, {{"pretrained", m.pretrained},
                                {"pretrained_format", r.format},
                                {"pretrained_matched", std::to_string(r.matched.size()) + " tensors " + r.mode}});
  }

  // Trains one model on `train`, validates on `val`, scores `val` and `test` (prior-filled).
  void fit_fold(const ModelEntry& m, ResultRow& row, const std::vector<const VideoItem*>& train,
                const std::vector<const VideoItem*>& val, const std::vector<const VideoItem*>& test,
                const std::string& ckpt_dir, const std::string& split_suffix, bool resume,
                std::map<std::string, double>& val_out, std::map<std::string, std::vector<double>>& test_out,
                int& prior_filled, FrameScores& val_frames, std::map<std::string, std::vector<std::vector<double>>>& test_frames,
                SyncCurves* sync) {
    torch::manual_seed(seed_);
    std::unique_ptr<Model> model = reg_.create<Model>(kind::model, m.model.plugin, m.model.params);
    if (!m.pretrained.empty()) load_pretrained(m, *model, row.run_id);
    row.n_parameters = model->n_parameters();
    store_->log_params(row.run_id, {{"n_parameters", std::to_string(row.n_parameters)}});
    const InputSpec in = model->input();
    std::unique_ptr<SampleSource> train_src = make_source(m, in, train, std::nullopt);
    std::unique_ptr<SampleSource> val_src = val.empty() ? nullptr : make_source(m, in, val, train_src->normalisation());
    std::vector<std::unique_ptr<Augmentation>> augs;
    std::vector<const Augmentation*> aug_ptrs;
    for (const PluginChoice& a : m.augment) {
      augs.push_back(reg_.create<Augmentation>(kind::augmentation, a.plugin, a.params));
      aug_ptrs.push_back(augs.back().get());
    }
    std::unique_ptr<Aggregator> agg = reg_.create<Aggregator>(kind::aggregator, m.aggregate.plugin, m.aggregate.params);
    TrainSettings ts = TrainSettings::from(m.train, seed_);
    Trainer trainer(*model, *train_src, val_src.get(), *agg, ts, aug_ptrs, ckpt_dir);
    const bool distributed = opt_.group && opt_.group->world_size() > 1;
    if (distributed) trainer.distribute(opt_.group);
    // What training runs on, not what was asked for (device "auto", mixed_precision on a CPU).
    const PredictSettings used = trainer.predict_settings();
    store_->log_params(row.run_id, {{"device", used.device.str()},
                                    {"dtype", compute_dtype(used)},
                                    {"threads", std::to_string(torch_runtime().intra_op_threads)},
                                    {"world_size", std::to_string(distributed ? opt_.group->world_size() : 1)},
                                    {"backend", distributed ? opt_.group->backend() : "none"}});
    trainer.on_step = [&](int epoch, std::size_t step, std::size_t steps, double loss) {
      if (opt_.callbacks.on_train_step) opt_.callbacks.on_train_step(m.name, epoch, ts.epochs, step, steps, loss);
    };
    trainer.on_epoch = [&](const EpochReport& e) {
      std::vector<store::EpochMetric> em = {{"train" + split_suffix, "loss", e.train_loss},
                                            {"train" + split_suffix, "lr", e.lr},
                                            {"train" + split_suffix, "seconds", e.seconds}};
      if (e.val_logloss) em.push_back({"val" + split_suffix, "logloss", e.val_logloss});
      if (e.val_auc) em.push_back({"val" + split_suffix, "auc", e.val_auc});
      if (distributed) em.push_back({"train" + split_suffix, "allreduce_seconds", e.allreduce_seconds});
      store_->log_epoch_metrics(row.run_id, e.epoch, em);
      if (opt_.callbacks.on_epoch) opt_.callbacks.on_epoch(m.name, e);
    };
    // Rank 0 may have spent long alone (predicting the previous model, or preprocessing): meet
    // here under the store's long wait, not in the first collective with its short timeout.
    if (distributed) opt_.group->rendezvous("fit " + m.name + split_suffix);
    const TrainResult tr = trainer.fit(resume);
    if (follower()) return;   // rank 0 predicts val and test and logs them
    store_->log_params(row.run_id, {{"best_epoch" + split_suffix, std::to_string(tr.best_epoch)},
                                    {"epochs_run" + split_suffix, std::to_string(tr.epochs_run)},
                                    {"stopped_early" + split_suffix, tr.stopped_early ? "true" : "false"}});
    store_->add_artifact(row.run_id, "checkpoint", tr.best_checkpoint, tr.best_checkpoint_sha256);
    const PredictSettings ps = trainer.predict_settings();
    auto fill = [&](const std::vector<VideoScore>& scores, auto&& put) {
      for (const VideoScore& v : scores) {
        if (!v.score) {
          ++prior_filled;
          row.message += std::string(row.message.empty() ? "" : "; ") + v.id + ": " + v.missing_reason;
        }
        put(v.id, v.score.value_or(prior_));
      }
    };
    if (val_src) {
      const std::vector<VideoScore> scores = predict_videos(*model, *val_src, *agg, ps);
      fill(scores, [&](const std::string& id, double s) { val_out[id] = s; });
      for (const VideoScore& v : scores)
        if (!v.unit_scores.empty()) val_frames[v.id] = v.unit_scores;
    }
    if (!test.empty()) {
      std::unique_ptr<SampleSource> test_src = make_source(m, in, test, train_src->normalisation());
      const std::vector<VideoScore> scores = predict_videos(*model, *test_src, *agg, ps);
      fill(scores, [&](const std::string& id, double s) { test_out[id].push_back(s); });
      for (const VideoScore& v : scores)
        if (!v.unit_scores.empty()) test_frames[v.id].push_back(v.unit_scores);
    }
    if (sync) {
      // A video without a curve has no unit either (both need a stack of mouths): it is already
      // prior-filled above and stays so in apply_sync_score.
      std::vector<std::string> reasons;
      const auto val_curves = sync_curves_of(*model, train_src->normalisation(), val, ts.sync_max_offset, ps.device, reasons);
      for (std::size_t i = 0; i < val.size(); ++i)
        if (val_curves[i]) sync->val[val[i]->id] = *val_curves[i];
      const auto test_curves = sync_curves_of(*model, train_src->normalisation(), test, ts.sync_max_offset, ps.device, reasons);
      for (std::size_t i = 0; i < test.size(); ++i)
        if (test_curves[i]) sync->test[test[i]->id].push_back(*test_curves[i]);
    }
  }

  // score = "sync" can only be calibrated with real and fake validation videos: say so before training.
  void check_sync_validation(const ModelEntry& m, const std::vector<const VideoItem*>& val) const {
    int n[2] = {0, 0};
    for (const VideoItem* it : val)
      if (it->label) ++n[*it->label ? 1 : 0];
    if (!n[0] || !n[1])
      throw std::runtime_error(m.name + ": score = \"sync\" calibrates the offset search on the validation videos, which "
                               "need real and fake ones (" + std::to_string(n[0]) + " real, " + std::to_string(n[1]) +
                               " fake); set [data] val_fraction (or folds), or score = \"units\"");
  }

  // score = "sync": the val and test scores become P(fake) from each video's offset curve, by a
  // logistic calibration fitted on the validation curves (out-of-fold with k folds) and stored
  // with the run (predict applies it). A test video's score is the mean over the folds' models.
  void apply_sync_score(const ModelEntry& m, ResultRow& row, ScoreSet& s, const SyncCurves& c) {
    std::vector<SyncCurve> curves;
    std::vector<int> labels;
    for (const auto& [id, curve] : c.val)
      if (const VideoItem* it = ds_.find(id); it && it->label) {
        curves.push_back(curve);
        labels.push_back(*it->label);
      }
    SyncCalibration cal;
    try {
      cal = SyncCalibration::fit(curves, labels);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(m.name + ": score = \"sync\": " + e.what());
    }
    store_->log_params(row.run_id, {{"sync_calibration", cal.to_json()}});
    for (auto& [id, v] : s.val)
      if (auto it = c.val.find(id); it != c.val.end()) v = cal.score(it->second);
    for (auto& [id, v] : s.test)
      if (auto it = c.test.find(id); it != c.test.end()) {
        double sum = 0.0;
        for (const SyncCurve& curve : it->second) sum += cal.score(curve);
        v = sum / static_cast<double>(it->second.size());
      }
  }

  ScoreSet train_and_predict(const ModelEntry& m, ResultRow& row, bool continuing) {
    std::vector<std::pair<std::string, std::string>> params = {{"experiment_file", fs::absolute(exp_.file).string()},
                                                               {"prior", std::to_string(prior_)},
                                                               {"modality", m.modality},
                                                               {"model", m.model.plugin},
                                                               {"aggregate", m.aggregate.plugin + " " + m.aggregate.params.canonical()},
                                                               {"description", exp_.experiment.string("description")}};
    for (const auto& [k, v] : m.model.params.values()) params.push_back({"model." + k, format_value(v)});
    for (const auto& [k, v] : m.train.values()) params.push_back({"train." + k, format_value(v)});
    std::string augment;
    for (const PluginChoice& a : m.augment) augment += (augment.empty() ? "" : ", ") + a.plugin;
    params.push_back({"augment", augment});
    for (auto& p : protocol_params()) params.push_back(std::move(p));
    store_->log_params(row.run_id, params);
    if (m.train.boolean("mixed_precision") && !resolve_device(m.train.string("device")).is_cuda())
      warn(opt_, res_, exp_.file + ":" + std::to_string(m.line) + ": model " + m.name +
                           ": mixed_precision = true has no effect on CPU (bfloat16 autocast is CUDA only); "
                           "training in float32");

    // One folder per run: a later run of the same model never overwrites the checkpoints that an
    // earlier run's predictions (and `dflab predict --run`) rest on.
    const fs::path ckpt =
        fs::path(exp_.experiment.string("work_dir")) / "checkpoints" / m.name / ("run-" + std::to_string(checkpoint_run_id_));
    ScoreSet s;
    std::map<std::string, std::vector<double>> test_scores;
    std::map<std::string, std::vector<std::vector<double>>> test_frames;   // per fold
    const int folds = static_cast<int>(exp_.data.integer("folds"));
    SyncCurves sync_curves;
    SyncCurves* sync = m.train.string("score") == "sync" ? &sync_curves : nullptr;
    if (sync) {
      std::vector<const VideoItem*> val = lists_.val;
      if (folds > 1) val.insert(val.end(), lists_.train.begin(), lists_.train.end());   // out-of-fold
      check_sync_validation(m, val);
    }
    if (folds <= 1) {
      fit_fold(m, row, lists_.train, lists_.val, lists_.test, ckpt.string(), "", continuing, s.val, test_scores,
               s.prior_filled, s.val_frames, test_frames, sync);
    } else {
      // k-fold over train + val: out-of-fold validation scores, test = mean of the k models.
      std::vector<VideoItem> pool;
      for (const VideoItem* it : lists_.train) pool.push_back(*it);
      for (const VideoItem* it : lists_.val) pool.push_back(*it);
      const std::vector<int> fold = assign_folds(pool, folds, seed_);
      for (int f = 0; f < folds; ++f) {
        std::vector<const VideoItem*> tr, va;
        for (std::size_t i = 0; i < pool.size(); ++i) (fold[i] == f ? va : tr).push_back(ds_.find(pool[i].id));
        fit_fold(m, row, tr, va, lists_.test, (ckpt / ("fold" + std::to_string(f + 1))).string(),
                 "_fold" + std::to_string(f + 1), continuing, s.val, test_scores, s.prior_filled, s.val_frames,
                 test_frames, sync);
      }
    }
    for (const auto& [id, v] : test_scores) s.test[id] = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    if (sync && !follower()) apply_sync_score(m, row, s, *sync);
    // A test frame's score is the mean over the k models, as the video's is (the units of a video
    // are the same for every fold; should they differ, the folds' frames are pooled).
    for (const auto& [id, per_fold] : test_frames) {
      std::vector<double>& out = s.test_frames[id];
      const bool same = std::all_of(per_fold.begin(), per_fold.end(),
                                    [&](const std::vector<double>& f) { return f.size() == per_fold[0].size(); });
      if (!same) {
        for (const auto& f : per_fold) out.insert(out.end(), f.begin(), f.end());
        continue;
      }
      out.assign(per_fold[0].size(), 0.0);
      for (const auto& f : per_fold)
        for (std::size_t i = 0; i < f.size(); ++i) out[i] += f[i] / static_cast<double>(per_fold.size());
    }
    return s;
  }

  // ---- fusion ------------------------------------------------------------------------------
  void run_fusion(const std::string& name, const PluginChoice& f) {
    ResultRow row;
    row.name = run_name(name);
    row.entry = name;
    row.held_out_source = held_out_;
    row.kind = "fusion";
    row.plugin = f.plugin;
    row.modality = "fused";
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> models;
    for (const ModelEntry& m : exp_.models)
      if (scores_.count(m.name)) models.push_back(m.name);
    if (models.size() < 2) {
      row.status = "skipped";
      row.message = "needs at least two models with scores (have " + std::to_string(models.size()) + ")";
      warn(opt_, res_, row.name + " skipped: " + row.message);
      res_.rows.push_back(std::move(row));
      return;
    }
    std::map<std::string, std::string> input_hashes;
    for (const std::string& mname : models) input_hashes[mname] = settings_hash_[mname];
    row.run_id = open_run(row.name, f.plugin, "fused", store::RunKind::fusion, fusion_run_settings(f, input_hashes)).id;
    try {
      std::string inputs;   // run names: `dflab predict` finds the input runs by them
      for (const auto& m : models) inputs += (inputs.empty() ? "" : ",") + run_name(m);
      store_->log_params(row.run_id, {{"inputs", inputs},
                                      {"fusion", f.plugin + " " + f.params.canonical()},
                                      {"experiment_file", fs::absolute(exp_.file).string()},
                                      {"prior", std::to_string(prior_)},
                                      {"description", exp_.experiment.string("description")}});
      store_->log_params(row.run_id, protocol_params());
      auto matrix = [&](const std::vector<const VideoItem*>& items, bool val) {
        ScoreMatrix sm(models.size());
        for (std::size_t k = 0; k < models.size(); ++k)
          for (const VideoItem* it : items) {
            const auto& by_id = val ? scores_[models[k]].val : scores_[models[k]].test;
            auto s = by_id.find(it->id);
            sm[k].push_back(s == by_id.end() ? prior_ : s->second);
          }
        return sm;
      };
      const ScoreMatrix val = matrix(scored_val_, true);
      const ScoreMatrix test = matrix(lists_.test, false);
      std::vector<int> labels;
      for (const VideoItem* it : scored_val_) labels.push_back(*it->label);
      if (labels.empty()) throw std::invalid_argument("fusion needs validation videos to fit and score on");
      ScoreSet s;
      // Out-of-fold validation scores: fit on 4/5 of the validation videos, fuse the other 1/5.
      std::vector<double> oof(labels.size(), prior_);
      const int k = 5;
      std::vector<int> fold(labels.size());
      {
        std::vector<std::size_t> by_class[2];
        for (std::size_t i = 0; i < labels.size(); ++i) by_class[labels[i] != 0].push_back(i);
        std::mt19937_64 rng(seed_);
        for (auto& c : by_class) {
          std::shuffle(c.begin(), c.end(), rng);
          for (std::size_t j = 0; j < c.size(); ++j) fold[c[j]] = static_cast<int>(j % k);
        }
      }
      for (int fo = 0; fo < k; ++fo) {
        ScoreMatrix fit_s(models.size()), out_s(models.size());
        std::vector<int> fit_l;
        std::vector<std::size_t> out_i;
        for (std::size_t i = 0; i < labels.size(); ++i) {
          const bool out = fold[i] == fo;
          for (std::size_t mm = 0; mm < models.size(); ++mm) (out ? out_s : fit_s)[mm].push_back(val[mm][i]);
          if (out) out_i.push_back(i);
          else fit_l.push_back(labels[i]);
        }
        if (out_i.empty()) continue;
        std::unique_ptr<Fusion> fusion = reg_.create<Fusion>(kind::fusion, f.plugin, f.params);
        const bool both = std::count(fit_l.begin(), fit_l.end(), 1) > 0 && std::count(fit_l.begin(), fit_l.end(), 0) > 0;
        if (both) fusion->fit(fit_s, fit_l);
        else fusion->fit(val, labels);   // too few videos for a fold with both classes: in-sample
        const std::vector<double> fused = fusion->fuse(out_s);
        for (std::size_t j = 0; j < out_i.size(); ++j) oof[out_i[j]] = fused[j];
      }
      for (std::size_t i = 0; i < labels.size(); ++i) s.val[scored_val_[i]->id] = oof[i];
      if (!lists_.test.empty()) {
        std::unique_ptr<Fusion> fusion = reg_.create<Fusion>(kind::fusion, f.plugin, f.params);
        fusion->fit(val, labels);
        const std::vector<double> fused = fusion->fuse(test);
        for (std::size_t i = 0; i < fused.size(); ++i) s.test[lists_.test[i]->id] = fused[i];
      }
      finish_scored_run(row, s);
      row.status = "finished";
      scores_[name] = std::move(s);
    } catch (const Interrupted&) {
      store_->finish_run(row.run_id, store::RunStatus::interrupted);
      throw;
    } catch (const std::exception& e) {
      row.status = "failed";
      row.message = e.what();
      warn(opt_, res_, row.name + " failed: " + row.message);
      store_->log_params(row.run_id, {{"error", row.message}});
      store_->finish_run(row.run_id, store::RunStatus::failed);
    }
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    res_.rows.push_back(std::move(row));
  }

  // Per-video preprocessing outcomes (and skipped dataset rows) for the report's dataset section.
  void log_videos() {
    std::unique_ptr<FaceCache> cache;
    std::string params;
    if (exp_.has_video_models() && !res_.preprocess.face_cache_dir.empty()) {
      cache = std::make_unique<FaceCache>(res_.preprocess.face_cache_dir);
      params = face_cache_params(exp_);
    }
    std::vector<store::VideoRecord> records;
    for (const VideoItem& it : ds_.items) {
      store::VideoRecord r;
      r.video = it.id;
      r.split = it.split;
      r.label = it.label;
      r.source = it.source;
      auto p = prep_.find(it.id);
      if (p != prep_.end()) {
        r.video_status = p->second->video_status;
        r.video_message = p->second->video_message;
        r.audio_status = p->second->audio_status;
        r.audio_message = p->second->audio_message;
      }
      if (cache) {
        std::optional<FaceCache::Index> idx = cache->index(it.path, params);
        if (idx && !idx->crop_files.empty()) r.thumbnail = idx->crop_files[idx->crop_files.size() / 2];
      }
      records.push_back(std::move(r));
    }
    for (const SkippedItem& sk : ds_.skipped) {
      if (sk.id.empty()) continue;
      store::VideoRecord r;
      r.video = sk.id;
      r.split = "skipped";
      r.video_status = "skipped";
      r.video_message = sk.to_string();
      r.audio_status = "skipped";
      records.push_back(std::move(r));
    }
    try {
      store_->log_videos(experiment_id_, records);
    } catch (const std::exception& e) {
      warn(opt_, res_, std::string("cannot log per-video outcomes: ") + e.what());
    }
  }

  void write_html_report() {
    if (!exp_.output.boolean("write_report")) return;
    std::string path = exp_.output.string("report");
    if (path.empty()) path = (fs::path(exp_.experiment.string("work_dir")) / "report.html").string();
    stage(opt_, "report");
    try {
      reports::ReportOptions ro;
      ro.experiment = res_.experiment;
      ro.seed = seed_;
      ro.generator = "dflab " + opt_.version;
      const reports::ReportSummary s = reports::write_report(*store_, ro, path);
      for (const std::string& w : s.warnings) warn(opt_, res_, "report: " + w);
      res_.report = path;
    } catch (const std::exception& e) {
      warn(opt_, res_, "the HTML report was not written: " + std::string(e.what()));
    }
  }

  // ---- outputs -----------------------------------------------------------------------------
  void write_submission() {
    if (lists_.test.empty()) return;
    std::string chosen = exp_.output.string("submit");
    if (!chosen.empty() && !scores_.count(chosen)) {
      warn(opt_, res_, "[output] submit = \"" + chosen + "\" has no scores (unknown or failed run); choosing automatically");
      chosen.clear();
    }
    if (chosen.empty())
      for (const ResultRow& r : res_.rows)
        if (r.kind == "fusion" && scores_.count(r.name)) {
          chosen = r.name;
          break;
        }
    if (chosen.empty()) {
      double best = std::numeric_limits<double>::infinity();
      for (const ResultRow& r : res_.rows) {
        auto it = r.val.find("logloss");
        const double v = it != r.val.end() && it->second ? *it->second : std::numeric_limits<double>::max();
        if (r.kind == "model" && scores_.count(r.name) && v < best) {
          best = v;
          chosen = r.name;
        }
      }
    }
    if (chosen.empty()) {
      warn(opt_, res_, "no model produced test scores: prediction.csv not written");
      return;
    }
    std::string path = exp_.output.string("prediction_csv");
    if (path.empty()) path = (fs::path(exp_.experiment.string("work_dir")) / "prediction.csv").string();
    std::vector<std::pair<std::string, double>> rows;
    std::vector<std::string> missing;
    const auto& test = scores_[chosen].test;
    for (const VideoItem* it : lists_.test) {
      auto s = test.find(it->id);
      if (s == test.end()) missing.push_back(it->id);
      rows.push_back({it->id, s == test.end() ? prior_ : s->second});
    }
    if (!missing.empty()) {
      std::string list;
      for (std::size_t i = 0; i < missing.size() && i < 10; ++i) list += (i ? ", " : "") + missing[i];
      warn(opt_, res_, std::to_string(missing.size()) + " test video(s) given the prior " + std::to_string(prior_) + ": " + list);
    }
    const auto clip = exp_.output.reals("clip");
    write_prediction_csv(path, exp_.output.string("format"), rows, clip[0], clip[1]);
    res_.prediction_csv = path;
    res_.submitted = chosen;
    for (const ResultRow& r : res_.rows)
      if (r.name == chosen && r.run_id) store_->add_artifact(r.run_id, "prediction_csv", path);
  }

  const ExperimentConfig& exp_;
  const Registry& reg_;
  int pre_threads_ = 0;
  LoadedModels* loaded_models_ = nullptr;   // RunPredictor's models, kept between predict calls
  const RunnerOptions& opt_;
  std::uint64_t seed_;
  ExperimentResult res_;
  Dataset ds_;
  ItemLists lists_;
  std::vector<const VideoItem*> scored_val_;
  std::vector<SourceFold> folds_;        // leave_one_source_out; lists_ point into them
  std::string held_out_;                 // the source of the fold being run; "" under "splits"
  bool multi_source_ = false;            // the dataset has more than one source: log per-source metrics
  double prior_ = 0.5;
  std::map<std::string, const VideoPrep*> prep_;
  std::unique_ptr<RunStore> store_;
  std::int64_t checkpoint_run_id_ = 0;   // the run whose checkpoint folder training uses (rank 0's id)
  bool follower() const { return opt_.group && opt_.group->rank() != 0; }
  store::ExperimentId experiment_id_ = 0;
  std::map<std::string, ScoreSet> scores_;
  std::map<std::string, std::string> settings_hash_;   // model name -> its settings hash
  std::unique_ptr<FaceCache> face_cache_;
  std::string face_params_;
  std::unique_ptr<AvCache> av_cache_;
  std::string av_params_;
  std::unique_ptr<AudioFeature> feature_;
  std::unique_ptr<FeatureCache> feature_cache_;
  AudioDecodeOptions decode_;
};

}  // namespace

ExperimentConfig load_run_experiment(const store::RunStore& store, store::RunId run, Registry& registry) {
  const store::RunDetail detail = store.get_run(run);
  const std::string ref = detail.run.experiment + "/" + detail.run.name;
  std::string file;
  for (const auto& [k, v] : detail.params)
    if (k == "experiment_file") file = v;
  if (file.empty()) throw std::runtime_error("run " + ref + " records no experiment file (not made by `dflab run`)");
  // The config stored with the run, not the file as it is now: an edited file must not change
  // what a trained run means. Relative paths still resolve against the file's folder.
  if (detail.config_toml.empty()) throw std::runtime_error("run " + ref + " stores no config (not made by `dflab run`)");
  return load_experiment_text(detail.config_toml, file, registry);
}

const ModelEntry& model_entry_of_run(const ExperimentConfig& exp, const store::RunDetail& detail) {
  std::string held_out;
  for (const auto& [k, v] : detail.params)
    if (k == "held_out_source") held_out = v;
  for (const ModelEntry& e : exp.models)
    if (e.name == detail.run.name || (!held_out.empty() && detail.run.name == e.name + "@" + held_out)) return e;
  throw std::runtime_error(detail.run.name + ": the run's stored config has no model of that name");
}

struct RunPredictor::State {
  Registry& registry;
  PredictRequest base;
  std::unique_ptr<RunStore> store;   // none for a checkpoint
  store::RunId run = 0;
  ExperimentConfig exp;
  LoadedModels models;
};

RunPredictor::RunPredictor(Registry& registry, const PredictRequest& request)
    : s_(std::make_unique<State>(State{registry, request, nullptr, 0, {}, {}})) {
  s_->base.videos.clear();
  if (!request.checkpoint.empty()) {
    if (request.experiment_file.empty()) throw std::runtime_error("a checkpoint needs the experiment file it was trained with");
    if (!fs::exists(request.checkpoint)) throw std::runtime_error(request.checkpoint + ": no such checkpoint");
    s_->exp = load_experiment(request.experiment_file, registry);
  } else {
    store::StoreOptions so;
    so.create = false;
    s_->store = std::make_unique<RunStore>(RunStore::open(request.db, so));
    s_->run = s_->store->resolve_run(request.run);
    s_->exp = load_run_experiment(*s_->store, s_->run, registry);
  }
  RunnerOptions options;
  options.callbacks = request.callbacks;
  ExperimentRunner runner(s_->exp, registry, options);
  runner.keep_models_in(&s_->models);
  runner.warm(s_->store.get(), s_->run, s_->base);
}

RunPredictor::~RunPredictor() = default;

std::string RunPredictor::run() const {
  if (!s_->store) return s_->base.checkpoint;
  const store::RunSummary r = s_->store->run_summary(s_->run);
  return r.experiment + "/" + r.name;
}

const ExperimentConfig& RunPredictor::experiment() const { return s_->exp; }

PredictOutcome RunPredictor::predict(const std::vector<std::string>& videos, const std::string& work_dir) {
  PredictRequest req = s_->base;
  req.videos = videos;
  ExperimentConfig scratch;
  const ExperimentConfig* exp = &s_->exp;
  if (!work_dir.empty()) {
    scratch = s_->exp;
    scratch.experiment.set("work_dir", fs::absolute(work_dir).string());
    exp = &scratch;
  }
  RunnerOptions options;
  options.callbacks = req.callbacks;
  ExperimentRunner runner(*exp, s_->registry, options);
  runner.keep_models_in(&s_->models);
  return runner.predict(s_->store.get(), s_->run, req);
}

AvSyncOutcome av_sync_with_run(Registry& registry, const AvSyncRequest& request) {
  if (request.max_offset < 0) throw std::invalid_argument("max_offset must be >= 0");
  store::StoreOptions so;
  so.create = false;
  RunStore store = RunStore::open(request.db, so);
  const store::RunId run = store.resolve_run(request.run);
  const ExperimentConfig exp = load_run_experiment(store, run, registry);
  RunnerOptions options;
  options.callbacks = request.callbacks;
  return ExperimentRunner(exp, registry, options).av_sync(store, run, request);
}

PredictOutcome predict_with_run(Registry& registry, const PredictRequest& request) {
  return RunPredictor(registry, request).predict(request.videos);
}

ExperimentResult run_experiment(const ExperimentConfig& exp, const Registry& registry, const RunnerOptions& options) {
  return ExperimentRunner(exp, registry, options).run();
}

}  // namespace dflab
