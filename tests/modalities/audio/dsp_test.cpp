// Unit checks of the DSP building blocks beyond the fixtures: known values, invariants, errors,
// thread safety of the FFTW plan cache, and the .npy reader/writer.
#include <cmath>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "audio_test_util.h"
#include "modalities/audio/cepstrum.h"
#include "modalities/audio/decibel.h"
#include "modalities/audio/delta.h"
#include "modalities/audio/fft_plan.h"
#include "modalities/audio/filterbank.h"
#include "modalities/audio/npy.h"
#include "modalities/audio/stft.h"

namespace dflab {
namespace {

TEST(Window, PeriodicHannAndHammingCentredInNfft) {
  const auto h = make_window(WindowType::hann, 8, 8);
  EXPECT_FLOAT_EQ(h[0], 0.0f);
  EXPECT_FLOAT_EQ(h[4], 1.0f);   // periodic: the peak is at length/2
  EXPECT_FLOAT_EQ(h[2], 0.5f);
  const auto m = make_window(WindowType::hamming, 4, 4);
  EXPECT_FLOAT_EQ(m[0], 0.08f);
  EXPECT_FLOAT_EQ(m[2], 1.0f);
  const auto padded = make_window(WindowType::hann, 4, 10);   // left pad (10-4)/2 = 3
  EXPECT_FLOAT_EQ(padded[2], 0.0f);
  EXPECT_FLOAT_EQ(padded[5], 1.0f);
  EXPECT_FLOAT_EQ(padded[7], 0.0f);
  EXPECT_THROW(make_window(WindowType::hann, 11, 10), std::invalid_argument);
  EXPECT_THROW(window_from_string("kaiser"), std::invalid_argument);
  EXPECT_THROW(pad_mode_from_string("edge"), std::invalid_argument);
}

TEST(Stft, FrameCountsAndParseval) {
  StftOptions o;
  o.n_fft = 512;
  o.hop_length = 128;
  EXPECT_EQ(stft_n_frames(1000, o), 1 + (1000 + 512 - 512) / 128);
  o.center = false;
  EXPECT_EQ(stft_n_frames(1000, o), 1 + (1000 - 512) / 128);
  EXPECT_EQ(stft_n_frames(100, o), 0);
  // A bin-centred tone puts its energy in one bin.
  o.center = true;
  const auto x = test::sine(22050.0 * 32 / 512, 22050, 0.2);
  const FeatureMatrix s = spectrogram(x, o);
  EXPECT_EQ(s.n_rows, 257);
  const int t = s.n_cols / 2;
  int peak = 0;
  for (int b = 0; b < s.n_rows; ++b)
    if (s.at(b, t) > s.at(peak, t)) peak = b;
  EXPECT_EQ(peak, 32);
  o.power = 1.0;
  EXPECT_NEAR(spectrogram(x, o).at(32, t), std::sqrt(s.at(32, t)), 1e-3 * std::sqrt(s.at(32, t)));
  o.power = 0.5;
  EXPECT_NEAR(spectrogram(x, o).at(32, t), std::pow(s.at(32, t), 0.25), 1e-3);
}

TEST(Stft, RejectsBadInput) {
  StftOptions o;
  EXPECT_THROW(spectrogram({}, o), std::invalid_argument);
  o.hop_length = 0;
  EXPECT_THROW(spectrogram(std::vector<float>(4096), o), std::invalid_argument);
  o = StftOptions{};
  o.power = 0;
  EXPECT_THROW(spectrogram(std::vector<float>(4096), o), std::invalid_argument);
  o = StftOptions{};
  o.pad_mode = PadMode::reflect;
  EXPECT_THROW(spectrogram(std::vector<float>(1024), o), std::invalid_argument);   // n <= n_fft/2
  EXPECT_NO_THROW(spectrogram(std::vector<float>(1025), o));
}

TEST(FftPlans, ConcurrentUseMatchesSerial) {
  const auto x = test::sine(1234.5, 22050, 1.0);
  std::vector<int> sizes = {256, 400, 512, 1024, 2048, 3000};
  std::vector<FeatureMatrix> serial;
  for (int n : sizes) {
    StftOptions o;
    o.n_fft = n;
    o.hop_length = n / 4;
    serial.push_back(spectrogram(x, o));
  }
  std::vector<std::thread> threads;
  std::vector<int> mismatches(sizes.size() * 3, 0);
  for (std::size_t k = 0; k < mismatches.size(); ++k)
    threads.emplace_back([&, k] {
      const std::size_t i = k % sizes.size();
      StftOptions o;
      o.n_fft = sizes[i];
      o.hop_length = sizes[i] / 4;
      for (int rep = 0; rep < 3; ++rep) mismatches[k] += spectrogram(x, o).data != serial[i].data;
    });
  for (auto& t : threads) t.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
  EXPECT_EQ(&RealFft::get(512), &RealFft::get(512));   // one plan per size
  EXPECT_THROW(RealFft::get(0), std::invalid_argument);
}

TEST(MelScale, KnownValuesAndInverse) {
  EXPECT_NEAR(hz_to_mel(1000.0, MelScale::slaney), 15.0, 1e-12);
  EXPECT_NEAR(hz_to_mel(200.0, MelScale::slaney), 3.0, 1e-12);
  EXPECT_NEAR(hz_to_mel(1000.0, MelScale::htk), 1000.0, 0.1);   // HTK: 1000 Hz ~ 1000 mel
  for (double f : {0.0, 60.0, 999.0, 1000.0, 4321.0, 11025.0})
    for (MelScale s : {MelScale::slaney, MelScale::htk}) EXPECT_NEAR(mel_to_hz(hz_to_mel(f, s), s), f, 1e-7);
  EXPECT_THROW(mel_scale_from_string("bark"), std::invalid_argument);
  EXPECT_THROW(mel_norm_from_string("l2"), std::invalid_argument);
}

TEST(Filterbank, SparseRangesCoverEveryNonZeroWeight) {
  MelOptions o;
  o.n_fft = 4096;
  o.n_mels = 40;
  const Filterbank fb = mel_filterbank(o);
  for (int f = 0; f < fb.n_filters(); ++f) {
    for (int b = 0; b < fb.n_bins(); ++b)
      if (b < fb.first[f] || b >= fb.last[f]) {
        ASSERT_EQ(fb.weights.at(f, b), 0.0f);
      }
    EXPECT_GT(fb.last[f], fb.first[f]);
  }
  MelOptions bad = o;
  bad.fmin = 5000;
  bad.fmax = 4000;
  EXPECT_THROW(mel_filterbank(bad), std::invalid_argument);
  const Filterbank lin = linear_filterbank(16000, 512, 20, 0, 0);
  EXPECT_EQ(lin.n_filters(), 20);
  EXPECT_NEAR(*std::max_element(lin.weights.data.begin(), lin.weights.data.end()), 1.0f, 0.01f);   // unnormalised peaks
  EXPECT_THROW(fb.apply(FeatureMatrix(10, 3)), std::invalid_argument);
}

TEST(Decibel, Formulas) {
  FeatureMatrix s(1, 4);
  s.data = {1.0f, 0.1f, 1e-12f, 100.0f};
  DbOptions d;
  d.top_db = 0;
  auto db = power_to_db(s, d);
  EXPECT_FLOAT_EQ(db.data[0], 0.0f);
  EXPECT_FLOAT_EQ(db.data[1], -10.0f);
  EXPECT_FLOAT_EQ(db.data[2], -100.0f);   // floored at amin = 1e-10
  EXPECT_FLOAT_EQ(db.data[3], 20.0f);
  d.top_db = 80;
  EXPECT_FLOAT_EQ(power_to_db(s, d).data[2], -60.0f);   // max 20 - 80
  d.ref_max = true;
  EXPECT_FLOAT_EQ(power_to_db(s, d).data[3], 0.0f);
  DbOptions a = amplitude_db_defaults();
  a.top_db = 0;
  EXPECT_FLOAT_EQ(amplitude_to_db(s, a).data[1], -20.0f);
  EXPECT_FLOAT_EQ(amplitude_to_db(s, a).data[2], -100.0f);   // amin 1e-5 → -100 dB
  d.amin = 0;
  EXPECT_THROW(power_to_db(s, d), std::invalid_argument);
}

TEST(Dct, OrthonormalRows) {
  const FeatureMatrix d = dct2_ortho_matrix(16, 16);
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      double dot = 0;
      for (int n = 0; n < 16; ++n) dot += double(d.at(i, n)) * d.at(j, n);
      EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, 1e-6);
    }
  EXPECT_THROW(dct2_ortho_matrix(10, 11), std::invalid_argument);
}

