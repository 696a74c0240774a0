#pragma once
// jpeg: re-compress every frame as JPEG at one random quality (cv::imencode / cv::imdecode,
// libjpeg's 4:2:0 default), as the DFDC solutions' ImageCompression augmentation.
#include "modalities/augment/augment_common.h"

namespace dflab {

class JpegRecompress : public BasicAugmentation {
 public:
  explicit JpegRecompress(const Params& params);
  static PluginInfo info();

 protected:
  void augment(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const override;

 private:
  std::int64_t quality_min_, quality_max_;
};

}  // namespace dflab
