#include "metrics/frame_auc.h"

#include <stdexcept>
#include <string>

#include "metrics/binary_input.h"
#include "metrics/roc.h"

namespace dflab {

MetricResult frame_level_auc(const std::vector<int>& video_labels,
                             const std::vector<std::vector<double>>& frame_scores) {
  if (video_labels.size() != frame_scores.size())
    throw std::invalid_argument("frame_level_auc: " + std::to_string(video_labels.size()) + " labels but " +
                                std::to_string(frame_scores.size()) + " videos of frame scores");
  std::vector<int> labels;
  std::vector<double> scores;
  std::size_t n_videos = 0;
  for (std::size_t v = 0; v < video_labels.size(); ++v) {
    if (!frame_scores[v].empty()) ++n_videos;
    for (double s : frame_scores[v]) {
      labels.push_back(video_labels[v]);
      scores.push_back(s);
    }
  }
  MetricResult r{"frame_auc", std::nullopt, ""};
  if (labels.empty()) {
    r.note = "undefined: no frame scores";
    return r;
  }
  const ClassCounts counts = check_binary_input(labels, scores, "frame_level_auc");
  r.note = std::to_string(labels.size()) + " frames of " + std::to_string(n_videos) + " videos";
  if (!counts.both_classes()) r.note = std::string(kOneClassNote) + " (" + r.note + ")";
  else r.value = roc_auc(labels, scores);
  return r;
}

}  // namespace dflab
