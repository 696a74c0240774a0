#include "datasets/synth/cartoon_face.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace dflab::synth {

namespace {

constexpr double kTwoPi = 6.283185307179586;
// Sub-pixel drawing: OpenCV takes fixed-point coordinates with `shift` fractional bits, so slow
// motion is smooth instead of stepping a whole pixel at a time.
constexpr int kShift = 4;
constexpr double kOne = 16.0;

cv::Point fixed(cv::Point2d p) { return {cvRound(p.x * kOne), cvRound(p.y * kOne)}; }

void ellipse(cv::Mat& img, cv::Point2d c, double rx, double ry, double angle_deg, const cv::Scalar& colour,
             int thickness = cv::FILLED, double from_deg = 0, double to_deg = 360) {
  cv::ellipse(img, fixed(c), cv::Size(std::max(1, cvRound(rx * kOne)), std::max(1, cvRound(ry * kOne))),
              angle_deg, from_deg, to_deg, colour, thickness, cv::LINE_AA, kShift);
}

void line(cv::Mat& img, cv::Point2d a, cv::Point2d b, const cv::Scalar& colour, int thickness) {
  cv::line(img, fixed(a), fixed(b), colour, std::max(1, thickness), cv::LINE_AA, kShift);
}

cv::Scalar scale(const cv::Scalar& c, double f) {
  return {std::min(255.0, c[0] * f), std::min(255.0, c[1] * f), std::min(255.0, c[2] * f)};
}

cv::Scalar mix(const cv::Scalar& a, const cv::Scalar& b, double t) {
  return {a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t};
}

cv::Scalar jitter(SynthRng& rng, const cv::Scalar& c, double amount) {
  return {std::clamp(c[0] + rng.uniform(-amount, amount), 0.0, 255.0),
          std::clamp(c[1] + rng.uniform(-amount, amount), 0.0, 255.0),
          std::clamp(c[2] + rng.uniform(-amount, amount), 0.0, 255.0)};
}

// A static, textured room: two-colour gradient, low-frequency blotches, a few panels/shelves and
// fine grain. Nothing face-like, and nothing that moves.
cv::Mat make_background(SynthRng& rng, int width, int height) {
  const cv::Scalar a(rng.uniform(40, 220), rng.uniform(40, 220), rng.uniform(40, 220));
  const cv::Scalar b(rng.uniform(40, 220), rng.uniform(40, 220), rng.uniform(40, 220));
  const double angle = rng.uniform(0, kTwoPi);
  const double dx = std::cos(angle), dy = std::sin(angle);
  cv::Mat bg(height, width, CV_32FC3);
  for (int y = 0; y < height; ++y) {
    auto* row = bg.ptr<cv::Vec3f>(y);
    for (int x = 0; x < width; ++x) {
      const double t = std::clamp(0.5 + ((x - width / 2.0) * dx + (y - height / 2.0) * dy) / (width + height), 0.0, 1.0);
      const cv::Scalar c = mix(a, b, t);
      row[x] = cv::Vec3f(static_cast<float>(c[0]), static_cast<float>(c[1]), static_cast<float>(c[2]));
    }
  }
  // Blotches: a coarse random grid, smoothly upscaled.
  cv::Mat coarse(6, 8, CV_32FC3);
  for (int y = 0; y < coarse.rows; ++y)
    for (int x = 0; x < coarse.cols; ++x)
      coarse.at<cv::Vec3f>(y, x) = cv::Vec3f(static_cast<float>(rng.normal() * 14), static_cast<float>(rng.normal() * 14),
                                             static_cast<float>(rng.normal() * 14));
  cv::Mat blotches;
  cv::resize(coarse, blotches, bg.size(), 0, 0, cv::INTER_CUBIC);
  bg += blotches;
  cv::Mat out;
  bg.convertTo(out, CV_8UC3);
  // Panels and shelves: rectangles in shades of the wall.
  const int n_rects = 2 + rng.below(4);
  for (int i = 0; i < n_rects; ++i) {
    const int x0 = rng.below(width), y0 = rng.below(height);
    const int w = static_cast<int>(rng.uniform(0.1, 0.4) * width), h = static_cast<int>(rng.uniform(0.03, 0.3) * height);
    const cv::Scalar c = scale(mix(a, b, rng.uniform()), rng.uniform(0.6, 1.3));
    cv::rectangle(out, cv::Rect(x0, y0, w, h), c, cv::FILLED, cv::LINE_AA);
  }
  cv::RNG cv_rng(rng.next());
  cv::Mat out16;
  out.convertTo(out16, CV_16SC3);
  cv::Mat grain16(height, width, CV_16SC3);
  cv_rng.fill(grain16, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(5));
  out16 += grain16;
  out16.convertTo(out, CV_8UC3);
  cv::GaussianBlur(out, out, cv::Size(0, 0), 1.2);
  return out;
}

}  // namespace

