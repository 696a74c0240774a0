#pragma once
// Non-maximum suppression of face boxes: greedy (hard) NMS with IoU or "Min" overlap, and the
// weighted NMS of MediaPipe's BlazeFace.
//
//   std::vector<FaceDetection> kept = nms(std::move(dets), /*max_overlap=*/0.3f);
//   kept = weighted_nms(std::move(dets), 0.3f);   // BlazeFace: merged boxes, averaged landmarks

#include <cstddef>
#include <vector>

#include <opencv2/core.hpp>

#include "modalities/video/face_detector.h"

namespace dflab {

enum class Overlap {
  iou,   // intersection / union
  min,   // intersection / smaller area (MTCNN's 'Min' mode, used after O-Net)
};

// Overlap of two boxes in [0, 1]; 0 when either box is empty.
float box_overlap(const cv::Rect2f& a, const cv::Rect2f& b, Overlap mode = Overlap::iou);

// Greedy NMS. Returns indices of the kept boxes, highest score first; a box is dropped when its
// overlap with an already kept box is > max_overlap. Ties in score keep the earlier index first.
std::vector<std::size_t> nms_indices(const std::vector<cv::Rect2f>& boxes,
                                     const std::vector<float>& scores, float max_overlap,
                                     Overlap mode = Overlap::iou);

// Greedy NMS on detections; the result is sorted by score, highest first.
std::vector<FaceDetection> nms(std::vector<FaceDetection> dets, float max_overlap,
                               Overlap mode = Overlap::iou);

// Weighted NMS: each cluster (the top box and every box overlapping it by > max_overlap) becomes
// one detection whose box and landmarks are the score-weighted mean of the cluster and whose
// score is the top box's. ref: mediapipe/calculators/util/non_max_suppression_calculator.cc
// (OverlapType INTERSECTION_OVER_UNION, algorithm WEIGHTED).
std::vector<FaceDetection> weighted_nms(std::vector<FaceDetection> dets, float max_overlap);

}  // namespace dflab
