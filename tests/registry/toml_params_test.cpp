#include "registry/toml_params.h"

#include <gtest/gtest.h>

#include <sstream>

namespace dflab {
namespace {

PluginInfo mel_info() {
  return {kind::audio_feature,
          "mel",
          "mel spectrogram",
          {ParamSpec::integer("n_fft", 2048, "FFT size").range(16, 65536),
           ParamSpec::integer("n_mels", 128, "bands").range(1, 512),
           ParamSpec::real("fmin", 0.0, "lowest frequency").range(0.0, std::nullopt),
           ParamSpec::string("scale", "slaney", "mel scale").one_of({"slaney", "htk"}),
           ParamSpec::required("sr", ParamType::integer, "sample rate")}};
}

toml::value parse(const std::string& text) {
  std::istringstream in(text);
  return toml::parse(in, "exp.toml");
}

TEST(ParseToml, RejectsMalformedUtf8BeforeToml11SeesIt) {
  EXPECT_EQ(first_invalid_utf8(""), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"), std::string::npos);
  EXPECT_EQ(first_invalid_utf8("ab\xFF"), 2u);
  EXPECT_EQ(first_invalid_utf8("a\x80"), 1u);                 // lone continuation byte
  EXPECT_EQ(first_invalid_utf8("\xC0\x80"), 0u);              // overlong NUL
  EXPECT_EQ(first_invalid_utf8("\xE0\x80\x80"), 0u);          // overlong
  EXPECT_EQ(first_invalid_utf8("x\xED\xA0\x80"), 1u);         // UTF-16 surrogate
  EXPECT_EQ(first_invalid_utf8("\xF4\x90\x80\x80"), 0u);      // past U+10FFFF
  EXPECT_EQ(first_invalid_utf8("ok\xE2\x82"), 2u);            // cut short by the end
  EXPECT_EQ(first_invalid_utf8("ok\xE2\x82x"), 2u);

  EXPECT_EQ(toml::find<std::string>(parse_toml("a = 'caf\xC3\xA9'\n", "t.toml"), "a"), "caf\xC3\xA9");
  try {
    parse_toml("a = 1\nb = 'x\xFFy'\n", "t.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("t.toml:2: not valid UTF-8 (byte 0xFF at column 7)"), 0u) << e.what();
  }
  try {
    parse_toml("a = = 1\n", "t.toml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).find("t.toml:1: TOML syntax error"), 0u) << e.what();
  }
}

TEST(ParamsFromToml, FillsDefaultsAndConverts) {
  auto doc = parse("[feature]\nplugin = \"mel\"\nn_mels = 64\nfmin = 20\nsr = 16000\n");
  Diagnostics diags;
  Params p = params_from_toml(mel_info(), toml::find(doc, "feature"), diags);
  ASSERT_TRUE(diags.empty()) << diags.to_string();
  EXPECT_EQ(p.integer("n_mels"), 64);
  EXPECT_EQ(p.integer("n_fft"), 2048);
  EXPECT_DOUBLE_EQ(p.real("fmin"), 20.0);
  EXPECT_EQ(p.string("scale"), "slaney");
  EXPECT_EQ(p.origin, "exp.toml:1") << "the line of the [feature] header";
}

TEST(ParamsFromToml, ReportsEveryProblemWithFileAndLine) {
  auto doc = parse(
      "[feature]\n"               // 1
      "plugin = \"mel\"\n"        // 2
      "n_ftt = 1024\n"            // 3  unknown (typo)
      "n_mels = \"many\"\n"       // 4  wrong type
      "fmin = -5.0\n"             // 5  out of range
      "scale = \"bark\"\n");      // 6  not a choice;  sr missing
  Diagnostics diags;
  params_from_toml(mel_info(), toml::find(doc, "feature"), diags);
  const std::string all = diags.to_string();
  ASSERT_EQ(diags.size(), 5u) << all;
  EXPECT_NE(all.find("exp.toml:3: unknown key 'n_ftt' in audio_feature 'mel' "
                     "(allowed: n_fft, n_mels, fmin, scale, sr, plugin)"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("exp.toml:4: audio_feature 'mel': 'n_mels' must be int, got string"), std::string::npos) << all;
  EXPECT_NE(all.find("exp.toml:5: audio_feature 'mel': 'fmin' = -5.0 is outside"), std::string::npos) << all;
  EXPECT_NE(all.find("exp.toml:6: audio_feature 'mel': 'scale' = \"bark\" is not one of: slaney, htk"),
            std::string::npos) << all;
  EXPECT_NE(all.find("required key 'sr'"), std::string::npos) << all;
}

TEST(ParamsFromToml, InlineTablesAndLists) {
  auto doc = parse("aug = { plugin = \"h264\", crf = [17, 40], p = 1 }\n");
  PluginInfo info{kind::augmentation, "h264", "re-encode",
                  {ParamSpec::integers("crf", {23, 23}, "crf range").range(0, 51),
                   ParamSpec::real("p", 0.5, "probability").range(0.0, 1.0)}};
  Diagnostics diags;
  Params p = params_from_toml(info, toml::find(doc, "aug"), diags);
  ASSERT_TRUE(diags.empty()) << diags.to_string();
  EXPECT_EQ(p.integers("crf"), (std::vector<std::int64_t>{17, 40}));
  EXPECT_DOUBLE_EQ(p.real("p"), 1.0);
}

TEST(ParamsFromToml, NonTableIsAnError) {
  auto doc = parse("aug = 3\n");
  Diagnostics diags;
  params_from_toml(mel_info(), toml::find(doc, "aug"), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags.to_string().find("exp.toml:1:"), std::string::npos);
}

}  // namespace
}  // namespace dflab
