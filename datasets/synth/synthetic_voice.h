#pragma once
// The audio track of a synthetic clip: a voice-like signal from a small formant synthesiser, and
// its "vocoded" fake.
//
// Real: a band-limited glottal source (PolyBLEP sawtooth, spectral tilt) with a speaker's pitch
// contour (90–250 Hz, slow intonation, accents, declination, jitter), aspiration noise, cascaded
// formant resonators whose frequencies glide between vowel targets per syllable (ref: Klatt 1980,
// "Software for a cascade/parallel formant synthesizer", JASA 67(3) — the resonator form),
// syllable envelopes at 3–5.5 Hz, fricative bursts (4–8 kHz noise) at some onsets, lip radiation
// and faint room noise.
// Fake: the same utterance (same syllables, so lips stay in sync) re-synthesised as a cheap
// vocoder would: flattened pitch, buzzy pulse excitation mixed with noise excitation, no
// fricatives, and band-limited by a steep low-pass at 3–4 kHz, as a vocoder running at 8 kHz and
// resampled. Both survive AAC at 64 kb/s (tested: tests/datasets/synth/).
//
//   SynthRng rng(seed);
//   Utterance u = random_utterance(rng, /*seconds=*/2.0);
//   std::vector<float> real = render_voice(u, 16000, rng);
//   std::vector<float> fake = render_vocoded(u, random_vocoder_style(rng), 16000, rng);
//   double mouth = mouth_opening(u, t_s);   // 0 closed … 1 wide open, for the video track

#include <vector>

#include "datasets/synth/synth_rng.h"

namespace dflab::synth {

struct Syllable {
  double start_s = 0, duration_s = 0;
  int vowel_from = 0, vowel_to = 0;   // indices into the vowel table (a, e, i, o, u, ə)
  double accent = 0;                  // pitch bump, fraction of f0
  bool fricative = false;             // starts with a noise burst ("s", "sh", "f")
  double fricative_s = 0;
};

struct Utterance {
  double seconds = 0;
  std::vector<Syllable> syllables;
  double f0_hz = 150;                 // speaker's mean pitch, 90–250 Hz
  double f0_depth = 0.15;             // intonation depth, fraction of f0
  double f0_phase1 = 0, f0_phase2 = 0;
  double formant_scale = 1.0;         // vocal tract length: 0.9 (long) … 1.15 (short)
  double tilt = 0.8;                  // one-pole glottal tilt coefficient
  double breath = 0.03;               // aspiration noise level relative to the voiced source
  double peak = 0.6;                  // output peak amplitude
};

struct VocoderStyle {
  double cutoff_hz = 3500;            // low-pass corner: the vocoder's bandwidth
  double pitch_kept = 0.2;            // fraction of the intonation left (0: monotone)
  double noise_mix = 0.3;             // fraction of noise excitation in the voiced source
};

Utterance random_utterance(SynthRng& rng, double seconds);
VocoderStyle random_vocoder_style(SynthRng& rng);

// Mono samples in [-peak, peak], round(seconds × sample_rate) of them.
std::vector<float> render_voice(const Utterance& u, int sample_rate, SynthRng& noise_rng);
std::vector<float> render_vocoded(const Utterance& u, const VocoderStyle& v, int sample_rate, SynthRng& noise_rng);

// How open the mouth is at `t_s`: the voiced envelope times the vowel's openness (its F1).
double mouth_opening(const Utterance& u, double t_s);

}  // namespace dflab::synth