cv::Point2d FacePose::at(double u, double v) const {
  const double r = tilt_deg * kTwoPi / 360.0;
  const double x = u * half_width, y = v * half_height;
  return {centre.x + x * std::cos(r) - y * std::sin(r), centre.y + x * std::sin(r) + y * std::cos(r)};
}

FaceStyle random_face_style(SynthRng& rng, int width, int height) {
  FaceStyle s;
  s.width = width;
  s.height = height;
  // Skin from deep brown to pale (BGR), plus a little per-channel variation.
  const cv::Scalar dark(70, 100, 150), light(185, 205, 240);
  s.skin = jitter(rng, mix(dark, light, rng.uniform()), 8);
  static const cv::Scalar hair_palette[] = {{20, 20, 25}, {25, 40, 70}, {40, 70, 120}, {90, 160, 200}, {30, 50, 140}};
  s.hair = jitter(rng, hair_palette[rng.below(5)], 12);
  static const cv::Scalar iris_palette[] = {{30, 50, 80}, {120, 90, 40}, {60, 110, 70}, {25, 30, 40}};
  s.iris = jitter(rng, iris_palette[rng.below(4)], 10);
  s.lips = jitter(rng, mix(s.skin, cv::Scalar(70, 70, 170), 0.55), 10);
  s.brows = scale(s.hair, rng.uniform(0.5, 0.9));
  s.shirt = cv::Scalar(rng.uniform(20, 230), rng.uniform(20, 230), rng.uniform(20, 230));
  // Size: the face ellipse is 36–48 % of the frame height wide (dlib's HOG needs ~80 px and up).
  s.half_width = rng.uniform(0.17, 0.22) * height;
  s.half_height = s.half_width * rng.uniform(1.22, 1.36);
  s.centre_x = width / 2.0 + rng.uniform(-0.18, 0.18) * width;
  s.centre_y = height / 2.0 + rng.uniform(-0.06, 0.04) * height;
  s.sway_x = rng.uniform(2, 10);
  s.sway_y = rng.uniform(1, 5);
  s.sway_hz = rng.uniform(0.15, 0.5);
  s.sway_phase = rng.uniform(0, kTwoPi);
  s.tilt_deg = rng.uniform(0, 6);
  s.tilt_hz = rng.uniform(0.1, 0.4);
  s.tilt_phase = rng.uniform(0, kTwoPi);
  s.scale_amp = rng.uniform(0, 0.04);
  s.eye_dx = rng.uniform(0.34, 0.42);
  s.eye_rx = rng.uniform(0.17, 0.22);
  s.eye_ry = rng.uniform(0.09, 0.12);
  s.mouth_rx = rng.uniform(0.3, 0.42);
  s.long_hair = rng.uniform() < 0.5;
  s.noise_sigma = rng.uniform(1.5, 3.5);
  s.background = make_background(rng, width, height);
  return s;
}

SwapStyle random_swap_style(SynthRng& rng) {
  SwapStyle w;
  w.downscale = rng.uniform(0.25, 0.4);
  // A colour cast a swap's source face brings with it: warmer, cooler, paler, darker or greener.
  static const cv::Scalar directions[] = {{-0.4, 0.2, 1.0}, {1.0, 0.3, -0.5}, {1, 1, 1}, {-1, -1, -1}, {-0.3, 1.0, -0.4}};
  const cv::Scalar d = directions[rng.below(5)];
  const double magnitude = rng.uniform(22, 34);
  w.colour_shift = cv::Scalar(d[0] * magnitude, d[1] * magnitude, d[2] * magnitude);
  w.gain = rng.uniform(0.88, 1.08);
  w.mask_rx = rng.uniform(0.7, 0.82);
  w.mask_ry = rng.uniform(0.72, 0.8);
  w.mask_dy = rng.uniform(0.06, 0.14);
  w.feather_px = rng.uniform(1.0, 2.2);
  w.seam_gain = rng.uniform() < 0.5 ? rng.uniform(0.68, 0.82) : rng.uniform(1.18, 1.32);
  return w;
}

