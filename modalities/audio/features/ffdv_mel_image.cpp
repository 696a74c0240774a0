#include "modalities/audio/features/ffdv_mel_image.h"

#include "modalities/audio/feature_image.h"

namespace dflab {

PluginInfo FfdvMelImageFeature::info() {
  std::vector<ParamSpec> specs = sample_rate_params();
  for (auto& s : stft_params()) specs.push_back(std::move(s));
  for (auto& s : mel_params()) specs.push_back(std::move(s));
  DbOptions db;
  db.ref_max = true;   // librosa.power_to_db(S, ref=np.max)
  for (auto& s : db_params(db)) specs.push_back(std::move(s));
  specs.push_back(ParamSpec::integer("width", 256, "image width (frames axis) after resize; 0 = no resize").range(0, 8192).with_unit("px"));
  specs.push_back(ParamSpec::integer("height", 256, "image height (mel axis) after resize; 0 = no resize").range(0, 8192).with_unit("px"));
  return {kind::audio_feature, "ffdv_mel_image", "FFDV baseline mel image, 0..255 [height][width]", specs};
}

FfdvMelImageFeature::FfdvMelImageFeature(const Params& p)
    : AudioFeature("ffdv_mel_image", p),
      stft_(stft_from_params(p)),
      fb_(mel_filterbank(mel_from_params(p))),
      db_(db_from_params(p)),
      width_(static_cast<int>(p.integer("width"))),
      height_(static_cast<int>(p.integer("height"))) {}

cv::Mat FfdvMelImageFeature::image(const std::vector<float>& mono) const {
  return feature_image(power_to_db(filterbank_spectrogram(mono, stft_, fb_), db_), width_, height_);
}

FeatureMatrix FfdvMelImageFeature::compute(const std::vector<float>& mono) const {
  const cv::Mat img = image(mono);
  FeatureMatrix out(img.rows, img.cols);
  for (int r = 0; r < img.rows; ++r)
    for (int c = 0; c < img.cols; ++c) out.at(r, c) = img.at<unsigned char>(r, c);
  return out;
}

}  // namespace dflab
