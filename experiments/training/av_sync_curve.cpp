#include "experiments/training/av_sync_curve.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "experiments/training/batch_loader.h"

namespace dflab {

SyncCurve sync_curve(AvModel& model, const AvClip& clip, const InputNormalisation& norm, const SyncCurveOptions& o) {
  const InputSpec in = model.input();
  const std::vector<std::int64_t> audio_shape = model.audio_shape(1);
  const auto t = static_cast<std::size_t>(in.frames), n = clip.mouths.size();
  if (o.max_offset < 0) throw std::invalid_argument("sync curve: max_offset must be >= 0");
  if (n < t || clip.audio.size() != n)
    throw std::invalid_argument(clip.path + ": " + std::to_string(n) + " sampled frame(s) with mouths, the model's stack is " +
                                std::to_string(t) + " (sample every frame: [video] sampling strategy = \"every_nth\", every = 1)");
  const cv::Mat& m0 = clip.mouths.front();
  const FeatureMatrix& a0 = clip.audio.front();
  if (m0.rows != in.height || m0.cols != in.width || a0.n_rows != audio_shape[2] || a0.n_cols != audio_shape[3])
    throw std::invalid_argument(clip.path + ": mouths " + std::to_string(m0.cols) + "x" + std::to_string(m0.rows) +
                                " and audio " + a0.shape_text() + ", but the model takes mouths " + std::to_string(in.width) +
                                "x" + std::to_string(in.height) + " and audio " + std::to_string(audio_shape[2]) + "x" +
                                std::to_string(audio_shape[3]));

  SyncCurve c;
  c.frame_interval_s = median_frame_interval(clip.timestamps_s);
  const int span = 2 * o.max_offset + 1;
  std::vector<double> sum(static_cast<std::size_t>(span), 0.0);
  std::vector<int> count(static_cast<std::size_t>(span), 0);
  double p_sync = 0.0;

  // Every (stack start, offset) pair whose audio frame exists, in batches.
  struct Pair { std::size_t start; int offset; };
  std::vector<Pair> pairs;
  for (std::size_t s = 0; s + t <= n; ++s)
    for (int d = -o.max_offset; d <= o.max_offset; ++d) {
      const auto f = static_cast<std::int64_t>(s + t / 2) + d;
      if (f >= 0 && f < static_cast<std::int64_t>(n)) pairs.push_back({s, d});
    }
  model.eval();
  torch::NoGradGuard no_grad;
  const auto batch = static_cast<std::size_t>(std::max(1, o.batch));
  // Stack `start`'s mouths and frame `f`'s audio window as samples (headers over the clip's data).
  auto mouth_sample = [&](std::size_t start) {
    AugmentSample s;
    s.modality = AugmentModality::video;
    s.frames.assign(clip.mouths.begin() + static_cast<std::ptrdiff_t>(start),
                    clip.mouths.begin() + static_cast<std::ptrdiff_t>(start + t));
    return s;
  };
  auto audio_sample = [&](std::size_t f) {
    AugmentSample s;
    s.modality = AugmentModality::audio;
    const FeatureMatrix& a = clip.audio[f];
    s.feature = cv::Mat(a.n_rows, a.n_cols, CV_32FC1, const_cast<float*>(a.data.data()));
    return s;
  };
  const InputNormalisation mouth_norm = av_mouth_normalisation(norm), audio_norm = av_audio_normalisation(norm);
  auto mouths_of = [&](const std::vector<AugmentSample>& s) { return samples_to_tensor(s, mouth_norm, true).to(o.device); };
  auto audio_of = [&](const std::vector<AugmentSample>& s) { return samples_to_tensor(s, audio_norm, false).to(o.device); };
  auto frame_of = [&](const Pair& p) {
    return static_cast<std::size_t>(static_cast<std::int64_t>(p.start + t / 2) + p.offset);
  };
  std::vector<double> logits;
  logits.reserve(pairs.size());
  if (model.embeds_streams_separately()) {
    // Each stack and each window once, then every pair from the embeddings.
    std::vector<torch::Tensor> mouth_rows, audio_rows;
    for (std::size_t k = 0; k + t <= n; k += batch) {
      std::vector<AugmentSample> stacks;
      for (std::size_t s = k; s < std::min(n - t + 1, k + batch); ++s) stacks.push_back(mouth_sample(s));
      mouth_rows.push_back(model.embed_mouths(mouths_of(stacks)));
    }
    for (std::size_t k = 0; k < n; k += batch) {
      std::vector<AugmentSample> windows;
      for (std::size_t f = k; f < std::min(n, k + batch); ++f) windows.push_back(audio_sample(f));
      audio_rows.push_back(model.embed_audio(audio_of(windows)));
    }
    const torch::Tensor mouth_emb = torch::cat(mouth_rows), audio_emb = torch::cat(audio_rows);
    std::vector<std::int64_t> by_stack, by_frame;
    for (const Pair& p : pairs) {
      by_stack.push_back(static_cast<std::int64_t>(p.start));
      by_frame.push_back(static_cast<std::int64_t>(frame_of(p)));
    }
    const torch::Tensor l = model
                                .logits_of_embeddings(mouth_emb.index_select(0, torch::tensor(by_stack).to(o.device)),
                                                      audio_emb.index_select(0, torch::tensor(by_frame).to(o.device)))
                                .to(torch::kCPU, torch::kFloat64)
                                .contiguous();
    logits.assign(l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
  } else {
    for (std::size_t k = 0; k < pairs.size(); k += batch) {
      std::vector<AugmentSample> stacks, windows;
      for (std::size_t j = k; j < std::min(pairs.size(), k + batch); ++j) {
        stacks.push_back(mouth_sample(pairs[j].start));
        windows.push_back(audio_sample(frame_of(pairs[j])));
      }
      const torch::Tensor l =
          model.forward_av(mouths_of(stacks), audio_of(windows)).to(torch::kCPU, torch::kFloat64).contiguous();
      logits.insert(logits.end(), l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
    }
  }
  for (std::size_t j = 0; j < pairs.size(); ++j) {
    const Pair& p = pairs[j];
    const auto at = static_cast<std::size_t>(p.offset + o.max_offset);
    sum[at] += logits[j];
    ++count[at];
    if (p.offset == 0) p_sync += 1.0 / (1.0 + std::exp(logits[j]));
  }
  for (int d = -o.max_offset; d <= o.max_offset; ++d) {
    const auto at = static_cast<std::size_t>(d + o.max_offset);
    c.offsets.push_back(d);
    c.stacks.push_back(count[at]);
    c.logit.push_back(count[at] ? sum[at] / count[at] : std::numeric_limits<double>::quiet_NaN());
  }
  const auto at0 = static_cast<std::size_t>(o.max_offset);
  c.in_sync_probability = count[at0] ? p_sync / count[at0] : 0.0;
  settle_sync_curve(c);
  return c;
}

}  // namespace dflab
