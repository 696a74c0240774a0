// The audio_feature plugins: declarations, construction from Params / TOML, and their outputs
// against the same fixtures as the functions they wrap (fixtures/make_fixtures.py).
#include "modalities/audio/audio_feature.h"

#include <cmath>
#include <sstream>

#include <gtest/gtest.h>
#include <toml.hpp>

#include "modalities/audio/features/ffdv_mel_image.h"
#include "modalities/audio/npy.h"
#include "registry/toml_params.h"

namespace dflab {
namespace {

const std::string kFixtures = std::string(DFLAB_TEST_DATA_DIR) + "/modalities/audio/fixtures/";

Registry audio_registry() {
  Registry r;
  register_audio_feature_plugins(r);
  return r;
}

std::unique_ptr<AudioFeature> make(const Registry& reg, const std::string& name,
                                   const std::vector<std::pair<std::string, ParamValue>>& overrides = {}) {
  Params p = reg.defaults(kind::audio_feature, name);
  for (const auto& [k, v] : overrides) {
    const ParamSpec* spec = reg.info(kind::audio_feature, name).param(k);
    if (!spec) throw std::logic_error("test uses undeclared parameter " + k);
    const std::string why = spec->check(v);
    if (!why.empty()) throw std::logic_error(k + ": " + why);
    p.set(k, v);
  }
  return reg.create<AudioFeature>(kind::audio_feature, name, p);
}

// Largest |a - e| relative to max(|e|, 1% of max|e|); shapes must agree.
double worst_relative(const FeatureMatrix& a, const FeatureMatrix& e) {
  if (a.n_rows != e.n_rows || a.n_cols != e.n_cols) return INFINITY;
  float scale = 0;
  for (float v : e.data) scale = std::max(scale, std::abs(v));
  double worst = 0;
  for (std::size_t i = 0; i < e.data.size(); ++i) {
    if (e.data[i] >= 0 && e.data[i] <= 1e-6 * scale) continue;   // power bins under the floor
    worst = std::max(worst, std::abs(double(a.data[i]) - e.data[i]) / std::max(std::abs(e.data[i]), 0.01f * scale));
  }
  return worst;
}

std::vector<float> sig(const std::string& name) { return read_npy(kFixtures + name + ".npy").data; }
FeatureMatrix ref(const std::string& name) { return read_npy(kFixtures + name + ".npy"); }

TEST(AudioFeaturePlugins, AllRegisteredWithDocumentedParameters) {
  const Registry reg = audio_registry();
  EXPECT_EQ(reg.names(kind::audio_feature),
            (std::vector<std::string>{"ffdv_mel_image", "lfcc", "mel", "mfcc", "stft", "waveform"}));
  for (const PluginInfo* info : reg.list(kind::audio_feature)) {
    EXPECT_FALSE(info->doc.empty()) << info->name;
    for (const ParamSpec& s : info->params) {
      EXPECT_FALSE(s.doc.empty()) << info->name << "." << s.name;
      EXPECT_TRUE(s.default_value.has_value()) << info->name << "." << s.name;
      if (s.type == ParamType::integer || s.type == ParamType::real)
        EXPECT_TRUE(s.min.has_value()) << info->name << "." << s.name << " has no range";
    }
    auto f = reg.create<AudioFeature>(kind::audio_feature, info->name, reg.defaults(kind::audio_feature, info->name));
    EXPECT_EQ(f->name(), info->name);
    EXPECT_EQ(f->cache_key().rfind(info->name + ":", 0), 0u);
  }
}

TEST(AudioFeaturePlugins, DefaultsAreLibrosas) {
  const Registry reg = audio_registry();
  const Params p = reg.defaults(kind::audio_feature, "mel");
  EXPECT_EQ(p.integer("sample_rate"), 22050);
  EXPECT_EQ(p.integer("n_fft"), 2048);
  EXPECT_EQ(p.integer("hop_length"), 512);
  EXPECT_EQ(p.string("window"), "hann");
  EXPECT_TRUE(p.boolean("center"));
  EXPECT_EQ(p.string("pad_mode"), "constant");
  EXPECT_DOUBLE_EQ(p.real("power"), 2.0);
  EXPECT_EQ(p.integer("n_mels"), 128);
  EXPECT_EQ(p.string("mel_scale"), "slaney");
  EXPECT_EQ(p.string("norm"), "slaney");
  EXPECT_DOUBLE_EQ(p.real("amin"), 1e-10);
  EXPECT_DOUBLE_EQ(p.real("top_db"), 80.0);
  EXPECT_EQ(reg.defaults(kind::audio_feature, "lfcc").integer("sample_rate"), 16000);
}

TEST(AudioFeaturePlugins, OutputsMatchTheFixtures) {
  const Registry reg = audio_registry();
  const auto x = sig("sig22050");
  EXPECT_LT(worst_relative(make(reg, "mel")->compute(x), ref("mel_default")), 1e-4);
  EXPECT_LT(worst_relative(make(reg, "mel", {{"to_db", true}, {"ref_max", true}})->compute(x), ref("db_ref_max")), 1e-4);
  EXPECT_LT(worst_relative(make(reg, "mel", {{"n_fft", std::int64_t{1024}}, {"hop_length", std::int64_t{256}},
                                             {"n_mels", std::int64_t{40}}, {"fmin", 300.0}, {"fmax", 6000.0}})
                               ->compute(x),
                           ref("mel_fmin300_fmax6000")),
            1e-4);
  EXPECT_LT(worst_relative(make(reg, "stft", {{"n_fft", std::int64_t{512}}, {"hop_length", std::int64_t{256}}})->compute(x),
                           ref("stft_hann_center_constant_p2")),
            1e-4);
  EXPECT_LT(worst_relative(make(reg, "mfcc")->compute(x), ref("mfcc_default")), 1e-4);
  EXPECT_LT(worst_relative(make(reg, "mfcc", {{"lifter", std::int64_t{22}}})->compute(x), ref("mfcc_lifter22")), 1e-4);
  EXPECT_LT(worst_relative(make(reg, "lfcc")->compute(sig("sig16000")), ref("lfcc_asvspoof_baseline")), 1e-4);
  EXPECT_LT(worst_relative(make(reg, "lfcc", {{"log", std::string("db")}, {"pre_emphasis", 0.0},
                                              {"with_energy", false}, {"deltas", std::string("none")}})
                               ->compute(sig("sig16000")),
                           ref("lfcc_torchaudio_db")),
            1e-4);
}

TEST(AudioFeaturePlugins, MfccDeltasAppendLibrosaDeltaRows) {
  const Registry reg = audio_registry();
  const FeatureMatrix m = make(reg, "mfcc", {{"delta_order", std::int64_t{2}}})->compute(sig("sig22050"));
  ASSERT_EQ(m.n_rows, 60);
  const FeatureMatrix d1 = ref("delta_w9_o1"), d2 = ref("delta_w9_o2");
  FeatureMatrix got1(20, m.n_cols), got2(20, m.n_cols);
  std::copy(m.data.begin() + 20 * m.n_cols, m.data.begin() + 40 * m.n_cols, got1.data.begin());
  std::copy(m.data.begin() + 40 * m.n_cols, m.data.end(), got2.data.begin());
  EXPECT_LT(worst_relative(got1, d1), 1e-4);
  EXPECT_LT(worst_relative(got2, d2), 1e-4);
}

TEST(AudioFeaturePlugins, FfdvImageIsTheBaselinesImage) {
  const Registry reg = audio_registry();
  const auto f = make(reg, "ffdv_mel_image", {{"width", std::int64_t{64}}, {"height", std::int64_t{48}}});
  const FeatureMatrix img = f->compute(sig("sig22050"));
  EXPECT_EQ(img.data, ref("ffdv_image_64x48").data);
  const FeatureMatrix full = make(reg, "ffdv_mel_image")->compute(sig("sig22050"));
  EXPECT_EQ(full.n_rows, 256);
  EXPECT_EQ(full.n_cols, 256);
  const cv::Mat m = dynamic_cast<FfdvMelImageFeature&>(*make(reg, "ffdv_mel_image")).image(sig("sig22050"));
  EXPECT_EQ(m.type(), CV_8UC1);
}

TEST(AudioFeaturePlugins, InconsistentParametersAreRejected) {
  const Registry reg = audio_registry();
  EXPECT_THROW(make(reg, "mel", {{"win_length", std::int64_t{4096}}}), std::invalid_argument);
  EXPECT_THROW(make(reg, "mel", {{"fmax", 20000.0}}), std::invalid_argument);   // > 11025 Hz
  EXPECT_THROW(make(reg, "mel", {{"fmin", 5000.0}, {"fmax", 4000.0}}), std::invalid_argument);
  EXPECT_THROW(make(reg, "mfcc", {{"n_mfcc", std::int64_t{200}}}), std::invalid_argument);
  EXPECT_THROW(make(reg, "mfcc", {{"delta_width", std::int64_t{8}}}), std::invalid_argument);
  EXPECT_THROW(make(reg, "lfcc", {{"n_lfcc", std::int64_t{30}}}), std::invalid_argument);
  EXPECT_THROW(make(reg, "mel", {{"n_fft", std::int64_t{8}}}), std::logic_error);   // outside the declared range
  try {
    Params p = reg.defaults(kind::audio_feature, "mel");
    p.origin = "exp.toml:12";
    p.set("fmax", 30000.0);
    reg.create<AudioFeature>(kind::audio_feature, "mel", p);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("exp.toml:12"), std::string::npos) << e.what();
  }
}

TEST(AudioFeaturePlugins, BuildsFromATomlTable) {
  const Registry reg = audio_registry();
  std::istringstream text("[audio.feature]\nplugin = \"mel\"\nn_mels = 64\nwindow = \"hamming\"\n");
  const toml::value doc = toml::parse(text, "exp.toml");
  Diagnostics diags;
  const Params p = params_from_toml(reg.info(kind::audio_feature, "mel"), toml::find(doc, "audio", "feature"), diags);
  ASSERT_TRUE(diags.empty());
  const auto mel = reg.create<AudioFeature>(kind::audio_feature, "mel", p);
  EXPECT_EQ(mel->compute(sig("sig22050")).n_rows, 64);

  std::istringstream bad("[f]\nplugin = \"mel\"\nn_mel = 64\nwindow = \"kaiser\"\n");
  const toml::value bdoc = toml::parse(bad, "bad.toml");
  Diagnostics bdiags;
  params_from_toml(reg.info(kind::audio_feature, "mel"), toml::find(bdoc, "f"), bdiags);
  EXPECT_EQ(bdiags.size(), 2u);   // unknown key n_mel, window not one of hann/hamming
}

TEST(AudioFeaturePlugins, TooShortOrEmptySignalsThrowClearly) {
  const Registry reg = audio_registry();
  EXPECT_THROW(make(reg, "mel")->compute({}), std::invalid_argument);
  EXPECT_THROW(make(reg, "mel", {{"center", false}})->compute(std::vector<float>(100)), std::invalid_argument);
  EXPECT_THROW(make(reg, "mel", {{"pad_mode", std::string("reflect")}})->compute(std::vector<float>(1000)),
               std::invalid_argument);
  // A short but valid signal: one centred frame.
  EXPECT_EQ(make(reg, "mel")->compute(std::vector<float>(100, 0.1f)).n_cols, 1);
  // mfcc deltas need width frames.
  EXPECT_THROW(make(reg, "mfcc", {{"delta_order", std::int64_t{1}}})->compute(std::vector<float>(1000, 0.1f)),
               std::invalid_argument);
}

}  // namespace
}  // namespace dflab
