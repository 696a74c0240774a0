#include "modalities/augment/blend_mask.h"

#include <algorithm>
#include <stdexcept>

#include <opencv2/imgproc.hpp>

#include "modalities/augment/augment_common.h"

namespace dflab {

int uniform_odd(std::mt19937_64& rng, int lo, int hi) {
  if (lo % 2 == 0) ++lo;
  if (hi < lo) return lo;
  return lo + 2 * static_cast<int>(uniform_int(rng, 0, (hi - lo) / 2));
}

BlendMaskDraw draw_blend_mask(std::mt19937_64& rng, const BlendMaskRanges& r) {
  if (r.ratios.empty()) throw std::invalid_argument("blend mask: no blend ratio to draw from");
  BlendMaskDraw d;
  const int h = static_cast<int>(uniform_int(rng, r.work_side.first, r.work_side.second));
  const int w = static_cast<int>(uniform_int(rng, r.work_side.first, r.work_side.second));
  d.work = cv::Size(w, h);
  d.kernel_1 = uniform_odd(rng, r.kernel.first, r.kernel.second);
  d.kernel_2 = uniform_odd(rng, r.kernel.first, r.kernel.second);
  d.sigma_2 = static_cast<double>(uniform_int(rng, r.sigma_2.first, r.sigma_2.second));
  d.ratio = r.ratios[static_cast<std::size_t>(uniform_int(rng, 0, static_cast<std::int64_t>(r.ratios.size()) - 1))];
  if (r.elastic_alpha > 0) {
    // albumentations ElasticTransform: dx, dy ~ U(-1, 1) per pixel, Gaussian-smoothed (sigma),
    // times alpha; the mask is resampled at (x + dx, y + dy). One field per clip.
    cv::Mat dx(h, w, CV_32FC1), dy(h, w, CV_32FC1);
    for (cv::Mat* m : {&dx, &dy})
      for (int y = 0; y < h; ++y) {
        float* row = m->ptr<float>(y);
        for (int x = 0; x < w; ++x) row[x] = static_cast<float>(2.0 * uniform01(rng) - 1.0);
      }
    cv::GaussianBlur(dx, dx, cv::Size(0, 0), r.elastic_sigma);
    cv::GaussianBlur(dy, dy, cv::Size(0, 0), r.elastic_sigma);
    d.map_x.create(h, w, CV_32FC1);
    d.map_y.create(h, w, CV_32FC1);
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        d.map_x.at<float>(y, x) = static_cast<float>(x + r.elastic_alpha * dx.at<float>(y, x));
        d.map_y.at<float>(y, x) = static_cast<float>(y + r.elastic_alpha * dy.at<float>(y, x));
      }
  }
  return d;
}

cv::Mat face_region(const std::vector<cv::Point2f>& lm, cv::Size size) {
  cv::Mat mask = cv::Mat::zeros(size, CV_32FC1);
  std::vector<cv::Point2f> pts = lm;
  if (pts.size() == 5) {
    cv::Point2f c(0, 0);
    for (const auto& p : pts) c += p * 0.2f;
    for (auto& p : pts) p = c + (p - c) * 1.8f;
  }
  if (pts.size() >= 3) {
    std::vector<cv::Point2f> hull_f;
    cv::convexHull(pts, hull_f);
    std::vector<cv::Point> hull;
    for (const auto& p : hull_f) hull.emplace_back(cvRound(p.x), cvRound(p.y));
    cv::fillConvexPoly(mask, hull, cv::Scalar(1.0));
    return mask;
  }
  const float w = static_cast<float>(size.width), h = static_cast<float>(size.height);
  cv::ellipse(mask, cv::Point(cvRound(0.5f * w), cvRound(0.55f * h)),
              cv::Size(std::max(1, cvRound(0.3f * w)), std::max(1, cvRound(0.38f * h))), 0.0, 0.0, 360.0,
              cv::Scalar(1.0), cv::FILLED);
  return mask;
}

cv::Mat soft_blend_mask(const cv::Mat& region, const BlendMaskDraw& d) {
  if (region.empty() || region.type() != CV_32FC1) throw std::invalid_argument("soft_blend_mask: need a CV_32FC1 region");
  cv::Mat m;
  cv::resize(region, m, d.work, 0, 0, cv::INTER_LINEAR);
  if (!d.map_x.empty()) {
    cv::Mat warped;
    cv::remap(m, warped, d.map_x, d.map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
    m = warped;
  }
  double peak = 0.0;
  // First blur, then keep only where it is at its peak: the region shrinks by about half the
  // kernel where it borders the background, so the second blur's fade starts inside the hull.
  cv::GaussianBlur(m, m, cv::Size(d.kernel_1, d.kernel_1), 0);
  cv::minMaxLoc(m, nullptr, &peak);
  if (peak <= 0.0) return cv::Mat::zeros(region.size(), CV_32FC1);
  // (with a tolerance: a blurred all-ones neighbourhood is 1 only up to float rounding)
  cv::Mat core = m >= peak * (1.0 - 1e-4);
  core.convertTo(m, CV_32FC1, 1.0 / 255.0);
  cv::GaussianBlur(m, m, cv::Size(d.kernel_2, d.kernel_2), d.sigma_2);
  cv::minMaxLoc(m, nullptr, &peak);
  if (peak <= 0.0) return cv::Mat::zeros(region.size(), CV_32FC1);
  m /= peak;
  cv::Mat out;
  cv::resize(m, out, region.size(), 0, 0, cv::INTER_LINEAR);
  cv::min(cv::max(out, 0.0), 1.0, out);
  return out * d.ratio;
}

cv::Mat blend_through(const cv::Mat& source, const cv::Mat& target, const cv::Mat& mask) {
  if (source.size() != target.size() || mask.size() != target.size() || source.type() != CV_8UC3 ||
      target.type() != CV_8UC3 || mask.type() != CV_32FC1)
    throw std::invalid_argument("blend_through: source, target (CV_8UC3) and mask (CV_32FC1) must have one size");
  cv::Mat out(target.size(), CV_8UC3);
  for (int y = 0; y < target.rows; ++y) {
    const auto* s = source.ptr<cv::Vec3b>(y);
    const auto* t = target.ptr<cv::Vec3b>(y);
    const float* m = mask.ptr<float>(y);
    auto* o = out.ptr<cv::Vec3b>(y);
    for (int x = 0; x < target.cols; ++x) {
      if (m[x] <= 0.0f) {
        o[x] = t[x];
        continue;
      }
      for (int c = 0; c < 3; ++c)
        o[x][c] = cv::saturate_cast<uchar>(static_cast<float>(t[x][c]) + m[x] * (static_cast<float>(s[x][c]) - t[x][c]));
    }
  }
  return out;
}

}  // namespace dflab
