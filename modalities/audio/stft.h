#pragma once
// Short-time Fourier transform magnitude / power spectrogram on FFTW (float).
//
//   StftOptions o;                              // librosa defaults: n_fft 2048, hop 512, hann,
//   FeatureMatrix S = spectrogram(x, o);        // center=True, constant padding, power 2
//   // S: [n_fft/2 + 1][n_frames], n_frames = 1 + (len(x) + 2*(n_fft/2) - n_fft) / hop when centred
//
// ref: librosa.stft + librosa.core.spectrum._spectrogram (librosa 0.10):
//   |stft(y, n_fft, hop_length, win_length, window, center, pad_mode)| ** power

#include <functional>
#include <string>
#include <vector>

#include "modalities/audio/feature_matrix.h"

namespace dflab {

enum class WindowType { hann, hamming };
enum class PadMode { constant, reflect };

WindowType window_from_string(const std::string& name);   // "hann" | "hamming"
PadMode pad_mode_from_string(const std::string& name);    // "constant" | "reflect"

// Periodic (DFT-even) window of `length` samples, zero-padded to `n_fft` around the centre.
// ref: librosa.filters.get_window(window, win_length, fftbins=True) + librosa.util.pad_center
std::vector<float> make_window(WindowType type, int length, int n_fft);

struct StftOptions {
  int n_fft = 2048;
  int hop_length = 512;      // samples
  int win_length = 0;        // samples; 0 = n_fft
  WindowType window = WindowType::hann;
  bool center = true;        // pad n_fft/2 on both sides so frame t is centred at t * hop
  PadMode pad_mode = PadMode::constant;
  double power = 2.0;        // 1 magnitude, 2 power, any other > 0 allowed

  int effective_win_length() const { return win_length > 0 ? win_length : n_fft; }
  // Throws std::invalid_argument naming the bad field.
  void validate() const;
};

// Frames the signal of `n` samples yields (0 when too short without centring).
int stft_n_frames(std::size_t n, const StftOptions& options);

// Calls `on_frame(t, spectrum)` for each frame t in order, spectrum = |STFT[:, t]|^power with
// n_fft/2 + 1 values (valid during the call). Lets callers (mel) reduce each frame at once.
// Same errors as spectrogram(). Returns n_frames.
int stft_frames(const std::vector<float>& signal, const StftOptions& options,
                const std::function<void(int frame, const float* spectrum)>& on_frame);

// |STFT|^power, [n_fft/2 + 1][n_frames]. Throws std::invalid_argument for an empty signal, one
// shorter than n_fft without centring, or one too short to reflect-pad (n <= n_fft/2).
FeatureMatrix spectrogram(const std::vector<float>& signal, const StftOptions& options);

}  // namespace dflab
