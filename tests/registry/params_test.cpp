#include "registry/params.h"

#include <gtest/gtest.h>

namespace dflab {
namespace {

TEST(ParamSpec, ChecksTypeRangeAndChoices) {
  auto n_fft = ParamSpec::integer("n_fft", 2048, "FFT size").range(16, 65536);
  EXPECT_EQ(n_fft.check(std::int64_t{512}), "");
  EXPECT_NE(n_fft.check(std::int64_t{8}).find("outside [16, 65536]"), std::string::npos);
  EXPECT_NE(n_fft.check(std::string("big")).find("must be int, got string"), std::string::npos);
  EXPECT_NE(n_fft.check(2048.0).find("must be int, got float"), std::string::npos);

  auto window = ParamSpec::string("window", "hann", "window").one_of({"hann", "hamming"});
  EXPECT_EQ(window.check(std::string("hamming")), "");
  EXPECT_NE(window.check(std::string("kaiser")).find("not one of: hann, hamming"), std::string::npos);

  auto gain = ParamSpec::real("gain", 1.0, "gain").range(0.0, std::nullopt);
  EXPECT_EQ(gain.check(std::int64_t{3}), "") << "an int is accepted where a float is declared";
  EXPECT_NE(gain.check(-0.5).find("outside [0.0, inf]"), std::string::npos);

  auto crf = ParamSpec::integers("crf", {17, 40}, "range").range(0, 51);
  EXPECT_EQ(crf.check(std::vector<std::int64_t>{10, 20}), "");
  EXPECT_NE(crf.check(std::vector<std::int64_t>{10, 60}).find("60"), std::string::npos);
}

TEST(Params, DefaultsAndTypedGetters) {
  std::vector<ParamSpec> specs = {
      ParamSpec::integer("k", 5, "k"), ParamSpec::real("eps", 0.01, "eps"),
      ParamSpec::string("mode", "a", "mode"), ParamSpec::boolean("flip", true, "flip"),
      ParamSpec::reals("w", {0.5, 0.5}, "w"),
      ParamSpec::required("must", ParamType::string, "no default")};
  Params p = Params::defaults(specs);
  EXPECT_EQ(p.integer("k"), 5);
  EXPECT_DOUBLE_EQ(p.real("eps"), 0.01);
  EXPECT_DOUBLE_EQ(p.real("k"), 5.0) << "ints widen to float";
  EXPECT_EQ(p.string("mode"), "a");
  EXPECT_TRUE(p.boolean("flip"));
  EXPECT_EQ(p.reals("w"), (std::vector<double>{0.5, 0.5}));
  EXPECT_FALSE(p.has("must"));
  EXPECT_THROW(p.string("must"), std::out_of_range);
  EXPECT_THROW(p.integer("eps"), std::invalid_argument);
}

TEST(Params, CanonicalIsSortedAndStable) {
  Params p;
  p.set("zeta", std::int64_t{1});
  p.set("alpha", std::string("x\"y"));
  p.set("mid", std::vector<double>{1.0, 0.25});
  EXPECT_EQ(p.canonical(), "alpha=\"x\\\"y\";mid=[1.0, 0.25];zeta=1");
}

TEST(FormatValue, IsTomlLike) {
  EXPECT_EQ(format_value(true), "true");
  EXPECT_EQ(format_value(2.0), "2.0");
  EXPECT_EQ(format_value(1e-10), "1e-10");
  EXPECT_EQ(format_value(std::vector<std::string>{"a", "b"}), "[\"a\", \"b\"]");
}

}  // namespace
}  // namespace dflab
