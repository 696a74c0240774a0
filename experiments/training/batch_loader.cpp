#include "experiments/training/batch_loader.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include <opencv2/core.hpp>

#include "metrics/xoshiro256.h"
#include "modalities/av/models/av_model.h"

namespace dflab {

std::uint64_t mix_seed(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull;
  for (std::uint64_t p : parts) {
    std::uint64_t state = h + p;
    h = splitmix64(state);
  }
  return h;
}

torch::Tensor forward_batch(Model& model, const Batch& batch, const torch::Device& device) {
  auto* av = dynamic_cast<AvModel*>(&model);
  if (batch.audio.defined() != (av != nullptr))
    throw std::invalid_argument(av ? "an audio-visual model needs batches of mouth stacks with their audio (modality \"av\")"
                                   : "batches of mouth stacks with audio need an audio-visual model (modalities/av/models/)");
  return av ? av->forward_av(batch.x.to(device), batch.audio.to(device)) : model.forward(batch.x.to(device));
}

std::pair<torch::Tensor, torch::Tensor> av_samples_to_tensors(const std::vector<AugmentSample>& samples,
                                                              const InputNormalisation& norm) {
  if (samples.empty()) throw std::invalid_argument("av_samples_to_tensors: no samples");
  const InputNormalisation mouth_norm = av_mouth_normalisation(norm), audio_norm = av_audio_normalisation(norm);
  std::vector<AugmentSample> mouths(samples.size()), audio(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].modality != AugmentModality::av) throw std::invalid_argument("av_samples_to_tensors: not an av sample");
    mouths[i].modality = AugmentModality::video;
    mouths[i].frames = samples[i].frames;
    audio[i].modality = AugmentModality::audio;
    audio[i].feature = samples[i].feature;
  }
  return {samples_to_tensor(mouths, mouth_norm, /*sequence=*/true), samples_to_tensor(audio, audio_norm, false)};
}

namespace {
void check_av_normalisation(const InputNormalisation& norm) {
  if (norm.mean.size() != 4 || norm.std.size() != 4)
    throw std::invalid_argument("av normalisation: needs RGB then audio mean and std (4 each)");
}
}  // namespace

InputNormalisation av_mouth_normalisation(const InputNormalisation& norm) {
  check_av_normalisation(norm);
  return {{norm.mean[0], norm.mean[1], norm.mean[2]}, {norm.std[0], norm.std[1], norm.std[2]}, 0.0f};
}

InputNormalisation av_audio_normalisation(const InputNormalisation& norm) {
  check_av_normalisation(norm);
  return {{norm.mean[3]}, {norm.std[3]}, norm.silence};
}