TEST(Delta, LinearRampHasSlopeOneEverywhereAndErrors) {
  FeatureMatrix ramp(2, 12);
  for (int t = 0; t < 12; ++t) {
    ramp.at(0, t) = float(t);
    ramp.at(1, t) = float(t * t);
  }
  const FeatureMatrix d1 = delta(ramp, 5, 1);
  for (int t = 0; t < 12; ++t) EXPECT_NEAR(d1.at(0, t), 1.0f, 1e-5) << t;   // edges too (interp)
  const FeatureMatrix d2 = delta(ramp, 5, 2);
  for (int t = 0; t < 12; ++t) EXPECT_NEAR(d2.at(1, t), 2.0f, 1e-4) << t;   // (t^2)'' = 2
  EXPECT_THROW(delta(ramp, 4, 1), std::invalid_argument);
  EXPECT_THROW(delta(ramp, 13, 1), std::invalid_argument);
  EXPECT_THROW(delta(ramp, 5, 0), std::invalid_argument);
  const FeatureMatrix a = delta_asvspoof(ramp);
  EXPECT_FLOAT_EQ(a.at(0, 0), 1.0f);   // x[1] - x[0] (edge repeated)
  EXPECT_FLOAT_EQ(a.at(0, 5), 2.0f);   // x[6] - x[4]
}