FacePose face_pose_at(const FaceStyle& s, double t) {
  FacePose p;
  // Slow sway plus a small, faster tremor (sums of sines: a smooth function of time only).
  const double tremor_x = 0.6 * std::sin(kTwoPi * 3.1 * t + s.sway_phase) + 0.4 * std::sin(kTwoPi * 4.7 * t);
  const double tremor_y = 0.5 * std::sin(kTwoPi * 2.3 * t + 1.0) + 0.3 * std::sin(kTwoPi * 5.3 * t + s.tilt_phase);
  p.centre.x = s.centre_x + s.sway_x * std::sin(kTwoPi * s.sway_hz * t + s.sway_phase) + tremor_x;
  p.centre.y = s.centre_y + s.sway_y * std::sin(kTwoPi * 0.7 * s.sway_hz * t + 2.0 * s.sway_phase) + tremor_y;
  const double k = 1.0 + s.scale_amp * std::sin(kTwoPi * 0.3 * t + s.tilt_phase);
  p.half_width = s.half_width * k;
  p.half_height = s.half_height * k;
  p.tilt_deg = s.tilt_deg * std::sin(kTwoPi * s.tilt_hz * t + s.tilt_phase);
  return p;
}

cv::Mat draw_face_frame(const FaceStyle& s, const FacePose& p, double mouth_open, SynthRng& noise_rng) {
  cv::Mat img = s.background.clone();
  const double a = p.half_width, b = p.half_height, tilt = p.tilt_deg;
  const cv::Scalar skin_shade = scale(s.skin, 0.8);

  // Behind the face: shoulders, neck, back hair, ears.
  ellipse(img, p.at(0, 2.25), 2.0 * a, 0.95 * b, tilt, s.shirt);
  ellipse(img, p.at(0, 1.05), 0.42 * a, 0.45 * b, tilt, skin_shade);
  if (s.long_hair) ellipse(img, p.at(0, 0.3), 1.18 * a, 0.95 * b, tilt, s.hair);
  ellipse(img, p.at(0, -0.18), 1.1 * a, 0.93 * b, tilt, s.hair);
  for (double side : {-1.0, 1.0}) ellipse(img, p.at(side * 0.98, -0.02), 0.14 * a, 0.2 * b, tilt, skin_shade);

  // The face: skin, a darker rim (cheek shading), blush.
  ellipse(img, p.centre, a, b, tilt, s.skin);
  ellipse(img, p.centre, 0.97 * a, 0.98 * b, tilt, scale(s.skin, 0.88), std::max(2, cvRound(0.08 * a)));
  for (double side : {-1.0, 1.0})
    ellipse(img, p.at(side * 0.52, 0.22), 0.2 * a, 0.1 * b, tilt, mix(s.skin, s.lips, 0.25));
  // Fringe over the top of the forehead.
  ellipse(img, p.at(0, -0.84), 0.95 * a, 0.32 * b, tilt, s.hair);

  // Light on the nose bridge and cheekbones, shadow in the eye sockets: the dark eye band over a
  // lighter bridge that frontal detectors key on.
  ellipse(img, p.at(0, 0.02), 0.13 * a, 0.2 * b, tilt, scale(s.skin, 1.12));
  for (double side : {-1.0, 1.0}) ellipse(img, p.at(side * s.eye_dx, -0.12), 1.45 * s.eye_rx * a, 0.16 * b, tilt, scale(s.skin, 0.72));

  // Brows (upper arcs) and eyes (white sclera, iris, pupil, upper lid).
  const int brow_px = std::max(2, cvRound(0.075 * a));
  for (double side : {-1.0, 1.0}) {
    ellipse(img, p.at(side * s.eye_dx, -0.27), 0.24 * a, 0.07 * b, tilt, s.brows, brow_px, 195, 345);
    const cv::Point2d eye = p.at(side * s.eye_dx, -0.1);
    ellipse(img, eye, s.eye_rx * a, s.eye_ry * a, tilt, mix(s.skin, cv::Scalar(238, 238, 235), 0.7));
    ellipse(img, eye, 0.095 * a, 0.095 * a, 0, s.iris);
    ellipse(img, eye, 0.04 * a, 0.04 * a, 0, cv::Scalar(15, 15, 15));
    ellipse(img, eye, s.eye_rx * a, s.eye_ry * a, tilt, cv::Scalar(30, 30, 40), std::max(1, cvRound(0.03 * a)), 180, 360);
  }

  // Nose: bridge shadow and nostrils.
  line(img, p.at(0.02, -0.02), p.at(0.07, 0.2), scale(s.skin, 0.7), cvRound(0.05 * a));
  for (double side : {-1.0, 1.0})
    ellipse(img, p.at(side * 0.09, 0.24), 0.055 * a, 0.03 * a, tilt, scale(s.skin, 0.5));

  // Mouth: lips around a dark opening that grows with the voice.
  const double open = std::clamp(mouth_open, 0.0, 1.0);
  const double mouth_h = (0.035 + 0.15 * open) * a;
  const cv::Point2d mouth = p.at(0, 0.5);
  ellipse(img, mouth, s.mouth_rx * a, mouth_h + 0.065 * a, tilt, s.lips);
  ellipse(img, mouth, 0.82 * s.mouth_rx * a, mouth_h, tilt, cv::Scalar(35, 25, 45));
  if (open > 0.35)
    ellipse(img, p.at(0, 0.5) - cv::Point2d(0, 0.55 * mouth_h), 0.55 * s.mouth_rx * a, 0.3 * mouth_h, tilt,
            cv::Scalar(225, 230, 230));

  // Camera: slight optical blur, then sensor noise.
  cv::GaussianBlur(img, img, cv::Size(0, 0), 0.8);
  cv::Mat noise(img.size(), CV_16SC3);
  cv::RNG cv_rng(noise_rng.next());
  cv_rng.fill(noise, cv::RNG::NORMAL, cv::Scalar::all(0), cv::Scalar::all(s.noise_sigma));
  cv::Mat img16;
  img.convertTo(img16, CV_16SC3);
  img16 += noise;
  img16.convertTo(img, CV_8UC3);
  return img;
}

