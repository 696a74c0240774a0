#include "modalities/audio/feature_image.h"

#include <algorithm>
#include <stdexcept>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "modalities/audio/decibel.h"
#include "modalities/audio/filterbank.h"
#include "modalities/audio/stft.h"

namespace dflab {

cv::Mat feature_image(const FeatureMatrix& f, int width, int height) {
  if (f.empty()) throw std::invalid_argument("feature_image: empty feature");
  const auto [lo_it, hi_it] = std::minmax_element(f.data.begin(), f.data.end());
  const float lo = *lo_it, range = *hi_it - *lo_it;
  cv::Mat img(f.n_rows, f.n_cols, CV_8UC1, cv::Scalar(0));
  if (range > 0) {
    for (int r = 0; r < f.n_rows; ++r) {
      auto* dst = img.ptr<unsigned char>(r);
      const float* src = f.row(r);
      for (int c = 0; c < f.n_cols; ++c)
        dst[c] = static_cast<unsigned char>((src[c] - lo) / range * 255.0f);   // truncates
    }
  }
  if (width <= 0 || height <= 0) return img;
  cv::Mat resized;
  cv::resize(img, resized, cv::Size(width, height), 0, 0, cv::INTER_LINEAR);
  return resized;
}

cv::Mat ffdv_mel_image(const std::vector<float>& samples, int width, int height) {
  const StftOptions stft;   // librosa defaults
  const MelOptions mel;     // 22050 Hz, 128 Slaney mels
  DbOptions db;
  db.ref_max = true;
  return feature_image(power_to_db(filterbank_spectrogram(samples, stft, mel_filterbank(mel)), db), width, height);
}

void write_png(const std::string& path, const cv::Mat& image) {
  bool ok = false;
  try {
    ok = cv::imwrite(path, image);
  } catch (const cv::Exception& e) {
    throw std::runtime_error(path + ": cannot write image: " + e.what());
  }
  if (!ok) throw std::runtime_error(path + ": cannot write image");
}

}  // namespace dflab
