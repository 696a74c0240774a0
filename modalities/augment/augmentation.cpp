#include "modalities/augment/augmentation.h"

#include <cmath>
#include <stdexcept>

#include "modalities/augment/audio_level.h"
#include "modalities/augment/av_shift.h"
#include "modalities/augment/augment_common.h"
#include "modalities/augment/blur_noise.h"
#include "modalities/augment/color_jitter.h"
#include "modalities/augment/cutmix.h"
#include "modalities/augment/cutout.h"
#include "modalities/augment/face_blend.h"
#include "modalities/augment/h264_reencode.h"
#include "modalities/augment/hflip.h"
#include "modalities/augment/jpeg.h"
#include "modalities/augment/landmark_cutout.h"
#include "modalities/augment/mixup.h"
#include "modalities/augment/random_resized_crop.h"
#include "modalities/augment/self_blend.h"
#include "modalities/augment/spec_augment.h"
#include "modalities/augment/time_shift.h"

namespace dflab {

ParamSpec probability_param(double def) {
  return ParamSpec::real("p", def, "probability that the augmentation acts on a sample").range(0.0, 1.0);
}

namespace {

const char* modality_name(AugmentModality m) {
  return m == AugmentModality::video ? "video" : m == AugmentModality::audio ? "audio" : "audio-visual";
}

void check_video(const AugmentSample& s, const std::string& who) {
  if (s.frames.empty()) throw std::invalid_argument(who + ": empty video sample (no frames)");
  const cv::Size size = s.frames.front().size();
  for (std::size_t i = 0; i < s.frames.size(); ++i) {
    const cv::Mat& f = s.frames[i];
    if (f.empty()) throw std::invalid_argument(who + ": frame " + std::to_string(i) + " is empty");
    if (f.type() != CV_8UC3)
      throw std::invalid_argument(who + ": frame " + std::to_string(i) + " is not CV_8UC3 BGR");
    if (f.size() != size)
      throw std::invalid_argument(who + ": frame " + std::to_string(i) + " is " + std::to_string(f.cols) + "x" +
                                  std::to_string(f.rows) + ", frame 0 is " + std::to_string(size.width) +
                                  "x" + std::to_string(size.height));
  }
  if (!s.landmarks.empty() && s.landmarks.size() != s.frames.size())
    throw std::invalid_argument(who + ": " + std::to_string(s.landmarks.size()) + " landmark sets for " +
                                std::to_string(s.frames.size()) + " frames");
  if (!s.timestamps_s.empty() && s.timestamps_s.size() != s.frames.size())
    throw std::invalid_argument(who + ": " + std::to_string(s.timestamps_s.size()) + " timestamps for " +
                                std::to_string(s.frames.size()) + " frames");
}

void check_audio(const AugmentSample& s, const std::string& who) {
  if (s.feature.empty()) throw std::invalid_argument(who + ": empty audio sample (no feature matrix)");
  if (s.feature.type() != CV_32FC1) throw std::invalid_argument(who + ": audio feature is not CV_32FC1");
}

}  // namespace

BasicAugmentation::BasicAugmentation(std::string name, const Params& params, bool video, bool audio)
    : name_(std::move(name)), p_(params.real("p")), video_(video), audio_(audio) {}

// One stream's augmentations leave audio-visual units alone: changing the mouths or the voice of
// a unit on its own could break (or fake) the very agreement an av model learns.
bool BasicAugmentation::applies_to(AugmentModality modality) const {
  return modality == AugmentModality::video ? video_ : modality == AugmentModality::audio && audio_;
}

void Augmentation::forge(AugmentSample&, const AugmentSample*, std::mt19937_64&) const {
  throw std::logic_error("this augmentation does not forge fakes (only blending ones do: self_blend, face_blend)");
}

void BasicAugmentation::apply(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const {
  check(sample, partner);
  if (uniform01(rng) >= p_) return;
  augment(sample, this->partner() == PartnerKind::none ? nullptr : partner, rng);
}

void BasicAugmentation::forge(AugmentSample& sample, const AugmentSample* partner, std::mt19937_64& rng) const {
  if (!forges()) throw std::logic_error("augmentation " + name_ + " does not forge fakes (only blending ones do)");
  check(sample, partner);
  augment(sample, this->partner() == PartnerKind::none ? nullptr : partner, rng);
}

void BasicAugmentation::check(const AugmentSample& sample, const AugmentSample* partner) const {
  if (!applies_to(sample.modality))
    throw std::invalid_argument("augmentation " + name_ + " does not apply to " + modality_name(sample.modality) +
                                " samples (it takes " + (video_ ? "video" : "audio") + ")");
  if (sample.modality == AugmentModality::video)
    check_video(sample, "augmentation " + name_);
  else
    check_audio(sample, "augmentation " + name_);
  if (partner) {
    const std::string who = "augmentation " + name_ + " partner";
    if (partner->modality != sample.modality)
      throw std::invalid_argument(who + " is " + modality_name(partner->modality) + ", the sample " +
                                  modality_name(sample.modality));
    if (sample.modality == AugmentModality::video) {
      check_video(*partner, who);
      if (partner->frames.size() != sample.frames.size() || partner->frames[0].size() != sample.frames[0].size())
        throw std::invalid_argument(who + " has another shape (" + std::to_string(partner->frames.size()) +
                                    " frames of " + std::to_string(partner->frames[0].cols) + "x" +
                                    std::to_string(partner->frames[0].rows) + ") than the sample (" +
                                    std::to_string(sample.frames.size()) + " frames of " +
                                    std::to_string(sample.frames[0].cols) + "x" +
                                    std::to_string(sample.frames[0].rows) + ")");
    } else {
      check_audio(*partner, who);
      if (partner->feature.size() != sample.feature.size())
        throw std::invalid_argument(who + " feature has another shape than the sample's");
    }
  }
}

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform01(rng); }

std::int64_t uniform_int(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  if (hi <= lo) return lo;
  const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
  return lo + static_cast<std::int64_t>(rng() % span);   // modulo bias < span / 2^64: negligible
}

double standard_normal(std::mt19937_64& rng) {
  const double u1 = 1.0 - uniform01(rng);   // (0, 1]
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

namespace {
double gamma_draw(std::mt19937_64& rng, double a) {
  if (a < 1.0) return gamma_draw(rng, a + 1.0) * std::pow(1.0 - uniform01(rng), 1.0 / a);
  const double d = a - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - uniform01(rng);
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}
}  // namespace

double beta_symmetric(std::mt19937_64& rng, double a) {
  const double x = gamma_draw(rng, a), y = gamma_draw(rng, a);
  return x + y > 0.0 ? x / (x + y) : 0.5;
}

std::pair<double, double> range_param(const Params& params, const std::string& plugin, const std::string& name) {
  const std::vector<double> v = params.reals(name);
  const std::string where = params.origin.empty() ? plugin : params.origin + ": " + plugin;
  if (v.size() != 2)
    throw std::invalid_argument(where + ": " + name + " must be [lo, hi], got " + std::to_string(v.size()) +
                                " values");
  if (v[0] > v[1]) throw std::invalid_argument(where + ": " + name + " must have lo <= hi");
  return {v[0], v[1]};
}

void register_augmentation_plugins(Registry& registry) {
  registry.add<Hflip>(Hflip::info());
  registry.add<RandomResizedCrop>(RandomResizedCrop::info());
  registry.add<ColorJitter>(ColorJitter::info());
  registry.add<GaussianBlur>(GaussianBlur::info());
  registry.add<GaussianNoise>(GaussianNoise::info());
  registry.add<Cutout>(Cutout::info());
  registry.add<JpegRecompress>(JpegRecompress::info());
  registry.add<H264Reencode>(H264Reencode::info());
  registry.add<LandmarkCutout>(LandmarkCutout::info());
  registry.add<Cutmix>(Cutmix::info());
  registry.add<Mixup>(Mixup::info());
  registry.add<PairedMixup>(PairedMixup::info());
  registry.add<SelfBlend>(SelfBlend::info());
  registry.add<FaceBlend>(FaceBlend::info());
  registry.add<AudioGain>(AudioGain::info());
  registry.add<AudioNoise>(AudioNoise::info());
  registry.add<TimeShift>(TimeShift::info());
  registry.add<SpecAugment>(SpecAugment::info());
  registry.add<AvShift>(AvShift::info());
}

}  // namespace dflab
