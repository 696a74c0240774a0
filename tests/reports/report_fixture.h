#pragma once
// A small stored experiment for the report tests: two model runs and one fusion on 40 val videos,
// epoch metrics for the models, final metrics as the runner stores them (metrics/ evaluate), and a
// videos table with a no_face and a no_audio_stream entry, face thumbnails (written here with
// OpenCV) and a video whose name needs HTML escaping.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/store/run_store.h"
#include "metrics/binary_metrics.h"
#include "tests/experiments/store/temp_dir.h"

namespace dflab::reports::testing {

inline const std::string k_weird_video = "weird<&>\"name'.mp4";
inline const std::string k_description = "meso4 vs mel_cnn <baseline> & \"fusion\"";

struct Fixture {
  store::testing::TempDir tmp;
  std::string db_path;
  store::RunId video_run = 0, audio_run = 0, fusion_run = 0;
  std::vector<std::string> videos;
  std::vector<int> labels;
  std::vector<double> video_scores, audio_scores, fusion_scores;
  std::string thumbnail;   // a 200 x 150 PNG

  Fixture() {
    db_path = tmp.file("runs.sqlite");
    store::RunStore s = store::RunStore::open(db_path);
    const store::ExperimentId exp = s.experiment("exp-demo");
    s.experiment("other-exp");

    // 40 videos, 16 fake. Deterministic pseudo-random scores (LCG), so no std:: distribution.
    // sklearn on the same scores (AUC, logloss): video 0.9453 0.5074, audio 0.9245 0.5679,
    // fusion 0.9349 0.4253 — so AUC and logloss rank the runs differently (fixture_metrics.py).
    std::uint64_t state = 12345;
    auto uniform = [&state] {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    for (int i = 0; i < 40; ++i) {
      videos.push_back(i == 7 ? k_weird_video : "vid_" + std::to_string(100 + i) + ".mp4");
      labels.push_back(i % 5 < 2 ? 1 : 0);
    }
    for (std::size_t i = 0; i < videos.size(); ++i) {
      const double y = labels[i];
      // video: separates well but over-confident (scores pushed to 0/1: good AUC, worse logloss).
      double v = 0.5 + (y - 0.5) * 1.2 + (uniform() - 0.5) * 1.4;
      v = std::clamp(v, 1e-4, 1 - 1e-4);
      if (i == 12) v = 1 - 1e-4;   // one confident mistake: video ranks first by AUC, not by logloss
      // audio: weaker but calibrated near 0.5.
      double a = 0.45 + (y - 0.5) * 0.2 + (uniform() - 0.5) * 0.3;
      a = std::clamp(a, 0.01, 0.99);
      if (videos[i] == k_weird_video) v = a = 0.97;   // a real video every model calls fake
      video_scores.push_back(v);
      audio_scores.push_back(a);
      fusion_scores.push_back((v + a) / 2);
    }

    video_run = log_run(s, exp, "video-cnn", "meso4", "video", store::RunKind::model, video_scores, true);
    // [experiment] description as the runner logs it: the latest run's is the one shown.
    s.log_params(video_run, {{"n_parameters", "27977"}, {"lr", "0.001"}, {"description", "an older description"}});
    audio_run = log_run(s, exp, "audio-mel", "mel_cnn", "audio", store::RunKind::model, audio_scores, true);
    s.log_params(audio_run, {{"description", k_description}});
    s.log_metrics(audio_run, "train", {{"n_parameters", 1.25e6}});
    fusion_run = log_run(s, exp, "fusion-mean", "mean", "av", store::RunKind::fusion, fusion_scores, false);

    thumbnail = tmp.file("cache/faces/ab/crop_000.png");
    std::filesystem::create_directories(tmp.file("cache/faces/ab"));
    cv::Mat img(150, 200, CV_8UC3, cv::Scalar(40, 120, 200));
    cv::circle(img, {100, 75}, 50, cv::Scalar(30, 180, 240), -1);
    cv::imwrite(thumbnail, img);

    std::vector<store::VideoRecord> recs;
    for (std::size_t i = 0; i < videos.size(); ++i) {
      store::VideoRecord r{videos[i], "val", labels[i], "ok", "", "ok", "", ""};
      if (videos[i] == k_weird_video) {
        r.video_status = "no_face";
        r.video_message = "no face track in 16 <sampled> frames";
        r.thumbnail = thumbnail;
      }
      if (i == 3) {
        r.audio_status = "no_audio_stream";
        r.audio_message = "file has no audio stream";
      }
      if (i == 12) r.thumbnail = tmp.file("cache/faces/missing.png");
      recs.push_back(r);
    }
    recs.push_back({"train_a.mp4", "train", 0, "ok", "", "ok", "", ""});
    recs.push_back({"train_b.mp4", "train", 1, "failed", "truncated file", "unreadable", "decode error", ""});
    s.log_videos(exp, recs);
  }

  store::RunId log_run(store::RunStore& s, store::ExperimentId exp, const std::string& name, const std::string& plugin,
                       const std::string& modality, store::RunKind kind, const std::vector<double>& scores,
                       bool epochs) {
    const store::RunId run = s.begin_run({exp, name, plugin, modality, kind, "", 42, "0.1.0"});
    const double speed = modality == "video" ? 1.0 : 0.6;   // distinct curves per run
    if (epochs)
      for (int e = 0; e < 5; ++e)
        s.log_epoch_metrics(run, e, {{"train", "loss", 0.69 * std::exp(-0.35 * speed * e)},
                                     {"val", "logloss", 0.69 - 0.2 * speed * std::log1p(e)},
                                     {"val", "auc", 0.55 + 0.4 * speed * (1 - std::exp(-0.6 * e))}});
    const BinaryReport r = evaluate(labels, scores);
    std::vector<store::Metric> metrics;
    for (const auto& m : r.metrics) metrics.push_back({m.name, m.value, m.note});
    s.log_metrics(run, "val", metrics);
    std::vector<store::Prediction> preds;
    for (std::size_t i = 0; i < videos.size(); ++i) preds.push_back({videos[i], labels[i], scores[i]});
    s.log_predictions(run, "val", preds);
    s.finish_run(run, store::RunStatus::finished);
    return run;
  }
};

}  // namespace dflab::reports::testing