torch::Tensor samples_to_tensor(const std::vector<AugmentSample>& samples, const InputNormalisation& norm,
                                bool sequence) {
  if (samples.empty()) throw std::invalid_argument("samples_to_tensor: no samples");
  const auto n = static_cast<std::int64_t>(samples.size());
  if (samples[0].modality == AugmentModality::audio) {
    const cv::Mat& f0 = samples[0].feature;
    torch::Tensor x = torch::empty({n, 1, f0.rows, f0.cols}, torch::kFloat32);
    const float mean = norm.mean.empty() ? 0.0f : norm.mean[0];
    const float inv = norm.std.empty() ? 1.0f : 1.0f / norm.std[0];
    for (std::int64_t i = 0; i < n; ++i) {
      const cv::Mat& f = samples[static_cast<std::size_t>(i)].feature;
      if (f.rows != f0.rows || f.cols != f0.cols || f.type() != CV_32FC1)
        throw std::invalid_argument("samples_to_tensor: audio features differ in shape or type");
      float* out = x[i].data_ptr<float>();
      for (int r = 0; r < f.rows; ++r) {
        const float* in = f.ptr<float>(r);
        for (int c = 0; c < f.cols; ++c) *out++ = (in[c] - mean) * inv;
      }
    }
    return x;
  }
  const cv::Mat& m0 = samples[0].frames.at(0);
  const auto t = static_cast<std::int64_t>(samples[0].frames.size());
  if (!sequence && t != 1) throw std::invalid_argument("samples_to_tensor: a frame model's sample has several frames");
  const std::int64_t h = m0.rows, w = m0.cols;
  torch::Tensor x = sequence ? torch::empty({n, t, 3, h, w}, torch::kFloat32) : torch::empty({n, 3, h, w}, torch::kFloat32);
  float scale[3], shift[3];
  for (int c = 0; c < 3; ++c) {   // (v/255 - mean) / std = v * scale + shift
    const float sd = norm.std.size() == 3 ? norm.std[static_cast<std::size_t>(c)] : 1.0f;
    const float mu = norm.mean.size() == 3 ? norm.mean[static_cast<std::size_t>(c)] : 0.0f;
    scale[c] = 1.0f / (255.0f * sd);
    shift[c] = -mu / sd;
  }
  float* out = x.data_ptr<float>();
  for (const AugmentSample& s : samples) {
    if (static_cast<std::int64_t>(s.frames.size()) != t) throw std::invalid_argument("samples_to_tensor: clips differ in length");
    for (const cv::Mat& m : s.frames) {
      if (m.rows != h || m.cols != w || m.type() != CV_8UC3)
        throw std::invalid_argument("samples_to_tensor: crops differ in size or are not 8-bit BGR");
      // planes R, G, B from interleaved B, G, R
      for (int c = 0; c < 3; ++c) {
        const int src = 2 - c;
        for (int r = 0; r < h; ++r) {
          const std::uint8_t* in = m.ptr<std::uint8_t>(r);
          for (int col = 0; col < w; ++col) *out++ = static_cast<float>(in[3 * col + src]) * scale[c] + shift[c];
        }
      }
    }
  }
  return x;
}

