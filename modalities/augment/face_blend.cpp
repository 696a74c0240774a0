#include "modalities/augment/face_blend.h"

#include <cmath>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

namespace dflab {

PluginInfo FaceBlend::info() {
  return {kind::augmentation,
          "face_blend",
          "blending fake (Face X-ray, CVPR 2020): another real face aligned on this one's landmarks, colour-corrected "
          "and blended in through a deformed landmark-hull mask; target becomes 1 (needs a real partner)",
          {probability_param(0.5),
           ParamSpec::reals("blend_ratios", {1.0}, "mask peak, one drawn uniformly per clip").range(0.01, 1.0),
           ParamSpec::real("elastic_alpha", 50.0, "elastic deformation of the mask; 0 = off")
               .range(0.0, 1000.0)
               .with_unit("px"),
           ParamSpec::real("elastic_sigma", 7.0, "smoothing of the elastic field").range(0.5, 100.0).with_unit("px"),
           ParamSpec::boolean("colour_correction", true,
                              "match the partner's per-channel mean and std in the face region to this face's")}};
}

FaceBlend::FaceBlend(const Params& params)
    : BasicAugmentation("face_blend", params, true, false), colour_correction_(params.boolean("colour_correction")) {
  mask_.ratios = params.reals("blend_ratios");
  if (mask_.ratios.empty())
    throw std::invalid_argument((params.origin.empty() ? "" : params.origin + ": ") +
                                "face_blend: blend_ratios needs at least one value");
  mask_.elastic_alpha = params.real("elastic_alpha");
  mask_.elastic_sigma = params.real("elastic_sigma");
}

namespace {

// The partner frame moved so its landmarks lie on `to` (least-squares similarity); as it is when
// either side lacks landmarks, their counts differ, or the points coincide.
cv::Mat aligned_partner(const cv::Mat& partner, const std::vector<cv::Point2f>& from,
                        const std::vector<cv::Point2f>& to) {
  if (from.size() < 2 || from.size() != to.size()) return partner;
  // Closed-form least squares for x' = [a -b; b a] x + t on centred points (Umeyama without
  // reflection): a = sum(p.q) / sum|p|^2, b = sum(p x q) / sum|p|^2.
  cv::Point2d cf(0, 0), ct(0, 0);
  for (std::size_t k = 0; k < from.size(); ++k) {
    cf += cv::Point2d(from[k]);
    ct += cv::Point2d(to[k]);
  }
  cf *= 1.0 / static_cast<double>(from.size());
  ct *= 1.0 / static_cast<double>(to.size());
  double dot = 0, cross = 0, norm = 0;
  for (std::size_t k = 0; k < from.size(); ++k) {
    const cv::Point2d p = cv::Point2d(from[k]) - cf, q = cv::Point2d(to[k]) - ct;
    dot += p.x * q.x + p.y * q.y;
    cross += p.x * q.y - p.y * q.x;
    norm += p.x * p.x + p.y * p.y;
  }
  if (norm < 1e-6) return partner;
  const double a = dot / norm, b = cross / norm;
  const cv::Mat m = (cv::Mat_<double>(2, 3) << a, -b, ct.x - (a * cf.x - b * cf.y), b, a, ct.y - (b * cf.x + a * cf.y));
  cv::Mat out;
  cv::warpAffine(partner, out, m, partner.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
  return out;
}

// Reinhard colour transfer restricted to `region` (CV_8UC1): per channel, (x - mean_s) / std_s
// * std_t + mean_t with the statistics of source and target inside the region.
cv::Mat colour_matched(const cv::Mat& source, const cv::Mat& target, const cv::Mat& region) {
  if (cv::countNonZero(region) < 2) return source;
  cv::Scalar mean_s, std_s, mean_t, std_t;
  cv::meanStdDev(source, mean_s, std_s, region);
  cv::meanStdDev(target, mean_t, std_t, region);
  cv::Mat f;
  source.convertTo(f, CV_32FC3);
  std::vector<cv::Mat> ch;
  cv::split(f, ch);
  for (int c = 0; c < 3; ++c) {
    const double gain = std_s[c] > 1e-6 ? std_t[c] / std_s[c] : 1.0;
    ch[static_cast<std::size_t>(c)] = (ch[static_cast<std::size_t>(c)] - mean_s[c]) * gain + mean_t[c];
  }
  cv::merge(ch, f);
  cv::Mat out;
  f.convertTo(out, CV_8UC3);   // rounds and saturates
  return out;
}

}  // namespace

void FaceBlend::augment(AugmentSample& s, const AugmentSample* partner, std::mt19937_64& rng) const {
  if (!partner) return;
  const BlendMaskDraw md = draw_blend_mask(rng, mask_);
  static const std::vector<cv::Point2f> kNone;
  s.blend_masks.clear();
  for (std::size_t i = 0; i < s.frames.size(); ++i) {
    const cv::Mat& target = s.frames[i];
    const std::vector<cv::Point2f>& here = s.landmarks.empty() ? kNone : s.landmarks[i];
    const std::vector<cv::Point2f>& there = partner->landmarks.empty() ? kNone : partner->landmarks[i];
    const cv::Mat region = face_region(here, target.size());
    cv::Mat source = aligned_partner(partner->frames[i], there, here);
    if (colour_correction_) source = colour_matched(source, target, region > 0.0f);
    cv::Mat mask = soft_blend_mask(region, md);
    s.frames[i] = blend_through(source, target, mask);
    s.blend_masks.push_back(std::move(mask));
  }
  s.target = 1.0f;
}

}  // namespace dflab
