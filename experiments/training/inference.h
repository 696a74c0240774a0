#pragma once
// Scores every video of a source with a model: each unit (crop, clip, audio window) gets a
// probability of "fake", and the aggregator turns a video's unit scores into its score.
//
//   std::vector<VideoScore> s = predict_videos(*model, val_source, *aggregator, {64, 2, /*tta_flip=*/true});
//   for (const VideoScore& v : s) if (!v.score) use_prior(v.id);   // a video with no unit
//
// Flip TTA averages the probabilities of each crop and its mirror image (video only).

#include <optional>
#include <string>
#include <vector>

#include "experiments/training/sample_source.h"
#include "modalities/aggregators/aggregator.h"
#include "modalities/models/model.h"

namespace dflab {

struct PredictSettings {
  int batch = 32;
  int workers = 2;
  bool tta_flip = false;
  bool sequence = false;          // the model eats [N,T,3,H,W] clips
  torch::Device device = torch::kCPU;
  bool mixed_precision = false;   // bfloat16 autocast, CUDA only (no effect on a CPU device)
};

// The dtype the model computes in with these settings: "bfloat16" under autocast
// (mixed_precision on a CUDA device), else "float32". Stored with every trained run.
std::string compute_dtype(const PredictSettings& settings);

struct VideoScore {
  std::string id;
  std::optional<int> label;
  std::optional<double> score;    // nullopt: the video had no unit (see missing_reason)
  std::vector<double> unit_scores;
  std::string missing_reason;
};

// The model is put in eval mode and left there.
std::vector<VideoScore> predict_videos(Model& model, const SampleSource& source, const Aggregator& aggregator,
                                       const PredictSettings& settings);

// "auto" -> CUDA device 0 when libtorch was built with it and a GPU is present, else CPU; "cuda"
// without a GPU throws std::runtime_error. The device has its index, so str() is "cuda:0".
torch::Device resolve_device(const std::string& name);

}  // namespace dflab
