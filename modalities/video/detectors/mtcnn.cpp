#include "modalities/video/detectors/mtcnn.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include <opencv2/imgproc.hpp>

#include "modalities/video/detectors/nms.h"

namespace dflab {

using Candidate = MtcnnDetector::Candidate;

namespace {

constexpr int kPnetCell = 12;     // px, P-Net window
constexpr int kPnetStride = 2;    // px, P-Net output step

cv::dnn::Net load_caffe(const std::string& dir, const std::string& stem, const Params& params) {
  const std::string proto = (std::filesystem::path(dir) / (stem + ".prototxt")).string();
  const std::string weights = (std::filesystem::path(dir) / (stem + ".caffemodel")).string();
  require_model_file(proto, "mtcnn", "model", params);
  require_model_file(weights, "mtcnn", "model", params);
  try {
    cv::dnn::Net net = cv::dnn::readNetFromCaffe(proto, weights);
    if (net.empty()) throw ModelFileError("mtcnn: cannot load '" + proto + "'");
    return net;
  } catch (const cv::Exception& e) {
    throw ModelFileError("mtcnn: cannot load '" + proto + "' + '" + weights + "': " + e.what());
  }
}

// RGB float image (0..255) -> (x - 127.5) / 128, transposed (W x H), as the MATLAB-trained nets
// expect. The reference resizes float images (no rounding to 8 bits), and so does this code.
cv::Mat normalise_transposed(const cv::Mat& rgb_f32) {
  cv::Mat f, t;
  rgb_f32.convertTo(f, CV_32F, 1.0 / 128.0, -127.5 / 128.0);
  cv::transpose(f, t);
  return t;
}

std::vector<Candidate> nms_candidates(const std::vector<Candidate>& c, float max_overlap, Overlap mode) {
  std::vector<cv::Rect2f> boxes;
  std::vector<float> scores;
  for (const auto& b : c) {
    // inclusive pixel coordinates: x1..x2 covers x2 - x1 + 1 pixels (the reference's +1 areas)
    boxes.emplace_back(b.x1, b.y1, b.x2 - b.x1 + 1.0f, b.y2 - b.y1 + 1.0f);
    scores.push_back(b.score);
  }
  std::vector<Candidate> out;
  for (std::size_t i : nms_indices(boxes, scores, max_overlap, mode)) out.push_back(c[i]);
  return out;
}

// bbreg(): shifts each side by the regression times the box size (+1 sizes, as the reference).
void apply_regression(std::vector<Candidate>& c, bool plus_one) {
  for (auto& b : c) {
    const float w = b.x2 - b.x1 + (plus_one ? 1.0f : 0.0f);
    const float h = b.y2 - b.y1 + (plus_one ? 1.0f : 0.0f);
    const float x1 = b.x1 + b.reg[0] * w, y1 = b.y1 + b.reg[1] * h;
    const float x2 = b.x2 + b.reg[2] * w, y2 = b.y2 + b.reg[3] * h;
    b.x1 = x1, b.y1 = y1, b.x2 = x2, b.y2 = y2;
  }
}

// rerec(): squares each box around its centre on its longer side.
void make_square(std::vector<Candidate>& c) {
  for (auto& b : c) {
    const float w = b.x2 - b.x1, h = b.y2 - b.y1, l = std::max(w, h);
    b.x1 = b.x1 + 0.5f * w - 0.5f * l;
    b.y1 = b.y1 + 0.5f * h - 0.5f * l;
    b.x2 = b.x1 + l;
    b.y2 = b.y1 + l;
  }
}

void truncate_coords(std::vector<Candidate>& c) {   // np.fix
  for (auto& b : c) {
    b.x1 = std::trunc(b.x1), b.y1 = std::trunc(b.y1), b.x2 = std::trunc(b.x2), b.y2 = std::trunc(b.y2);
  }
}

// The box's pixels (1-based inclusive coordinates), zero outside the image, resized to side x side,
// normalised and transposed. ref: pad() + imresample() of detect_face.py
cv::Mat crop_for_net(const cv::Mat& rgb, const Candidate& b, int side) {
  const int x1 = static_cast<int>(b.x1) - 1, y1 = static_cast<int>(b.y1) - 1;
  const int w = static_cast<int>(b.x2 - b.x1) + 1, h = static_cast<int>(b.y2 - b.y1) + 1;
  cv::Mat patch = cv::Mat::zeros(std::max(h, 1), std::max(w, 1), rgb.type());
  const cv::Rect want(x1, y1, std::max(w, 1), std::max(h, 1));
  const cv::Rect inter = want & cv::Rect(0, 0, rgb.cols, rgb.rows);
  if (inter.area() > 0) rgb(inter).copyTo(patch(inter - want.tl()));
  cv::Mat resized;
  cv::resize(patch, resized, cv::Size(side, side), 0, 0, cv::INTER_AREA);
  return normalise_transposed(resized);
}

// Row i of a 2-D (N x C) or 4-D (N x C x 1 x 1) net output.
const float* row(const cv::Mat& m, int i) {
  return m.ptr<float>() + static_cast<std::size_t>(i) * (m.total() / static_cast<std::size_t>(m.size[0]));
}

}  // namespace

PluginInfo MtcnnDetector::info() {
  CommonDefaults d;
  d.threshold = 0.7;   // O-Net threshold of the reference
  d.threshold_doc = "minimum O-Net face probability kept (stage 3)";
  d.nms_iou = 0.3;     // final NMS across faces, after the reference's own NMS steps
  d.min_face_px = 20;  // the reference's minsize
  d.max_side_px = 640;
  return {kind::face_detector, "mtcnn",
          "MTCNN three-stage cascade (Caffe P/R/O-Net via OpenCV DNN) with 5 landmarks; needs `model`",
          with_common_params(
              d, {ParamSpec::required("model", ParamType::string,
                                      "folder holding det1/det2/det3 .prototxt and .caffemodel").as_path(PathRole::input_dir),
                  ParamSpec::real("pnet_threshold", 0.6, "minimum P-Net face probability (stage 1)").range(0.0, 1.0),
                  ParamSpec::real("rnet_threshold", 0.7, "minimum R-Net face probability (stage 2)").range(0.0, 1.0),
                  ParamSpec::real("scale_factor", 0.709, "image pyramid step between P-Net levels").range(0.1, 0.95)})};
}

MtcnnDetector::MtcnnDetector(const Params& params)
    : common_(CommonDetectorParams::from(params)),
      pnet_threshold_(static_cast<float>(params.real("pnet_threshold"))),
      rnet_threshold_(static_cast<float>(params.real("rnet_threshold"))),
      pyramid_factor_(params.real("scale_factor")) {
  const std::string dir = params.string("model");
  const std::string where = params.origin.empty() ? "mtcnn" : params.origin + ": mtcnn";
  if (dir.empty())
    throw ModelFileError(where + ": parameter 'model' is empty; pass the folder holding det1/det2/det3 "
                         ".prototxt and .caffemodel (weights are never downloaded)");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw ModelFileError(where + ": model folder '" + dir + "' does not exist or is not a folder");
  pnet_ = load_caffe(dir, "det1", params);
  rnet_ = load_caffe(dir, "det2", params);
  onet_ = load_caffe(dir, "det3", params);
}

std::vector<Candidate> MtcnnDetector::stage1(const cv::Mat& rgb, int min_face_px) {
  const int h = rgb.rows, w = rgb.cols;
  const double m = static_cast<double>(kPnetCell) / std::max(min_face_px, kPnetCell);
  std::vector<double> scales;
  for (double minl = std::min(h, w) * m, s = m; minl >= kPnetCell; minl *= pyramid_factor_, s *= pyramid_factor_)
    scales.push_back(s);

  std::vector<Candidate> all;
  for (double scale : scales) {
    const int hs = static_cast<int>(std::ceil(h * scale)), ws = static_cast<int>(std::ceil(w * scale));
    cv::Mat level;
    cv::resize(rgb, level, cv::Size(ws, hs), 0, 0, cv::INTER_AREA);
    pnet_.setInput(cv::dnn::blobFromImage(normalise_transposed(level)));   // 1 x 3 x ws x hs
    std::vector<cv::Mat> outs;
    pnet_.forward(outs, std::vector<std::string>{"conv4-2", "prob1"});
    const cv::Mat& reg = outs[0];    // 1 x 4 x X x Y  (transposed: first map axis is x)
    const cv::Mat& prob = outs[1];   // 1 x 2 x X x Y
    const int nx = prob.size[2], ny = prob.size[3];
    const float* face = prob.ptr<float>() + static_cast<std::size_t>(nx) * ny;   // channel 1
    std::vector<Candidate> level_boxes;
    for (int ix = 0; ix < nx; ++ix)
      for (int iy = 0; iy < ny; ++iy) {
        const float score = face[ix * ny + iy];
        if (!(score >= pnet_threshold_)) continue;
        Candidate c{};
        // ref: generateBoundingBox(): 1-based window corners back in input pixels
        c.x1 = std::trunc(static_cast<float>((kPnetStride * ix + 1) / scale));
        c.y1 = std::trunc(static_cast<float>((kPnetStride * iy + 1) / scale));
        c.x2 = std::trunc(static_cast<float>((kPnetStride * ix + kPnetCell) / scale));
        c.y2 = std::trunc(static_cast<float>((kPnetStride * iy + kPnetCell) / scale));
        c.score = score;
        for (int k = 0; k < 4; ++k) c.reg[k] = reg.ptr<float>()[(static_cast<std::size_t>(k) * nx + ix) * ny + iy];
        level_boxes.push_back(c);
      }
    for (const auto& c : nms_candidates(level_boxes, 0.5f, Overlap::iou)) all.push_back(c);
  }
  if (all.empty()) return all;
  all = nms_candidates(all, 0.7f, Overlap::iou);
  apply_regression(all, /*plus_one=*/false);
  make_square(all);
  truncate_coords(all);
  return all;
}

std::vector<Candidate> MtcnnDetector::stage2(const cv::Mat& rgb, std::vector<Candidate> boxes) {
  if (boxes.empty()) return boxes;
  std::vector<cv::Mat> crops;
  for (const auto& b : boxes) crops.push_back(crop_for_net(rgb, b, 24));
  rnet_.setInput(cv::dnn::blobFromImages(crops));   // N x 3 x 24 x 24
  std::vector<cv::Mat> outs;
  rnet_.forward(outs, std::vector<std::string>{"conv5-2", "prob1"});
  std::vector<Candidate> kept;
  for (int i = 0; i < static_cast<int>(boxes.size()); ++i) {
    const float score = row(outs[1], i)[1];
    if (!(score > rnet_threshold_)) continue;
    Candidate c = boxes[i];
    c.score = score;
    std::copy_n(row(outs[0], i), 4, c.reg);
    kept.push_back(c);
  }
  if (kept.empty()) return kept;
  kept = nms_candidates(kept, 0.7f, Overlap::iou);
  apply_regression(kept, /*plus_one=*/true);
  make_square(kept);
  truncate_coords(kept);
  return kept;
}

std::vector<Candidate> MtcnnDetector::stage3(const cv::Mat& rgb, std::vector<Candidate> boxes) {
  if (boxes.empty()) return boxes;
  std::vector<cv::Mat> crops;
  for (const auto& b : boxes) crops.push_back(crop_for_net(rgb, b, 48));
  onet_.setInput(cv::dnn::blobFromImages(crops));   // N x 3 x 48 x 48
  std::vector<cv::Mat> outs;
  onet_.forward(outs, std::vector<std::string>{"conv6-2", "conv6-3", "prob1"});
  std::vector<Candidate> kept;
  for (int i = 0; i < static_cast<int>(boxes.size()); ++i) {
    const float score = row(outs[2], i)[1];
    if (!(score > common_.threshold)) continue;
    Candidate c = boxes[i];
    c.score = score;
    std::copy_n(row(outs[0], i), 4, c.reg);
    const float* p = row(outs[1], i);
    const float w = c.x2 - c.x1 + 1.0f, h = c.y2 - c.y1 + 1.0f;
    for (int k = 0; k < 5; ++k) {
      c.points[k] = w * p[k] + c.x1 - 1.0f;           // 0-based pixels
      c.points[5 + k] = h * p[5 + k] + c.y1 - 1.0f;
    }
    kept.push_back(c);
  }
  if (kept.empty()) return kept;
  apply_regression(kept, /*plus_one=*/true);
  return nms_candidates(kept, 0.7f, Overlap::min);
}

std::vector<FaceDetection> MtcnnDetector::detect(const cv::Mat& bgr) {
  check_bgr_input(bgr, "mtcnn");
  const ScaledImage small = downscale_to_max_side(bgr, common_.max_side_px);
  cv::Mat rgb_u8, rgb;
  cv::cvtColor(small.image, rgb_u8, cv::COLOR_BGR2RGB);
  rgb_u8.convertTo(rgb, CV_32FC3);
  const double scale = std::max(small.scale_x, small.scale_y);
  const int min_face = std::max(kPnetCell, static_cast<int>(std::floor(common_.min_face_px / scale)));
  const std::vector<Candidate> faces = stage3(rgb, stage2(rgb, stage1(rgb, min_face)));
  std::vector<FaceDetection> dets;
  for (const auto& c : faces) {
    // 1-based inclusive (x1..x2) -> 0-based rectangle of x2 - x1 + 1 pixels
    FaceDetection d{cv::Rect2f(c.x1 - 1.0f, c.y1 - 1.0f, c.x2 - c.x1 + 1.0f, c.y2 - c.y1 + 1.0f), c.score, {}};
    for (int k = 0; k < 5; ++k) d.landmarks.emplace_back(c.points[k], c.points[5 + k]);
    dets.push_back(std::move(d));
  }
  map_to_input(dets, small.scale_x, small.scale_y);
  return finish_detections(std::move(dets), common_, bgr.size());
}

}  // namespace dflab
