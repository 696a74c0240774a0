#pragma once
// The fixed sinc filterbank that RawNet2 and AASIST use as first layer: band-pass filters whose
// edges are equally spaced on the mel scale from 0 Hz to Nyquist, each an ideal band-pass
// (difference of two sinc low-passes) under a Hamming window. Not learnt, not in a state dict.
// ref: asvspoof-challenge/2021 LA/Baseline-RawNet2/model.py SincConv and clovaai/aasist
//      models/AASIST.py CONV (the same filters; the reference computes them in float32, we in
//      double: the taps agree to ~1e-7).
//
//   torch::Tensor w = mel_sinc_filters(/*n_filters=*/20, /*kernel_size=*/1024, /*sample_rate=*/16000);
//   torch::Tensor y = torch::conv1d(x, w);     // x [N, 1, T] -> y [N, 20, T - 1024]

#include <cstdint>

#include <torch/torch.h>

namespace dflab {

// [n_filters, 1, K] float; K = kernel_size, or kernel_size + 1 when even (the reference forces
// odd, symmetric filters). Throws std::invalid_argument for non-positive sizes or rate.
torch::Tensor mel_sinc_filters(std::int64_t n_filters, std::int64_t kernel_size, int sample_rate);

// The shortest waveform a network of `pools` poolings by `pool` after a filterbank of `filters`
// ([n, 1, K]) still maps to one time step: K - 1 + pool^pools samples.
std::int64_t min_waveform_samples(const torch::Tensor& filters, std::int64_t pool, int pools);

// Checks x is [N, 1, 1, T] with T >= min_samples (std::invalid_argument naming `model`) and
// returns it as the filterbank's [N, 1, T].
torch::Tensor waveform_input(const char* model, const torch::Tensor& x, std::int64_t min_samples);

}  // namespace dflab
