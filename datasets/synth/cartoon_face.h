#pragma once
// The video track of a synthetic clip: a drawn cartoon face (skin ellipse, hair, eyes with white
// sclera, brows, nose, mouth, neck and shoulders) on a textured background, moving slowly, with a
// mouth that opens with the voice. Frontal detectors find it as a face — dlib's HOG detector (the
// default `dlib_hog`) and OpenCV's Haar cascade, tested in tests/datasets/synth/ — so the demo
// needs no detector bypass.
//
// The fake: a face-swap blending artefact. The inner face (brows to above the chin) is re-sampled
// (down- then up-scaled: softer than its surroundings), colour-shifted relative to the outer skin,
// and pasted back through an elliptical mask with a visible seam, as a swap's blending boundary.
//
//   SynthRng rng(seed);
//   FaceStyle style = random_face_style(rng, 320, 240);
//   SwapStyle swap = random_swap_style(rng);
//   FacePose pose = face_pose_at(style, t_s);
//   cv::Mat frame = draw_face_frame(style, pose, mouth_open, rng);   // BGR, 320 × 240
//   apply_face_swap(frame, pose, swap);                                 // fake clips only

#include <opencv2/core.hpp>

#include "datasets/synth/synth_rng.h"

namespace dflab::synth {

// One person and one scene: fixed over a clip.
struct FaceStyle {
  int width = 0, height = 0;          // frame size, pixels
  cv::Scalar skin, hair, iris, lips, brows, shirt;   // BGR
  double centre_x = 0, centre_y = 0;  // face centre at t = 0, pixels
  double half_width = 0;              // face ellipse half-axes, pixels
  double half_height = 0;
  // Slow motion: centre sway (pixels, Hz), in-plane tilt (degrees), breathing scale.
  double sway_x = 0, sway_y = 0, sway_hz = 0, sway_phase = 0;
  double tilt_deg = 0, tilt_hz = 0, tilt_phase = 0;
  double scale_amp = 0;
  // Proportions in units of half_width.
  double eye_dx = 0.38, eye_rx = 0.2, eye_ry = 0.1, mouth_rx = 0.35;
  bool long_hair = false;
  double noise_sigma = 2.0;           // per-frame sensor noise, grey levels
  cv::Mat background;                 // BGR, width × height, static camera
};

// Where the face is in one frame.
struct FacePose {
  cv::Point2d centre;
  double half_width = 0, half_height = 0;
  double tilt_deg = 0;                // clockwise in image coordinates
  // Image point of face-frame point (u, v), u, v in units of the half-axes (−1..1 spans the face).
  cv::Point2d at(double u, double v) const;
};

// The fake's re-sampling and colour mismatch: fixed over a clip.
struct SwapStyle {
  double downscale = 0.4;             // inner face re-sampled at this fraction of its size
  cv::Scalar colour_shift;            // added to the inner face, BGR grey levels
  double gain = 1.0;                  // contrast of the inner face
  double mask_rx = 0.78, mask_ry = 0.78;   // elliptical mask half-axes, in face half-axes
  double mask_dy = 0.12;              // mask centre below the face centre, in half_height
  double feather_px = 1.5;            // mask edge softness (small: a visible seam)
  double seam_gain = 0.85;            // brightness factor on the seam line
};

FaceStyle random_face_style(SynthRng& rng, int width, int height);
SwapStyle random_swap_style(SynthRng& rng);
FacePose face_pose_at(const FaceStyle& style, double t_s);

// `mouth_open` in [0, 1]. Adds sensor noise from `noise_rng` and a slight optical blur.
cv::Mat draw_face_frame(const FaceStyle& style, const FacePose& pose, double mouth_open, SynthRng& noise_rng);

// Replaces the inner face of `frame` (BGR, in place) with its re-sampled, colour-shifted copy.
void apply_face_swap(cv::Mat& frame, const FacePose& pose, const SwapStyle& swap);

}  // namespace dflab::synth
