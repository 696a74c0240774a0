#pragma once
// `mtcnn` face detector: the three-stage MTCNN cascade (Zhang et al. 2016) on the original Caffe
// nets through cv::dnn::readNetFromCaffe — the detector the DFDC solutions used.
//   1. P-Net (fully convolutional, 12x12 windows, stride 2) on an image pyramid from the scale at
//      which a min_face face is 12 px, each level 0.709 of the previous; boxes per level NMS 0.5,
//      all levels NMS 0.7, box regression, squared.
//   2. R-Net on 24x24 crops (zero padded outside the image): score, NMS 0.7, regression, squared.
//   3. O-Net on 48x48 crops: score, regression, 5 landmarks, NMS 0.7 'Min'.
// The nets take RGB (x - 127.5) / 128 with width and height transposed (they were trained from
// MATLAB's column-major arrays), so every input is transposed and output maps are read as (x, y).
// Landmarks: left eye, right eye, nose, left and right mouth corner (as seen in the image).
// `model` is the folder holding det1/det2/det3 .prototxt + .caffemodel (shared/models/mtcnn/).
// ref: kpzhang93/MTCNN_face_detection_alignment code/codes/MTCNNv1/detect_face.m,
//      davidsandberg/facenet src/align/detect_face.py (the same algorithm in numpy)
//
//   Params p = registry.defaults(kind::face_detector, "mtcnn");
//   p.set("model", std::string("models/mtcnn"));
//   auto det = registry.create<FaceDetector>(kind::face_detector, "mtcnn", p);

#include <opencv2/dnn.hpp>

#include "modalities/video/detectors/detector_params.h"

namespace dflab {

class MtcnnDetector : public FaceDetector {
 public:
  explicit MtcnnDetector(const Params& params);
  static PluginInfo info();
  std::vector<FaceDetection> detect(const cv::Mat& bgr) override;

  // One candidate in MATLAB's 1-based inclusive pixel coordinates, as the reference keeps them.
  struct Candidate {
    float x1, y1, x2, y2, score;
    float reg[4] = {0, 0, 0, 0};      // box regression: dx1, dy1, dx2, dy2 in box widths/heights
    float points[10] = {0};           // O-Net landmarks: x1..x5, y1..y5
  };

 private:
  std::vector<Candidate> stage1(const cv::Mat& rgb, int min_face_px);
  std::vector<Candidate> stage2(const cv::Mat& rgb, std::vector<Candidate> boxes);
  std::vector<Candidate> stage3(const cv::Mat& rgb, std::vector<Candidate> boxes);

  CommonDetectorParams common_;
  float pnet_threshold_;
  float rnet_threshold_;
  double pyramid_factor_;
  cv::dnn::Net pnet_, rnet_, onet_;
};

}  // namespace dflab
