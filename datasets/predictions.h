#pragma once
// Prediction files as challenges take them: FFDV `video_name,score` and DFDC `filename,label`
// (the "label" of a DFDC submission is the probability of FAKE). Header optional.
//
//   PredictionList p = read_predictions("prediction.csv");   // throws ConfigError with every bad line
//   for (const Prediction& x : p.items) scores[x.id] = x.score;

#include <string>
#include <vector>

#include "datasets/dataset.h"

namespace dflab {

struct Prediction {
  std::string id;     // video name as written
  double score = 0;   // probability of fake, in [0, 1]
  int line = 0;       // 1-based line in the file
};

struct PredictionList {
  std::string file;
  std::string format;                 // "ffdv" (video_name,score) or "dfdc" (filename,label)
  std::vector<Prediction> items;      // in file order
  std::vector<SkippedItem> skipped;   // bad rows under ProblemPolicy::skip
};

// Scores must be finite numbers in [0, 1]; names unique; two columns (or as many as the header).
PredictionList read_predictions(const std::string& path, ProblemPolicy policy = ProblemPolicy::stop);

}  // namespace dflab
