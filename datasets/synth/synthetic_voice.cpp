#include "datasets/synth/synthetic_voice.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace dflab::synth {

namespace {

constexpr double kPi = 3.141592653589793;
constexpr double kTwoPi = 2 * kPi;
constexpr int kBlock = 32;   // filter coefficients are updated every kBlock samples

// Formants F1–F3 in Hz of an adult male voice (ref: Peterson & Barney 1952, rounded) for
// a, e, i, o, u, ə; F4/F5 are fixed. Scaled by Utterance::formant_scale.
constexpr std::array<std::array<double, 3>, 6> kVowels = {{{730, 1090, 2440},
                                                          {530, 1840, 2480},
                                                          {270, 2290, 3010},
                                                          {570, 840, 2410},
                                                          {300, 870, 2240},
                                                          {500, 1500, 2500}}};
constexpr std::array<double, 5> kBandwidths = {70, 90, 150, 220, 320};
constexpr std::array<double, 2> kHighFormants = {3500, 4500};

// Klatt's digital resonator: unity gain at DC, a peak at f of bandwidth bw.
struct Resonator {
  double a = 1, b = 0, c = 0, y1 = 0, y2 = 0;
  bool on = true;
  void set(double f, double bw, double sr) {
    on = f < 0.45 * sr;   // a formant above Nyquist is left out
    const double r = std::exp(-kPi * bw / sr);
    c = -r * r;
    b = 2 * r * std::cos(kTwoPi * f / sr);
    a = 1 - b - c;
  }
  double step(double x) {
    if (!on) return x;
    const double y = a * x + b * y1 + c * y2;
    y2 = y1;
    y1 = y;
    return y;
  }
};

// RBJ cookbook biquad (transposed direct form II). ref: R. Bristow-Johnson, "Audio EQ Cookbook".
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0, z1 = 0, z2 = 0;
  static Biquad make(double f, double q, double sr, bool high_pass) {
    const double w0 = kTwoPi * f / sr, alpha = std::sin(w0) / (2 * q), cw = std::cos(w0);
    const double a0 = 1 + alpha;
    Biquad s;
    if (high_pass) {
      s.b0 = (1 + cw) / 2 / a0;
      s.b1 = -(1 + cw) / a0;
    } else {
      s.b0 = (1 - cw) / 2 / a0;
      s.b1 = (1 - cw) / a0;
    }
    s.b2 = s.b0;
    s.a1 = -2 * cw / a0;
    s.a2 = (1 - alpha) / a0;
    return s;
  }
  double step(double x) {
    const double y = b0 * x + z1;
    z1 = b1 * x - a1 * y + z2;
    z2 = b2 * x - a2 * y;
    return y;
  }
};

// 8th-order Butterworth low-pass as four biquads: Q_k = 1 / (2 sin((2k−1)π/16)).
std::vector<Biquad> butterworth_lowpass8(double f, double sr) {
  std::vector<Biquad> stages;
  for (int k = 1; k <= 4; ++k) stages.push_back(Biquad::make(f, 1.0 / (2 * std::sin((2 * k - 1) * kPi / 16)), sr, false));
  return stages;
}

// Band-limited sawtooth correction. ref: Välimäki & Huovilainen 2007, "Antialiasing oscillators
// in subtractive synthesis" (polyBLEP).
double poly_blep(double t, double dt) {
  if (t < dt) {
    t /= dt;
    return t + t - t * t - 1.0;
  }
  if (t > 1.0 - dt) {
    t = (t - 1.0) / dt;
    return t * t + t + t + 1.0;
  }
  return 0.0;
}

// Raised-cosine attack (40 ms) and release (60 ms) of a syllable's voicing.
double syllable_envelope(const Syllable& s, double t) {
  const double x = t - s.start_s;
  if (x < 0 || x > s.duration_s) return 0.0;
  const double attack = std::min(0.04, s.duration_s / 3), release = std::min(0.06, s.duration_s / 3);
  double e = 1.0 - 0.25 * x / s.duration_s;   // a slight decay over the syllable
  if (x < attack) e *= 0.5 - 0.5 * std::cos(kPi * x / attack);
  if (x > s.duration_s - release) e *= 0.5 - 0.5 * std::cos(kPi * (s.duration_s - x) / release);
  return e;
}

double fricative_envelope(const Syllable& s, double t) {
  if (!s.fricative) return 0.0;
  const double x = t - (s.start_s - s.fricative_s);
  if (x < 0 || x > s.fricative_s + 0.02) return 0.0;
  return std::sin(kPi * x / (s.fricative_s + 0.02));
}