void apply_face_swap(cv::Mat& frame, const FacePose& p, const SwapStyle& w) {
  const cv::Point2d c = p.at(0, w.mask_dy);
  const double rx = w.mask_rx * p.half_width, ry = w.mask_ry * p.half_height;
  const int pad = static_cast<int>(std::ceil(3 * w.feather_px)) + 4;
  const double reach = std::max(rx, ry) + pad;
  const cv::Rect roi = cv::Rect(cvFloor(c.x - reach), cvFloor(c.y - reach), cvCeil(2 * reach), cvCeil(2 * reach)) &
                       cv::Rect(0, 0, frame.cols, frame.rows);
  if (roi.width < 8 || roi.height < 8) return;
  cv::Mat orig;
  frame(roi).convertTo(orig, CV_32FC3);

  // The "source face": re-sampled (loses detail and noise), with its own colour and contrast.
  cv::Mat small, swapped;
  cv::resize(frame(roi), small, cv::Size(), w.downscale, w.downscale, cv::INTER_AREA);
  cv::resize(small, swapped, roi.size(), 0, 0, cv::INTER_LINEAR);
  swapped.convertTo(swapped, CV_32FC3, w.gain);
  swapped += w.colour_shift + cv::Scalar::all((1.0 - w.gain) * 128.0);

  // Blend through a sharp elliptical mask; the seam line is darkened or brightened.
  const cv::Point2d local = c - cv::Point2d(roi.x, roi.y);
  cv::Mat mask = cv::Mat::zeros(roi.size(), CV_32F), seam = cv::Mat::zeros(roi.size(), CV_32F);
  ellipse(mask, local, rx, ry, p.tilt_deg, cv::Scalar(1.0));
  ellipse(seam, local, rx, ry, p.tilt_deg, cv::Scalar(1.0), 3);
  cv::GaussianBlur(mask, mask, cv::Size(0, 0), w.feather_px);
  cv::GaussianBlur(seam, seam, cv::Size(0, 0), 0.8);
  cv::Mat mask3, seam3;
  cv::merge(std::vector<cv::Mat>{mask, mask, mask}, mask3);
  cv::Mat seam_factor = 1.0 - (1.0 - w.seam_gain) * seam;
  cv::merge(std::vector<cv::Mat>{seam_factor, seam_factor, seam_factor}, seam3);
  cv::Mat inverse = cv::Scalar::all(1.0) - mask3;   // (a bare 1.0 would be Scalar(1, 0, 0, 0))
  cv::Mat out = (swapped.mul(mask3) + orig.mul(inverse)).mul(seam3);
  cv::Mat target = frame(roi);   // same size and type: convertTo writes into the frame
  out.convertTo(target, CV_8UC3);
}

}  // namespace dflab::synth
