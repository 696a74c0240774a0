// AvSampleSource + the "av" wiring of the training engine: a unit's mouth stack and audio window
// come from the same times (also under training's random starts), batches carry both tensors,
// and the Trainer / predict_videos feed an av model (av_joint) through forward_av.
#include "experiments/training/av_sample_source.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "experiments/builtin_plugins.h"
#include "experiments/training/av_sync_curve.h"
#include "experiments/training/batch_loader.h"
#include "experiments/training/inference.h"
#include "experiments/training/trainer.h"
#include "modalities/aggregators/aggregator.h"
#include "modalities/augment/augmentation.h"
#include "modalities/av/models/av_model.h"
#include "modalities/models/model.h"
#include <cmath>

namespace fs = std::filesystem;

namespace dflab {
namespace {

constexpr int kFrames = 7, kH = 12, kW = 24, kBins = 3, kCols = 4;

// Frame f of every clip: mouth pixels 10 + 20 f (all channels), audio window f + 3 x label: each
// stream says which frame it is.
struct TaggedCache {
  fs::path dir;
  std::unique_ptr<AvCache> cache;
  std::vector<AvSampleEntry> entries;
  const std::string params = "tagged";
  explicit TaggedCache(int n_videos) {
    dir = fs::temp_directory_path() / ("dflab_av_source_" + std::to_string(::getpid()) + "_" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    cache = std::make_unique<AvCache>((dir / "cache").string());
    for (int v = 0; v < n_videos; ++v) {
      const std::string path = (dir / ("v" + std::to_string(v) + ".mp4")).string();
      std::ofstream(path) << "video " << v;   // the cache keys on the file's identity only
      AvClip c;
      c.path = path;
      const int label = v % 2;
      c.status = v == n_videos - 1 ? AvStatus::no_audio : AvStatus::ok;
      c.message = c.status == AvStatus::no_audio ? path + ": no audio stream" : "";
      if (c.status == AvStatus::ok) {
        for (int f = 0; f < kFrames; ++f) {
          c.timestamps_s.push_back(f * 0.04);
          c.window_starts.push_back(f * 640 - 1600);
          c.coverage.push_back(1.0f);
          c.mouths.push_back(cv::Mat(kH, kW, CV_8UC3, cv::Scalar::all(10 + 20 * f)));
          c.mouth_from_landmarks.push_back(1);
          c.audio.push_back(FeatureMatrix(kBins, kCols, static_cast<float>(f + 3 * label)));
        }
      }
      cache->store(c, params);
      entries.push_back(av_sample_entry({"v" + std::to_string(v), label, -1}, *cache, path, params));
    }
  }
  ~TaggedCache() { fs::remove_all(dir); }
};

// An av model's parameters for the tagged clips' units (stacks of 3).
Params tagged_unit_params(const Registry& reg, const std::string& plugin, std::int64_t embed) {
  Params p = reg.defaults(kind::model, plugin);
  p.set("stack", std::int64_t{3});
  p.set("mouth_height", std::int64_t{kH});
  p.set("mouth_width", std::int64_t{kW});
  p.set("audio_bins", std::int64_t{kBins});
  p.set("audio_frames", std::int64_t{kCols});
  p.set("embed", embed);
  return p;
}

TEST(AvSampleSource, AUnitIsAMouthStackWithTheAudioOfItsMiddleFrame) {
  TaggedCache t(4);
  EXPECT_EQ(t.entries[0].n_frames, 7u);
  EXPECT_EQ(t.entries[3].n_frames, 0u);
  EXPECT_NE(t.entries[3].missing_reason.find("av no_audio"), std::string::npos) << t.entries[3].missing_reason;
  EXPECT_NE(t.entries[3].missing_reason.find("v3.mp4"), std::string::npos) << t.entries[3].missing_reason;
  AvSampleSource src(t.entries, *t.cache, t.params, /*stack=*/3, kH, kW, kBins, kCols);
  EXPECT_EQ(src.modality(), AugmentModality::av);
  EXPECT_EQ(src.units(0), 3u);   // frames 0-2, 3-5, then 4-6 (ends on the last frame)
  EXPECT_EQ(src.units(3), 0u);
  const AugmentSample s = src.load(1, 2, nullptr);
  ASSERT_EQ(s.frames.size(), 3u);
  EXPECT_EQ(s.frames[0].at<cv::Vec3b>(0, 0)[0], 10 + 20 * 4);
  EXPECT_EQ(s.frames[2].at<cv::Vec3b>(0, 0)[0], 10 + 20 * 6);
  EXPECT_EQ(s.feature.at<float>(0, 0), 5.0f + 3.0f) << "the audio of frame 5 (video 1 is fake: +3)";
  EXPECT_EQ(s.target, 1.0f);
  const InputNormalisation n = src.normalisation();
  ASSERT_EQ(n.mean.size(), 4u);
  EXPECT_NEAR(n.mean[3], (3.0 + 6.0 + 3.0) / 3.0, 1e-5) << "audio mean over the usable windows (v1 is fake: +3)";

  // Shapes that are not the model's: one error naming the video and both shapes.
  try {
    AvSampleSource wrong(t.entries, *t.cache, t.params, 3, kH, kW, 13, 21);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("v0: cached mouths 24x12 and audio windows 3x4"), std::string::npos) << e.what();
  }
}

TEST(AvSampleSource, BatchesCarryBothStreamsOfTheSameTimesUnderRandomStarts) {
  TaggedCache t(6);
  AvSampleSource src(t.entries, *t.cache, t.params, 3, kH, kW, kBins, kCols);
  const InputNormalisation n = src.normalisation();
  std::vector<std::vector<SampleRef>> plan;
  for (std::size_t b = 0; b < 6; ++b) plan.push_back({{b % 5, 0}, {(b + 1) % 5, 1}, {(b + 2) % 5, 2}});
  LoaderOptions lo;
  lo.training = true;   // random stack starts
  lo.workers = 2;
  lo.seed = 3;
  BatchLoader loader(src, plan, lo);
  int checked = 0;
  while (auto b = loader.next()) {
    ASSERT_TRUE(b->audio.defined());
    ASSERT_EQ(b->x.sizes(), (std::vector<std::int64_t>{3, 3, 3, kH, kW}));
    ASSERT_EQ(b->audio.sizes(), (std::vector<std::int64_t>{3, 1, kBins, kCols}));
    for (std::int64_t i = 0; i < 3; ++i) {
      // Undo the normalisation: the middle mouth's grey level and the audio value name frames.
      const float red = b->x[i][1][0][0][0].item<float>() * n.std[0] + n.mean[0];
      const int mid_frame = static_cast<int>(std::lround((red * 255.0f - 10.0f) / 20.0f));
      const float audio = b->audio[i][0][0][0].item<float>() * n.std[3] + n.mean[3];
      const int label = static_cast<int>(b->target[i].item<float>());
      EXPECT_NEAR(audio - 3.0f * label, static_cast<float>(mid_frame), 1e-3) << "batch " << b->index << " sample " << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 18);
}

TEST(AvSampleSource, TrainerAndPredictFeedAnAvModelThroughForwardAv) {
  TaggedCache t(9);
  AvSampleSource train(t.entries, *t.cache, t.params, 3, kH, kW, kBins, kCols);
  const Registry reg = builtin_registry();
  const Params p = tagged_unit_params(reg, "av_joint", 8);
  auto model = reg.create<Model>(kind::model, "av_joint", p);
  auto* av = dynamic_cast<AvModel*>(model.get());
  ASSERT_NE(av, nullptr);
  EXPECT_EQ(model->input().shape(2), (std::vector<std::int64_t>{2, 3, 3, kH, kW}));
  EXPECT_EQ(av->audio_shape(2), (std::vector<std::int64_t>{2, 1, kBins, kCols}));
  EXPECT_THROW(model->forward(torch::zeros({1, 3, 3, kH, kW})), std::logic_error) << "one tensor is not an av unit";
  Batch no_audio;
  no_audio.x = torch::zeros({1, 3, 3, kH, kW});
  EXPECT_THROW(forward_batch(*model, no_audio, torch::kCPU), std::invalid_argument) << "an av model without audio";
  auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
  TrainSettings s;
  s.epochs = 2;
  s.batch = 4;
  s.workers = 0;
  s.lr = 1e-2;
  s.device = "cpu";
  const fs::path ckpt = t.dir / "ckpt";
  Trainer trainer(*model, train, nullptr, *agg, s, {}, ckpt.string());
  std::vector<EpochReport> epochs;
  trainer.on_epoch = [&](const EpochReport& e) { epochs.push_back(e); };
  const TrainResult r = trainer.fit(false);
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[0].samples, 8u * 3u) << "the audio-less video is not trained on";
  EXPECT_TRUE(std::isfinite(epochs[1].train_loss));
  EXPECT_TRUE(fs::exists(r.best_checkpoint));
  const std::vector<VideoScore> scores = predict_videos(*model, train, *agg, trainer.predict_settings());
  ASSERT_EQ(scores.size(), 9u);
  EXPECT_EQ(scores[0].unit_scores.size(), 3u);
  EXPECT_TRUE(scores[0].score);
  EXPECT_FALSE(scores[8].score);
  EXPECT_NE(scores[8].missing_reason.find("no_audio"), std::string::npos);
}

TEST(AvSampleSource, TrainingUnitsCarryTheAudioOfTheFramesAroundThem) {
  TaggedCache t(3);
  AvSampleSource src(t.entries, *t.cache, t.params, 3, kH, kW, kBins, kCols);
  EXPECT_TRUE(src.load(0, 1, nullptr).audio_context.empty()) << "inference units carry no context";
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    std::mt19937_64 rng(seed);
    const AugmentSample s = src.load(1, 0, &rng);
    ASSERT_EQ(s.audio_context.size(), static_cast<std::size_t>(kFrames)) << "a short clip: all its frames";
    ASSERT_GE(s.audio_context_centre, 0);
    const cv::Mat& centre = s.audio_context[static_cast<std::size_t>(s.audio_context_centre)];
    EXPECT_EQ(centre.at<float>(0, 0), s.feature.at<float>(0, 0));
    for (std::size_t k = 0; k < s.audio_context.size(); ++k)
      EXPECT_EQ(s.audio_context[k].at<float>(0, 0), static_cast<float>(k) + 3.0f) << "frame k's window, in time order";
  }
}

// real_only for an av model: every real unit sits beside a copy whose audio av_shift took from
// another time of the same video; the mouths of the pair are the same.
TEST(AvSampleSource, RealOnlyPairsEachUnitWithAnOutOfSyncCopy) {
  TaggedCache t(5);
  AvSampleSource src(t.entries, *t.cache, t.params, 3, kH, kW, kBins, kCols);
  const InputNormalisation n = src.normalisation();
  const Registry reg = builtin_registry();
  Params ap = reg.defaults(kind::augmentation, "av_shift");
  ap.set("min_shift", std::int64_t{2});
  const auto shift = reg.create<Augmentation>(kind::augmentation, "av_shift", ap);
  std::vector<std::vector<SampleRef>> plan = {{{0, 0, false}, {0, 0, true}, {2, 1, false}, {2, 1, true}}};
  LoaderOptions lo;
  lo.training = true;
  lo.real_only = true;
  lo.workers = 0;
  lo.augmentations = {shift.get()};
  for (int epoch = 0; epoch < 5; ++epoch) {
    lo.epoch = epoch;
    BatchLoader loader(src, plan, lo);
    const auto b = loader.next();
    ASSERT_TRUE(b);
    for (std::int64_t k = 0; k < 4; k += 2) {
      EXPECT_EQ(b->target[k].item<float>(), 0.0f);
      EXPECT_EQ(b->target[k + 1].item<float>(), 1.0f);
      EXPECT_TRUE(torch::equal(b->x[k], b->x[k + 1])) << "the same mouths";
      const float plain = b->audio[k][0][0][0].item<float>() * n.std[3] + n.mean[3];
      const float forged = b->audio[k + 1][0][0][0].item<float>() * n.std[3] + n.mean[3];
      const float red = b->x[k][1][0][0][0].item<float>() * n.std[0] + n.mean[0];
      const int mid_frame = static_cast<int>(std::lround((red * 255.0f - 10.0f) / 20.0f));
      EXPECT_NEAR(plain, static_cast<float>(mid_frame), 1e-3) << "the plain copy is in sync";
      EXPECT_GE(std::abs(forged - plain), 2.0f - 1e-3) << "the forged copy hears another time";
    }
  }
}

// A stand-in av model whose logit is |audio time - middle mouth time - lag|: the curve must be
// lowest at d = lag, whatever the edges leave out.
class LaggedModel final : public AvModel {
 public:
  explicit LaggedModel(int lag) : lag_(lag) {}
  InputSpec input() const override { return {Modality::sequence, 3, kH, kW, 3, ""}; }
  std::vector<std::int64_t> audio_shape(std::int64_t batch) const override { return {batch, 1, kBins, kCols}; }
  torch::Tensor forward_av(const torch::Tensor& mouths, const torch::Tensor& audio) override {
    // Mouth pixels 10 + 20 f (normalised with mean 0, std 1: (10 + 20 f) / 255); audio f + 3 label.
    const torch::Tensor f_mouth = (mouths.select(1, 1).select(1, 0).select(1, 0).select(1, 0) * 255.0 - 10.0) / 20.0;
    const torch::Tensor f_audio = audio.select(1, 0).select(1, 0).select(1, 0) - 3.0 * label_;
    return (f_audio - f_mouth - lag_).abs();
  }
  std::vector<torch::Tensor> parameters() const override { return {}; }
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override { return {}; }
  void train(bool) override {}
  bool is_training() const override { return false; }
  void to(const torch::Device&) override {}
  double label_ = 0.0;

