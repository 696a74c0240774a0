#pragma once
// Face crops from the face cache as training / inference units: one crop per unit for frame
// models, clips of T consecutive crops for sequence models. Crops are read from disk when a unit
// is loaded (one PNG each) and resized to the model's input; landmarks follow the resize.
//
//   FaceCropEntry e = face_crop_entry({"a.mp4", 1}, cache, "/data/a.mp4", face_params);
//   FaceCropSource src({e, ...}, /*height=*/128, /*width=*/128, /*frames_per_unit=*/1);

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "experiments/training/sample_source.h"
#include "modalities/video/face_cache.h"

namespace dflab {

struct FaceCropEntry {
  SourceVideo video;
  std::vector<std::string> crop_files;                 // in time order; empty: no usable crop
  std::vector<std::vector<cv::Point2f>> landmarks;     // per crop, crop pixels (may be empty)
  std::vector<double> timestamps_s;                    // per crop, in the video (empty if unknown)
  std::string missing_reason;                          // why crop_files is empty
};

// Reads the cache entry's index (no pixels). A missing entry or one without crops (no face under
// the "prior" policy, no video stream, failed decode) gives an entry with a missing_reason.
FaceCropEntry face_crop_entry(SourceVideo video, const FaceCache& cache, const std::string& video_path,
                              const std::string& face_params);

class FaceCropSource : public SampleSource {
 public:
  // frames_per_unit: 1 for frame models, T for sequence models. Throws std::invalid_argument on
  // a non-positive size.
  FaceCropSource(std::vector<FaceCropEntry> entries, int height, int width, int frames_per_unit);

  AugmentModality modality() const override { return AugmentModality::video; }
  std::size_t size() const override { return entries_.size(); }
  const SourceVideo& video(std::size_t i) const override { return entries_.at(i).video; }
  std::size_t units(std::size_t i) const override;
  AugmentSample load(std::size_t i, std::size_t u, std::mt19937_64* jitter) const override;
  // ImageNet mean / std of RGB in [0, 1]: what the zoo's models and torchvision weights expect.
  InputNormalisation normalisation() const override;
  std::string missing_reason(std::size_t i) const override { return entries_.at(i).missing_reason; }

 private:
  std::vector<FaceCropEntry> entries_;
  int height_, width_, frames_per_unit_;
};

}  // namespace dflab