TEST(Npy, RoundTripAndErrors) {
  test::TempDir dir;
  FeatureMatrix m(3, 5);
  for (std::size_t i = 0; i < m.data.size(); ++i) m.data[i] = float(i) - 2.5f;
  write_npy(dir.file("m.npy"), m);
  const FeatureMatrix back = read_npy(dir.file("m.npy"));
  EXPECT_EQ(back.n_rows, 3);
  EXPECT_EQ(back.n_cols, 5);
  EXPECT_EQ(back.data, m.data);
  EXPECT_EQ(std::filesystem::file_size(dir.file("m.npy")) % 4, 0u);
  std::filesystem::resize_file(dir.file("m.npy"), std::filesystem::file_size(dir.file("m.npy")) - 4);
  try {
    read_npy(dir.file("m.npy"));
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("m.npy"), std::string::npos);
  }
  std::ofstream(dir.file("x.npy")) << "hello";
  EXPECT_THROW(read_npy(dir.file("x.npy")), std::runtime_error);
  EXPECT_THROW(read_npy(dir.file("none.npy")), std::runtime_error);
}

// Found by tests/fuzz/npy_fuzz: sizes read from a damaged file were trusted. A 4-byte header length
// of ~2 GB (version byte 0xc2) made the reader allocate and zero 2 GB before noticing the file is
// 1.5 KB; a shape of 100000x100000 would ask for 40 GB. Both must fail at once, naming the file.
TEST(Npy, DamagedSizesFailWithoutAllocating) {
  test::TempDir dir;
  auto npy = [&](const std::string& name, const std::string& version, const std::string& len,
                 const std::string& header, std::size_t n_data_bytes) {
    std::ofstream out(dir.file(name), std::ios::binary);
    out << "\x93NUMPY" << version << len << header << std::string(n_data_bytes, '\0');
    return dir.file(name);
  };
  auto message = [](const std::string& path) {
    try {
      read_npy(path);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }\n";
  const std::string len1(1, static_cast<char>(dict.size()));
  // The fuzzer's input: an unknown version with a 4-byte length of 0x7b007600 bytes.
  const std::string huge = npy("huge_header.npy", std::string("\xc2\x01", 2), std::string("\x00\x76\x00\x7b", 4), dict, 48);
  EXPECT_NE(message(huge).find("huge_header.npy: unsupported .npy format version 194.1"), std::string::npos) << message(huge);
  const std::string v2 = npy("v2.npy", std::string("\x02\x00", 2), std::string("\x00\x76\x00\x7b", 4), dict, 48);
  EXPECT_NE(message(v2).find("v2.npy: truncated header (2063627776 bytes announced"), std::string::npos) << message(v2);
  std::string big = dict;
  big.replace(big.find("(3, 4)"), 6, "(100000, 100000)");
  const std::string shape = npy("big_shape.npy", std::string("\x01\x00", 2), std::string(1, static_cast<char>(big.size())) + '\0', big, 48);
  EXPECT_NE(message(shape).find("big_shape.npy: truncated data (shape (100000, 100000) needs 40000000000 bytes, the file has 48)"),
            std::string::npos) << message(shape);
  std::string overflow = dict;
  overflow.replace(overflow.find("(3, 4)"), 6, "(99999999999999999999,)");
  const std::string long_dim = npy("long_dim.npy", std::string("\x01\x00", 2), std::string(1, static_cast<char>(overflow.size())) + '\0', overflow, 0);
  EXPECT_NE(message(long_dim).find("long_dim.npy: bad dimension '99999999999999999999'"), std::string::npos) << message(long_dim);
  // Still read: 1-D float64, version 2.0.
  const std::string f8 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
  const std::string ok = npy("f8.npy", std::string("\x02\x00", 2), std::string(1, static_cast<char>(f8.size())) + std::string(3, '\0'), f8, 16);
  const FeatureMatrix m = read_npy(ok);
  EXPECT_EQ(m.n_rows, 1);
  EXPECT_EQ(m.n_cols, 2);
}

}  // namespace
}  // namespace dflab
