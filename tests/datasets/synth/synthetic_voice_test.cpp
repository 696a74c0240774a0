// The synthetic voice: length, level, a pitch in the speaker's range, a mouth that moves with the
// syllables; and the vocoded fake: same timing, far less energy above its cutoff — also after the
// AAC round trip through MediaWriter and the project's audio decoder.
#include "datasets/synth/synthetic_voice.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "modalities/audio/audio_decoder.h"
#include "modalities/audio/stft.h"
#include "modalities/media/media_writer.h"

namespace fs = std::filesystem;

namespace dflab::synth {
namespace {

constexpr int kRate = 16000;

// Fraction of the power above `hz` over the frames where the voice is on.
double power_above(const std::vector<float>& x, double hz) {
  StftOptions o;
  o.n_fft = 512;
  o.hop_length = 256;
  const FeatureMatrix s = spectrogram(x, o);
  const auto cut = static_cast<int>(hz / kRate * o.n_fft);
  double high = 0, total = 0;
  for (int t = 0; t < s.n_cols; ++t) {
    double frame = 0;
    for (int f = 0; f < s.n_rows; ++f) frame += s.at(f, t);
    if (frame < 1e-3) continue;   // silence between syllables
    for (int f = 0; f < s.n_rows; ++f) {
      total += s.at(f, t);
      if (f >= cut) high += s.at(f, t);
    }
  }
  return total > 0 ? high / total : 0;
}

// Pitch of the loudest 100 ms by autocorrelation over 80–300 Hz.
double pitch_hz(const std::vector<float>& x) {
  const std::size_t win = kRate / 10;
  std::size_t best_start = 0;
  double best_energy = -1;
  for (std::size_t s = 0; s + win < x.size(); s += win / 2) {
    double e = 0;
    for (std::size_t i = s; i < s + win; ++i) e += x[i] * x[i];
    if (e > best_energy) {
      best_energy = e;
      best_start = s;
    }
  }
  int best_lag = 0;
  double best = -1e9;
  for (int lag = kRate / 300; lag <= kRate / 80; ++lag) {
    double r = 0;
    for (std::size_t i = best_start; i + static_cast<std::size_t>(lag) < best_start + win; ++i) r += x[i] * x[i + static_cast<std::size_t>(lag)];
    if (r > best) {
      best = r;
      best_lag = lag;
    }
  }
  return static_cast<double>(kRate) / best_lag;
}

std::vector<float> aac_round_trip(const std::vector<float>& x, const fs::path& path) {
  MediaWriterOptions o;
  o.width = 64;
  o.height = 48;
  o.fps = 10;
  o.sample_rate = kRate;
  MediaWriter w(path.string(), o);
  const std::size_t per_frame = kRate / 10;
  for (std::size_t pos = 0; pos < x.size(); pos += per_frame) {
    w.write_frame(cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(90)));
    w.write_audio(x.data() + pos, std::min(per_frame, x.size() - pos));
  }
  w.finish();
  AudioDecodeOptions ao;
  ao.sample_rate = kRate;
  DecodedAudio a = decode_audio(path.string(), ao);
  EXPECT_TRUE(a.ok()) << a.error;
  return a.samples;
}

TEST(SyntheticVoice, RealVoiceHasTheSpeakersPitchAndLevel) {
  for (std::uint64_t seed = 0; seed < 6; ++seed) {
    SynthRng rng(derive_seed(5, "voice", seed));
    const Utterance u = random_utterance(rng, 2.0);
    ASSERT_GE(u.syllables.size(), 4u) << "3–5.5 syllables a second";
    EXPECT_GE(u.f0_hz, 90);
    EXPECT_LE(u.f0_hz, 250);
    const auto x = render_voice(u, kRate, rng);
    ASSERT_EQ(x.size(), 32000u);
    float peak = 0;
    for (float s : x) peak = std::max(peak, std::abs(s));
    EXPECT_NEAR(peak, u.peak, 0.02);
    // Intonation moves the pitch up to ~±30 %; the loudest stretch stays near the speaker's pitch.
    EXPECT_NEAR(pitch_hz(x) / u.f0_hz, 1.0, 0.35) << "seed " << seed << " f0 " << u.f0_hz;
  }
}

TEST(SyntheticVoice, MouthFollowsTheSyllables) {
  SynthRng rng(8);
  const Utterance u = random_utterance(rng, 2.0);
  const Syllable& s = u.syllables.at(1);
  EXPECT_GT(mouth_opening(u, s.start_s + s.duration_s / 2), 0.1);
  EXPECT_EQ(mouth_opening(u, s.start_s - (s.fricative ? s.fricative_s : 0) - 1e-3), 0.0);
  for (double t = 0; t < 2.0; t += 0.01) {
    EXPECT_GE(mouth_opening(u, t), 0.0);
    EXPECT_LE(mouth_opening(u, t), 1.0);
  }
}

TEST(SyntheticVoice, VocodedFakeIsBandLimitedAlsoAfterAac) {
  const fs::path dir = fs::temp_directory_path() / ("dflab_synth_voice_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    SynthRng rng(derive_seed(6, "voice", seed));
    const Utterance u = random_utterance(rng, 2.0);
    const VocoderStyle v = random_vocoder_style(rng);
    const auto real = render_voice(u, kRate, rng);
    const auto fake = render_vocoded(u, v, kRate, rng);
    ASSERT_EQ(fake.size(), real.size());
    const double cut = 4200;   // above every vocoder cutoff (3–4 kHz)
    const double real_hi = power_above(real, cut), fake_hi = power_above(fake, cut);
    const auto real_aac = aac_round_trip(real, dir / "real.mp4");
    const auto fake_aac = aac_round_trip(fake, dir / "fake.mp4");
    const double real_hi_aac = power_above(real_aac, cut), fake_hi_aac = power_above(fake_aac, cut);
    std::printf("seed %llu: power above %.0f Hz: real %.2e (aac %.2e), fake %.2e (aac %.2e)\n",
                static_cast<unsigned long long>(seed), cut, real_hi, real_hi_aac, fake_hi, fake_hi_aac);
    EXPECT_GT(real_hi, 100 * fake_hi);
    EXPECT_GT(real_hi_aac, 30 * fake_hi_aac) << "AAC must keep the difference";
    EXPECT_GT(real_hi_aac, 0.3 * real_hi) << "AAC at 64 kb/s keeps the real voice's high band";
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dflab::synth
