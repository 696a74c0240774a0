#include "modalities/augment/landmark_cutout.h"

#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace dflab {

PluginInfo LandmarkCutout::info() {
  return {kind::augmentation,
          "landmark_cutout",
          "black out the eyes, nose or mouth using the landmarks (DFDC 1st place)",
          {probability_param(0.3),
           ParamSpec::strings("regions", {"eyes", "nose", "mouth"}, "regions one of which is erased per clip")
               .one_of({"eyes", "nose", "mouth"})}};
}

LandmarkCutout::LandmarkCutout(const Params& params)
    : BasicAugmentation("landmark_cutout", params, true, false), regions_(params.strings("regions")) {
  if (regions_.empty())
    throw std::invalid_argument(params.origin + (params.origin.empty() ? "" : ": ") +
                                "landmark_cutout: regions must name at least one region");
}

std::array<cv::Point2f, 5> five_points(const std::vector<cv::Point2f>& lm, cv::Size crop) {
  if (lm.empty()) {
    const float w = static_cast<float>(crop.width), h = static_cast<float>(crop.height);
    return {cv::Point2f(0.35f * w, 0.41f * h), cv::Point2f(0.65f * w, 0.41f * h), cv::Point2f(0.50f * w, 0.56f * h),
            cv::Point2f(0.39f * w, 0.72f * h), cv::Point2f(0.61f * w, 0.72f * h)};
  }
  if (lm.size() == 5) return {lm[0], lm[1], lm[2], lm[3], lm[4]};
  if (lm.size() == 68) {
    cv::Point2f le(0, 0), re(0, 0);
    for (int i = 36; i < 42; ++i) le += lm[static_cast<std::size_t>(i)] / 6.0f;
    for (int i = 42; i < 48; ++i) re += lm[static_cast<std::size_t>(i)] / 6.0f;
    return {le, re, lm[30], lm[48], lm[54]};
  }
  throw std::invalid_argument("landmark_cutout: " + std::to_string(lm.size()) +
                              " landmarks per frame; expected 5 (eyes, nose, mouth corners) or 68 (dlib)");
}

void draw_landmark_region(cv::Mat& mask, const std::array<cv::Point2f, 5>& p, const std::string& region) {
  auto dist = [](cv::Point2f a, cv::Point2f b) { return std::hypot(a.x - b.x, a.y - b.y); };
  cv::Point2f a, b;
  int dilation = 0;
  if (region == "eyes") {
    a = p[0], b = p[1];
    dilation = static_cast<int>(dist(p[0], p[1]) / 4);
  } else if (region == "nose") {
    a = p[2], b = (p[0] + p[1]) * 0.5f;
    dilation = static_cast<int>(dist(p[0], p[1]) / 4);
  } else if (region == "mouth") {
    a = p[3], b = p[4];
    dilation = static_cast<int>(dist(p[3], p[4]) / 3);
  } else {
    throw std::invalid_argument("landmark_cutout: unknown region '" + region + "'");
  }
  cv::line(mask, cv::Point(cvRound(a.x), cvRound(a.y)), cv::Point(cvRound(b.x), cvRound(b.y)), cv::Scalar(255),
           2 + 2 * dilation, cv::LINE_8);
}

void LandmarkCutout::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const std::string& region =
      regions_[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<std::int64_t>(regions_.size()) - 1))];
  static const std::vector<cv::Point2f> kNone;
  for (std::size_t i = 0; i < s.frames.size(); ++i) {
    const cv::Mat& f = s.frames[i];
    const auto pts = five_points(s.landmarks.empty() ? kNone : s.landmarks[i], f.size());
    cv::Mat mask = cv::Mat::zeros(f.size(), CV_8UC1);
    draw_landmark_region(mask, pts, region);
    cv::Mat out = f.clone();
    out.setTo(cv::Scalar::all(0), mask);
    s.frames[i] = out;
  }
}

}  // namespace dflab
