#include "reports/thumbnail.h"

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "reports/html.h"

namespace dflab::reports {

Thumbnail thumbnail_data_uri(const std::string& image_path, int max_side_px) {
  Thumbnail t;
  std::error_code ec;
  if (image_path.empty()) {
    t.problem = "no face crop recorded";
    return t;
  }
  if (!std::filesystem::is_regular_file(image_path, ec)) {
    t.problem = image_path + ": no such file";
    return t;
  }
  cv::Mat image;
  try {
    image = cv::imread(image_path, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    t.problem = image_path + ": cannot read image: " + e.what();
    return t;
  }
  if (image.empty()) {
    t.problem = image_path + ": not a readable image";
    return t;
  }
  const int side = std::max(image.cols, image.rows);
  if (max_side_px > 0 && side > max_side_px) {
    const double f = static_cast<double>(max_side_px) / side;
    cv::Mat small;
    cv::resize(image, small, cv::Size(std::max(1, static_cast<int>(image.cols * f + 0.5)),
                                      std::max(1, static_cast<int>(image.rows * f + 0.5))),
               0, 0, cv::INTER_AREA);
    image = small;
  }
  std::vector<std::uint8_t> png;
  if (!cv::imencode(".png", image, png)) {
    t.problem = image_path + ": PNG encoding failed";
    return t;
  }
  t.data_uri = "data:image/png;base64," + base64_encode(png);
  return t;
}

}  // namespace dflab::reports
