// metrics/frame_auc.h and metrics/source_mean.h against scikit-learn (fixtures/frame_cases.json,
// written by fixtures/make_frame_fixtures.py).
#include "metrics/frame_auc.h"
#include "metrics/source_mean.h"

#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

namespace dflab {
namespace {

const nlohmann::json& cases() {
  static const nlohmann::json j = [] {
    std::ifstream in(std::string(DFLAB_TEST_DATA_DIR) + "/metrics/fixtures/frame_cases.json");
    if (!in) throw std::runtime_error("cannot open frame_cases.json");
    return nlohmann::json::parse(in);
  }();
  return j;
}

TEST(FrameAuc, MatchesScikitLearnOverTheFlattenedFrames) {
  const nlohmann::json& all = cases().at("frame_cases");
  ASSERT_EQ(all.size(), 3u);
  for (const auto& c : all) {
    const auto labels = c.at("labels").get<std::vector<int>>();
    const auto frames = c.at("frames").get<std::vector<std::vector<double>>>();
    const MetricResult r = frame_level_auc(labels, frames);
    EXPECT_EQ(r.name, "frame_auc");
    ASSERT_TRUE(r.value) << c.at("name").get<std::string>() << ": " << r.note;
    EXPECT_NEAR(*r.value, c.at("frame_auc").get<double>(), 1e-12) << c.at("name").get<std::string>();
    EXPECT_EQ(r.note, std::to_string(c.at("n_frames").get<int>()) + " frames of " + std::to_string(labels.size()) +
                          " videos");
  }
}

TEST(FrameAuc, DiffersFromVideoAucWhenFramesDisagree) {
  // Video means rank perfectly (fake 0.6 > real 0.4), but the fake's frames straddle the real's.
  const MetricResult r = frame_level_auc({1, 0}, {{0.9, 0.3}, {0.4, 0.4}});
  ASSERT_TRUE(r.value);
  EXPECT_DOUBLE_EQ(*r.value, 0.5);
}

TEST(FrameAuc, UndefinedAndBadInput) {
  const MetricResult one = frame_level_auc({1, 1}, {{0.9}, {0.2, 0.3}});
  EXPECT_FALSE(one.value);
  EXPECT_EQ(one.note, "undefined: only one class present (3 frames of 2 videos)");
  // A real video without frames leaves only fake frames.
  EXPECT_FALSE(frame_level_auc({1, 0}, {{0.9}, {}}).value);
  const MetricResult none = frame_level_auc({}, {});
  EXPECT_FALSE(none.value);
  EXPECT_EQ(none.note, "undefined: no frame scores");
  EXPECT_THROW(frame_level_auc({1}, {{0.5}, {0.5}}), std::invalid_argument);
  EXPECT_THROW(frame_level_auc({2, 0}, {{0.5}, {0.5}}), std::invalid_argument);
}

std::vector<SourceScores> sources_of(const nlohmann::json& c) {
  std::vector<SourceScores> out;
  for (const auto& s : c.at("sources"))
    out.push_back({s.at("source").get<std::string>(), s.at("labels").get<std::vector<int>>(),
                   s.at("scores").get<std::vector<double>>()});
  return out;
}

TEST(SourceMean, MeansMatchScikitLearnAndTheIntervalHoldsThem) {
  for (const auto& c : cases().at("source_cases")) {
    const std::string name = c.at("name").get<std::string>();
    const SourceMean m = mean_over_sources(sources_of(c));
    ASSERT_TRUE(m.auc) << name;
    EXPECT_NEAR(*m.auc, c.at("mean_auc").get<double>(), 1e-12) << name;
    EXPECT_EQ(m.n_auc, c.at("n_auc").get<int>()) << name;
    EXPECT_NEAR(*m.logloss, c.at("mean_logloss").get<double>(), 1e-12) << name;
    EXPECT_EQ(m.n_logloss, static_cast<int>(c.at("sources").size()));
    ASSERT_TRUE(m.auc_ci.interval) << m.auc_ci.note;
    ASSERT_TRUE(m.logloss_ci.interval) << m.logloss_ci.note;
    EXPECT_EQ(m.auc_ci.n_valid, 1000) << "stratified: every resample has both classes";
    EXPECT_LT(m.auc_ci.interval->low, *m.auc);
    EXPECT_GT(m.auc_ci.interval->high, *m.auc);
    EXPECT_LE(m.auc_ci.interval->high, 1.0);
    EXPECT_LT(m.logloss_ci.interval->low, *m.logloss);
    EXPECT_GT(m.logloss_ci.interval->high, *m.logloss);
  }
}

TEST(SourceMean, SeededAndNarrowerWithMoreClips) {
  const std::vector<SourceScores> s = sources_of(cases().at("source_cases").at(0));
  BootstrapOptions o;
  o.samples = 300;
  const SourceMean a = mean_over_sources(s, o), b = mean_over_sources(s, o);
  EXPECT_EQ(a.auc_ci.interval->low, b.auc_ci.interval->low);
  EXPECT_EQ(a.auc_ci.interval->high, b.auc_ci.interval->high);
  // Every clip four times: the same means, a narrower interval.
  std::vector<SourceScores> more = s;
  for (std::size_t k = 0; k < s.size(); ++k)
    for (int r = 0; r < 3; ++r) {
      more[k].labels.insert(more[k].labels.end(), s[k].labels.begin(), s[k].labels.end());
      more[k].scores.insert(more[k].scores.end(), s[k].scores.begin(), s[k].scores.end());
    }
  const SourceMean m = mean_over_sources(more, o);
  EXPECT_NEAR(*m.auc, *a.auc, 1e-12);
  EXPECT_LT(m.auc_ci.interval->high - m.auc_ci.interval->low, a.auc_ci.interval->high - a.auc_ci.interval->low);
}

TEST(SourceMean, OneClassEverywhereAndBadInput) {
  const SourceMean m = mean_over_sources({{"a", {1, 1}, {0.9, 0.8}}, {"b", {0}, {0.2}}}, {});
  EXPECT_FALSE(m.auc);
  EXPECT_EQ(m.auc_ci.note, "undefined: no source has both classes");
  EXPECT_TRUE(m.logloss);
  EXPECT_THROW(mean_over_sources({{"empty", {}, {}}}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