double voiced_envelope(const Utterance& u, double t) {
  double e = 0;
  for (const auto& s : u.syllables) e = std::max(e, syllable_envelope(s, t));
  return e;
}

// F1..F3 at t: glide from the syllable's first vowel to its second; hold between syllables.
std::array<double, 3> formants_at(const Utterance& u, double t) {
  const Syllable* cur = u.syllables.empty() ? nullptr : &u.syllables.front();
  for (const auto& s : u.syllables)
    if (s.start_s <= t) cur = &s;
  if (!cur) return {500 * u.formant_scale, 1500 * u.formant_scale, 2500 * u.formant_scale};
  const double frac = std::clamp((t - cur->start_s) / cur->duration_s, 0.0, 1.0);
  std::array<double, 3> f{};
  for (int i = 0; i < 3; ++i)
    f[i] = u.formant_scale * (kVowels[cur->vowel_from][i] + (kVowels[cur->vowel_to][i] - kVowels[cur->vowel_from][i]) * frac);
  return f;
}

// Pitch as a multiple of the speaker's mean: slow intonation, declination, syllable accents.
double pitch_contour(const Utterance& u, double t) {
  double c = 1.0 + u.f0_depth * (0.6 * std::sin(kTwoPi * 0.4 * t + u.f0_phase1) + 0.4 * std::sin(kTwoPi * 1.1 * t + u.f0_phase2));
  c -= 0.08 * t / std::max(u.seconds, 1e-3);
  for (const auto& s : u.syllables) {
    const double mid = s.start_s + s.duration_s / 2, w = s.duration_s / 2;
    c += s.accent * std::exp(-(t - mid) * (t - mid) / (2 * w * w));
  }
  return c;
}

struct FormantBank {
  std::array<Resonator, 5> r;
  void set(const std::array<double, 3>& f, double scale, double sr) {
    for (int i = 0; i < 3; ++i) r[static_cast<std::size_t>(i)].set(f[static_cast<std::size_t>(i)], kBandwidths[static_cast<std::size_t>(i)], sr);
    r[3].set(kHighFormants[0] * scale, kBandwidths[3], sr);
    r[4].set(kHighFormants[1] * scale, kBandwidths[4], sr);
  }
  double step(double x) {
    for (auto& res : r) x = res.step(x);
    return x;
  }
};

void normalise_peak(std::vector<double>& x, double peak) {
  double m = 1e-12;
  for (double v : x) m = std::max(m, std::abs(v));
  for (double& v : x) v *= peak / m;
}

std::vector<float> to_float(const std::vector<double>& x) { return std::vector<float>(x.begin(), x.end()); }

enum class Source { voice, vocoder };

// The shared synthesis loop; `v` is only read for Source::vocoder.
std::vector<double> synthesise(const Utterance& u, const VocoderStyle& v, Source src, int sample_rate, SynthRng& rng) {
  const double sr = sample_rate;
  const auto n = static_cast<std::size_t>(std::llround(u.seconds * sr));
  std::vector<double> out(n, 0.0);
  FormantBank bank;
  const double fric_hz = std::min(4500.0 * u.formant_scale, 0.4 * sr);
  Biquad fric_hp = Biquad::make(fric_hz, 0.7, sr, true);
  Biquad fric_hp2 = Biquad::make(fric_hz, 0.7, sr, true);
  double phase = 0, tilt_state = 0, jitter = 1.0, radiation_prev = 0;
  double env = 0, fric = 0, contour = 1;
  for (std::size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / sr;
    if (i % kBlock == 0) {
      const auto f = formants_at(u, t);
      bank.set(f, u.formant_scale, sr);
      env = voiced_envelope(u, t);
      fric = 0;
      for (const auto& s : u.syllables) fric = std::max(fric, fricative_envelope(s, t));
      contour = pitch_contour(u, t);
    }
    double f0;
    if (src == Source::voice) {
      jitter = 0.999 * jitter + 0.001 * (1.0 + 0.25 * rng.normal());   // slow random wander (~1 %)
      f0 = u.f0_hz * contour * jitter;
    } else {
      f0 = u.f0_hz * (1.0 + v.pitch_kept * (contour - 1.0));           // flattened, no jitter
    }
    const double dt = f0 / sr;
    phase += dt;
    if (phase >= 1.0) phase -= 1.0;
    const double saw = 2.0 * phase - 1.0 - poly_blep(phase, dt);
    const double noise = rng.normal();
    double excitation;
    if (src == Source::voice) {
      // Glottal flow derivative ≈ tilted, inverted sawtooth; aspiration louder while the glottis is open.
      tilt_state = (1 - u.tilt) * (-saw) + u.tilt * tilt_state;
      excitation = env * (tilt_state * 4.0 + u.breath * noise * (phase < 0.6 ? 1.0 : 0.4));
      excitation += 0.004 * noise * (1.0 - env);   // breathing between syllables
    } else {
      excitation = env * ((1.0 - v.noise_mix) * saw + v.noise_mix * 0.8 * noise);
    }
    double y = bank.step(excitation);
    const double radiated = y - 0.97 * radiation_prev;   // lip radiation: +6 dB/octave
    radiation_prev = y;
    y = radiated;
    if (src == Source::voice && fric > 0) y += 0.5 * fric * fric_hp2.step(fric_hp.step(noise));
    out[i] = y;
  }
  return out;
}

}  // namespace

