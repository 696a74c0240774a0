// audio_feature "waveform" (modalities/audio/features/waveform.h): the decoded samples as one
// feature row, through the feature cache, with a cache key that follows the sample rate.
#include "modalities/audio/features/waveform.h"

#include <gtest/gtest.h>

#include "audio_test_util.h"
#include "modalities/audio/feature_cache.h"
#include "modalities/audio/sound_file.h"

namespace dflab {
namespace {

std::unique_ptr<AudioFeature> waveform(std::int64_t sample_rate = 16000) {
  Registry reg;
  register_audio_feature_plugins(reg);
  Params p = reg.defaults(kind::audio_feature, "waveform");
  p.set("sample_rate", sample_rate);
  return reg.create<AudioFeature>(kind::audio_feature, "waveform", p);
}

TEST(WaveformFeature, IsTheSamplesAsOneRow) {
  const auto f = waveform();
  EXPECT_EQ(f->sample_rate(), 16000);
  const std::vector<float> x = {0.0f, 0.25f, -0.5f, 1.0f, -1.0f};
  const FeatureMatrix m = f->compute(x);
  EXPECT_EQ(m.n_rows, 1);
  EXPECT_EQ(m.n_cols, 5);
  EXPECT_EQ(m.data, x);
  EXPECT_THROW(f->compute({}), std::invalid_argument);
  ASSERT_TRUE(f->silence().has_value());
  EXPECT_EQ(*f->silence(), 0.0f);
}

TEST(WaveformFeature, DefaultsToTheRateOfTheRawWaveformModels) {
  Registry reg;
  register_audio_feature_plugins(reg);
  EXPECT_EQ(reg.defaults(kind::audio_feature, "waveform").integer("sample_rate"), 16000);
  EXPECT_FALSE(reg.create<AudioFeature>(kind::audio_feature, "mel", reg.defaults(kind::audio_feature, "mel"))
                   ->silence()
                   .has_value())
      << "a spectrogram's silence is the training data's floor";
}

TEST(WaveformFeature, CacheKeyNamesTheFeatureAndFollowsTheRate) {
  EXPECT_EQ(waveform()->cache_key(), "waveform:sample_rate=16000");
  test::TempDir dir;
  const std::string wav = dir.file("tone.wav");
  write_sound_file(wav, test::sine(440.0, 16000, 0.5), 16000);
  const FileIdentity id = file_identity(wav);
  AudioDecodeOptions d16, d8;
  d16.sample_rate = 16000;
  d8.sample_rate = 8000;
  EXPECT_NE(FeatureCache::key(id, *waveform(16000), d16), FeatureCache::key(id, *waveform(8000), d8));
}

// Through extract_feature (decode at the feature's rate, then compute, then the cache): the
// feature equals the decoder's samples, and the second read comes from the cache unchanged.
TEST(WaveformFeature, ExtractedFeatureEqualsTheDecodedSamples) {
  test::TempDir dir;
  const std::string wav = dir.file("tone.wav");
  write_sound_file(wav, test::sine(440.0, 22050, 0.75), 22050);   // resampled to 16 kHz on decode
  const auto f = waveform();
  AudioDecodeOptions d;
  d.sample_rate = 16000;
  const DecodedAudio decoded = decode_audio(wav, d);
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  ASSERT_NEAR(static_cast<double>(decoded.samples.size()), 12000.0, 2.0);

  FeatureCache cache(dir.file("cache"));
  const FeatureResult first = extract_feature(wav, *f, {}, &cache);
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(first.feature.n_rows, 1);
  EXPECT_EQ(first.feature.data, decoded.samples);
  const FeatureResult second = extract_feature(wav, *f, {}, &cache);
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(second.feature.data, decoded.samples);
}

}  // namespace
}  // namespace dflab