 private:
  std::string name_for_errors() const override { return "lagged"; }
  int lag_;
};

TEST(SyncCurve, TheOffsetIsWhereTheModelSaysMouthAndVoiceAgree) {
  TaggedCache t(2);
  const std::optional<AvClip> clip = t.cache->load(t.entries[0].video_path, t.params);
  ASSERT_TRUE(clip);
  InputNormalisation plain{{0, 0, 0, 0}, {1, 1, 1, 1}};
  for (int lag : {-2, 0, 1, 3}) {
    LaggedModel model(lag);
    SyncCurveOptions o;
    o.max_offset = 3;
    o.batch = 4;   // several batches
    const SyncCurve c = sync_curve(model, *clip, plain, o);
    ASSERT_EQ(c.offsets, (std::vector<int>{-3, -2, -1, 0, 1, 2, 3}));
    EXPECT_EQ(c.offset_frames, lag);
    EXPECT_NEAR(c.frame_interval_s, 0.04, 1e-9);
    EXPECT_NEAR(c.offset_ms, 40.0 * lag, 1e-6);
    // 5 stacks of 3 in 7 frames (middles 1..5); offset d needs frame middle + d in 0..6.
    EXPECT_EQ(c.stacks, (std::vector<int>{3, 4, 5, 5, 5, 4, 3}));
    for (std::size_t k = 0; k < c.offsets.size(); ++k) EXPECT_NEAR(c.logit[k], std::abs(c.offsets[k] - lag), 1e-5);
    EXPECT_GT(c.confidence, 0.5);
  }
  LaggedModel model(0);
  AvClip short_clip = *clip;
  short_clip.mouths.resize(2);
  short_clip.audio.resize(2);
  EXPECT_THROW(sync_curve(model, short_clip, plain, {}), std::invalid_argument) << "fewer frames than a stack";
}

TEST(SyncCurve, ReadingTheCurve) {
  SyncCurve c;
  c.offsets = {-2, -1, 0, 1, 2};
  c.logit = {3.0, 1.0, 1.0, std::nan(""), 5.0};
  c.frame_interval_s = 0.04;
  settle_sync_curve(c);
  EXPECT_EQ(c.offset_frames, 0) << "a tie goes to the offset nearest zero";
  EXPECT_NEAR(c.confidence, 2.0 - 1.0, 1e-12) << "median of the defined values (1, 1, 3, 5) minus the minimum";
  SyncCurve d = c;
  d.logit = {3.0, 0.0, 2.0, std::nan(""), 5.0};
  d.in_sync_probability = 0.2;
  c.in_sync_probability = 0.6;
  const SyncCurve m = mean_sync_curve({c, d});
  EXPECT_EQ(m.offset_frames, -1);
  EXPECT_NEAR(m.offset_ms, -40.0, 1e-9);
  EXPECT_NEAR(m.logit[1], 0.5, 1e-12);
  EXPECT_TRUE(std::isnan(m.logit[3]));
  EXPECT_NEAR(m.in_sync_probability, 0.4, 1e-12);
  EXPECT_THROW(mean_sync_curve({}), std::invalid_argument);
}

// av_sync embeds each stream separately: the offset search embeds every stack and window once;
// the curve must be the one of scoring every pair with forward_av.
class PairwiseOnly final : public AvModel {
 public:
  explicit PairwiseOnly(AvModel& inner) : inner_(inner) {}
  InputSpec input() const override { return inner_.input(); }
  std::vector<std::int64_t> audio_shape(std::int64_t batch) const override { return inner_.audio_shape(batch); }
  torch::Tensor forward_av(const torch::Tensor& m, const torch::Tensor& a) override { return inner_.forward_av(m, a); }
  std::vector<torch::Tensor> parameters() const override { return inner_.parameters(); }
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override { return inner_.named_state(); }
  void train(bool on) override { inner_.train(on); }
  bool is_training() const override { return inner_.is_training(); }
  void to(const torch::Device& d) override { inner_.to(d); }