Utterance random_utterance(SynthRng& rng, double seconds) {
  Utterance u;
  u.seconds = seconds;
  u.f0_hz = rng.uniform(90, 250);
  u.f0_depth = rng.uniform(0.08, 0.22);
  u.f0_phase1 = rng.uniform(0, kTwoPi);
  u.f0_phase2 = rng.uniform(0, kTwoPi);
  // Higher voices come with shorter vocal tracts, loosely.
  u.formant_scale = std::clamp(0.9 + (u.f0_hz - 90) / 160 * 0.22 + rng.uniform(-0.04, 0.04), 0.88, 1.16);
  u.tilt = rng.uniform(0.7, 0.88);
  u.breath = rng.uniform(0.02, 0.08);
  u.peak = rng.uniform(0.35, 0.8);
  const double syllable_rate = rng.uniform(3.0, 5.5);
  double t = rng.uniform(0.05, 0.25);
  int vowel = rng.below(6);
  while (t < seconds - 0.15) {
    Syllable s;
    s.fricative = rng.uniform() < 0.35;
    if (s.fricative) {
      s.fricative_s = rng.uniform(0.05, 0.11);
      t += s.fricative_s;
    }
    s.start_s = t;
    s.duration_s = std::min(rng.uniform(0.6, 1.2) / syllable_rate, seconds - t - 0.02);
    if (s.duration_s < 0.06) break;
    s.vowel_from = vowel;
    s.vowel_to = rng.uniform() < 0.4 ? rng.below(6) : vowel;
    vowel = rng.uniform() < 0.7 ? rng.below(6) : s.vowel_to;
    s.accent = rng.uniform() < 0.3 ? rng.uniform(0.05, 0.15) : 0.0;
    u.syllables.push_back(s);
    t += s.duration_s + (rng.uniform() < 0.12 ? rng.uniform(0.2, 0.4) : rng.uniform(0.03, 0.1));
  }
  return u;
}

VocoderStyle random_vocoder_style(SynthRng& rng) {
  VocoderStyle v;
  v.cutoff_hz = rng.uniform(3000, 4000);
  v.pitch_kept = rng.uniform(0.0, 0.3);
  v.noise_mix = rng.uniform(0.2, 0.45);
  return v;
}

std::vector<float> render_voice(const Utterance& u, int sample_rate, SynthRng& noise_rng) {
  std::vector<double> y = synthesise(u, VocoderStyle{}, Source::voice, sample_rate, noise_rng);
  normalise_peak(y, u.peak);
  for (double& s : y) s += 0.0015 * noise_rng.normal();   // room noise, ~−55 dB re full scale
  return to_float(y);
}

std::vector<float> render_vocoded(const Utterance& u, const VocoderStyle& v, int sample_rate, SynthRng& noise_rng) {
  std::vector<double> y = synthesise(u, v, Source::vocoder, sample_rate, noise_rng);
  normalise_peak(y, u.peak);
  for (double& s : y) s += 0.0015 * noise_rng.normal();
  // The vocoder's bandwidth: nothing above the cutoff survives (room noise included).
  if (v.cutoff_hz < 0.45 * sample_rate) {
    auto stages = butterworth_lowpass8(v.cutoff_hz, sample_rate);
    for (double& s : y)
      for (auto& st : stages) s = st.step(s);
  }
  normalise_peak(y, u.peak);
  return to_float(y);
}

double mouth_opening(const Utterance& u, double t_s) {
  const double e = voiced_envelope(u, t_s);
  const double f1 = formants_at(u, t_s)[0] / u.formant_scale;
  const double openness = std::clamp((f1 - 250.0) / 500.0, 0.2, 1.0);
  return e * openness;
}

}  // namespace dflab::synth
