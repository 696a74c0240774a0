#pragma once
// Features as 8-bit images: the FFDV 2024 baseline's mel image, and a PNG view of any feature.
//
//   cv::Mat img = ffdv_mel_image(samples_22050);    // 256x256 CV_8UC1
//   cv::imwrite("clip.png", img);

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "modalities/audio/feature_matrix.h"

namespace dflab {

// uint8((f - min) / (max - min) * 255), truncated like numpy's cast, then cv::resize to
// width x height with INTER_LINEAR (width or height <= 0: no resize). Row 0 is feature row 0
// (the lowest band), as in the baseline's array. A constant feature gives an all-zero image.
cv::Mat feature_image(const FeatureMatrix& feature, int width = 0, int height = 0);

// ref: the FFDV 2024 (multi-FFDV) audio baseline's generate_mel_spectrogram:
//   S = librosa.feature.melspectrogram(y=y, sr=22050, n_mels=128); S_dB = librosa.power_to_db(S, ref=np.max)
//   image = np.uint8((S_dB - S_dB.min()) / (S_dB.max() - S_dB.min()) * 255)
//   cv2.resize(image, (256, 256), interpolation=cv2.INTER_LINEAR)
// `samples` are mono at 22050 Hz.
cv::Mat ffdv_mel_image(const std::vector<float>& samples, int width = 256, int height = 256);

// cv::imwrite with a check; throws std::runtime_error naming the path on failure.
void write_png(const std::string& path, const cv::Mat& image);

}  // namespace dflab