 private:
  std::string name_for_errors() const override { return "pairwise"; }
  AvModel& inner_;
};

TEST(SyncCurve, EmbeddingEachStreamOnceGivesTheCurveOfEveryPair) {
  TaggedCache t(2);
  const std::optional<AvClip> clip = t.cache->load(t.entries[0].video_path, t.params);
  ASSERT_TRUE(clip);
  const Registry reg = builtin_registry();
  const Params p = tagged_unit_params(reg, "av_sync", 16);
  torch::manual_seed(5);
  auto model = reg.create<Model>(kind::model, "av_sync", p);
  auto* av = dynamic_cast<AvModel*>(model.get());
  ASSERT_NE(av, nullptr);
  ASSERT_TRUE(av->embeds_streams_separately());
  PairwiseOnly pairwise(*av);
  EXPECT_FALSE(pairwise.embeds_streams_separately());
  EXPECT_THROW(pairwise.embed_mouths(torch::zeros({1, 3, 3, kH, kW})), std::logic_error);
  InputNormalisation norm{{0.4f, 0.4f, 0.4f, 5.0f}, {0.2f, 0.2f, 0.2f, 2.0f}};
  SyncCurveOptions o;
  o.max_offset = 4;
  o.batch = 3;
  const SyncCurve fast = sync_curve(*av, *clip, norm, o), slow = sync_curve(pairwise, *clip, norm, o);
  ASSERT_EQ(fast.offsets, slow.offsets);
  EXPECT_EQ(fast.stacks, slow.stacks);
  for (std::size_t k = 0; k < fast.logit.size(); ++k) {
    if (std::isnan(slow.logit[k])) {
      EXPECT_TRUE(std::isnan(fast.logit[k]));
      continue;
    }
    EXPECT_NEAR(fast.logit[k], slow.logit[k], 1e-5) << "offset " << fast.offsets[k];
  }
  EXPECT_EQ(fast.offset_frames, slow.offset_frames);
  EXPECT_NEAR(fast.in_sync_probability, slow.in_sync_probability, 1e-6);
}

}  // namespace
}  // namespace dflab