BatchLoader::BatchLoader(const SampleSource& source, std::vector<std::vector<SampleRef>> plan, LoaderOptions options)
    : source_(source), plan_(std::move(plan)), options_(std::move(options)), norm_(source.normalisation()) {
  for (std::size_t i = 0; i < source_.size(); ++i)
    if (source_.units(i) > 0) {
      with_units_.push_back(i);
      if (source_.video(i).label == 0) reals_with_units_.push_back(i);
    }
  options_.capacity = std::max(1, options_.capacity);
  for (int w = 0; w < options_.workers; ++w) workers_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  space_cv_.notify_all();
  ready_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

Batch BatchLoader::make(std::size_t b) const {
  Batch batch;
  batch.index = b;
  batch.refs = plan_[b];
  std::vector<AugmentSample> samples;
  samples.reserve(batch.refs.size());
  std::vector<float> targets;
  for (std::size_t k = 0; k < batch.refs.size(); ++k) {
    const SampleRef& ref = batch.refs[k];
    std::mt19937_64 rng(mix_seed({options_.seed, static_cast<std::uint64_t>(options_.epoch), b, k}));
    AugmentSample s;
    if (options_.real_only && options_.training) {
      std::mt19937_64 pair_rng(mix_seed({options_.seed, static_cast<std::uint64_t>(options_.epoch), b, ref.video,
                                         ref.unit, 0x70616972ull}));
      s = source_.load(ref.video, ref.unit, &pair_rng);
    } else {
      s = source_.load(ref.video, ref.unit, options_.training ? &rng : nullptr);
    }
    if (ref.forge && !options_.training) throw std::logic_error("BatchLoader: a forged sample outside training");
    // The blending augmentation that makes this copy fake (real_only): one of them, drawn.
    const Augmentation* forger = nullptr;
    if (ref.forge) {
      std::vector<const Augmentation*> forgers;
      for (const Augmentation* aug : options_.augmentations)
        if (aug->forges() && aug->applies_to(s.modality)) forgers.push_back(aug);
      if (forgers.empty())
        throw std::logic_error("BatchLoader: a sample to forge (real_only) but no blending augmentation (self_blend, face_blend)");
      forger = forgers[std::uniform_int_distribution<std::size_t>(0, forgers.size() - 1)(rng)];
    }
    if (options_.training) {
      for (const Augmentation* aug : options_.augmentations) {
        if (!aug->applies_to(s.modality)) continue;
        if (options_.real_only && aug->forges() && aug != forger) continue;   // the real copy stays real
        std::optional<AugmentSample> partner;
        if (aug->partner() == PartnerKind::any && !with_units_.empty()) {
          const std::size_t j = with_units_[std::uniform_int_distribution<std::size_t>(0, with_units_.size() - 1)(rng)];
          const std::size_t u = std::uniform_int_distribution<std::size_t>(0, source_.units(j) - 1)(rng);
          partner = source_.load(j, u, &rng);
        } else if (aug->partner() == PartnerKind::real) {
          std::vector<std::size_t> others;
          for (std::size_t j : reals_with_units_)
            if (j != ref.video) others.push_back(j);
          if (!others.empty()) {
            const std::size_t j = others[std::uniform_int_distribution<std::size_t>(0, others.size() - 1)(rng)];
            const std::size_t u = std::uniform_int_distribution<std::size_t>(0, source_.units(j) - 1)(rng);
            partner = source_.load(j, u, &rng);
          }
        } else if (aug->partner() == PartnerKind::original) {
          const int o = source_.video(ref.video).original;
          if (o >= 0 && source_.units(static_cast<std::size_t>(o)) > 0) {
            const std::size_t u = std::min(ref.unit, source_.units(static_cast<std::size_t>(o)) - 1);
            partner = source_.load(static_cast<std::size_t>(o), u, nullptr);
          }
        }
        if (aug == forger) {
          if (aug->partner() != PartnerKind::none && !partner)
            throw std::runtime_error("real_only: the blending augmentation needs another real training video with "
                                     "usable crops than " + source_.video(ref.video).id + ", and there is none");
          aug->forge(s, partner ? &*partner : nullptr, rng);
          continue;
        }
        if (aug->partner() != PartnerKind::none && !partner) continue;
        aug->apply(s, partner ? &*partner : nullptr, rng);
      }
    }
    if (options_.hflip)
      for (cv::Mat& f : s.frames) {
        cv::Mat flipped;
        cv::flip(f, flipped, 1);
        f = flipped;
      }
    targets.push_back(s.target);
    samples.push_back(std::move(s));
  }
  if (!samples.empty() && samples[0].modality == AugmentModality::av)
    std::tie(batch.x, batch.audio) = av_samples_to_tensors(samples, norm_);
  else
    batch.x = samples_to_tensor(samples, norm_, options_.sequence);
  batch.target = torch::tensor(targets, torch::kFloat32);
  return batch;
}

void BatchLoader::work() {
  for (;;) {
    std::size_t b;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      space_cv_.wait(lock, [&] { return stop_ || next_make_ < next_out_ + static_cast<std::size_t>(options_.capacity); });
      if (stop_ || next_make_ >= plan_.size()) return;
      b = next_make_++;
    }
    try {
      Batch batch = make(b);
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(b, std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      stop_ = true;
    }
    ready_cv_.notify_all();
    space_cv_.notify_all();
  }
}

std::optional<Batch> BatchLoader::next() {
  if (next_out_ >= plan_.size()) return std::nullopt;
  if (workers_.empty()) return make(next_out_++);
  std::unique_lock<std::mutex> lock(mutex_);
  ready_cv_.wait(lock, [&] { return error_ || ready_.count(next_out_) > 0; });
  if (error_) std::rethrow_exception(error_);
  Batch batch = std::move(ready_.at(next_out_));
  ready_.erase(next_out_);
  ++next_out_;
  lock.unlock();
  space_cv_.notify_all();
  return batch;
}

}  // namespace dflab
