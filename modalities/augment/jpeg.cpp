#include "modalities/augment/jpeg.h"

#include <stdexcept>

#include <opencv2/imgcodecs.hpp>

namespace dflab {

PluginInfo JpegRecompress::info() {
  return {kind::augmentation,
          "jpeg",
          "JPEG re-compression at a random quality",
          {probability_param(0.5),
           ParamSpec::integer("quality_min", 60, "lowest JPEG quality").range(1, 100),
           ParamSpec::integer("quality_max", 100, "highest JPEG quality").range(1, 100)}};
}

JpegRecompress::JpegRecompress(const Params& params)
    : BasicAugmentation("jpeg", params, true, false),
      quality_min_(params.integer("quality_min")),
      quality_max_(params.integer("quality_max")) {
  if (quality_min_ > quality_max_)
    throw std::invalid_argument(params.origin + (params.origin.empty() ? "" : ": ") +
                                "jpeg: quality_min must be <= quality_max");
}

void JpegRecompress::augment(AugmentSample& s, const AugmentSample*, std::mt19937_64& rng) const {
  const int quality = static_cast<int>(uniform_int(rng, quality_min_, quality_max_));
  std::vector<uchar> buf;
  for (cv::Mat& f : s.frames) {
    if (!cv::imencode(".jpg", f, buf, {cv::IMWRITE_JPEG_QUALITY, quality}))
      throw std::runtime_error("jpeg: cv::imencode failed");
    cv::Mat out = cv::imdecode(buf, cv::IMREAD_COLOR);
    if (out.empty()) throw std::runtime_error("jpeg: cv::imdecode failed");
    f = out;
  }
}

}  // namespace dflab
