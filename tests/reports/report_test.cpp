// reports/report.h on a small stored experiment (report_fixture.h): every section is there, the
// numbers on the page are the stored ones and agree with an independent computation from the
// stored predictions, the leaderboard follows --metric, store strings are escaped, thumbnails are
// embedded and downscaled, figures are written, and bad requests are clear errors.
#include "reports/report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "reports/html.h"
#include "reports/svg_plot.h"
#include "tests/reports/report_fixture.h"

namespace dflab::reports {
namespace {

using testing::Fixture;
using testing::k_description;
using testing::k_weird_video;

store::RunStore open_ro(const std::string& path) {
  store::StoreOptions o;
  o.create = false;
  return store::RunStore::open(path, o);
}

// The text of <section id="id"> ... </section>; "" when absent.
std::string section(const std::string& html, const std::string& id) {
  const std::string open = "<section id=\"" + id + "\">";
  const auto a = html.find(open);
  if (a == std::string::npos) return "";
  const auto b = html.find("</section>", a);
  return html.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

// The <svg id="id"> element's text.
std::string svg(const std::string& html, const std::string& id) {
  const auto a = html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" + id + "\"");
  if (a == std::string::npos) return "";
  return html.substr(a, html.find("</svg>", a) - a);
}

std::vector<std::string> legend_texts(const std::string& svg_text) {
  static const std::regex re("<text class=\"legend\"[^>]*>([^<]*)</text>");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(svg_text.begin(), svg_text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

std::vector<store::RunId> leaderboard_ids(const std::string& html) {
  static const std::regex re("<tr data-run-id=\"([0-9]+)\">");
  const std::string s = section(html, "leaderboard");
  std::vector<store::RunId> out;
  for (auto it = std::sregex_iterator(s.begin(), s.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back(std::stoll((*it)[1]));
  return out;
}

// AUC by counting pairs (Mann-Whitney), independent of metrics/roc.
double pairwise_auc(const std::vector<store::Prediction>& preds) {
  double wins = 0, pairs = 0;
  for (const auto& p : preds)
    for (const auto& n : preds) {
      if (!p.label || !n.label || *p.label != 1 || *n.label != 0) continue;
      pairs += 1;
      wins += p.score > n.score ? 1.0 : p.score == n.score ? 0.5 : 0.0;
    }
  return wins / pairs;
}

std::string fixed4(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", v);
  return buf;
}

class Report : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { fx_ = new Fixture(); }
  static void TearDownTestSuite() {
    delete fx_;
    fx_ = nullptr;
  }
  static std::string render(ReportOptions o = {}) {
    if (!o.experiment && o.runs.empty()) o.experiment = "exp-demo";
    const store::RunStore db = open_ro(fx_->db_path);
    return render_report(db, o);
  }
  static Fixture* fx_;
};
Fixture* Report::fx_ = nullptr;

TEST_F(Report, HasEverySectionAndIsSelfContained) {
  const std::string html = render();
  for (const char* id : {"leaderboard", "roc", "score-histograms", "confusion", "training-curves", "dataset",
                         "hardest-videos"})
    EXPECT_FALSE(section(html, id).empty()) << "missing section " << id;
  for (const char* id : {"fig-roc", "fig-roc-log", "fig-hist-0", "fig-hist-2", "fig-confusion-0", "fig-confusion-2",
                         "fig-train-0", "fig-train-1", "fig-train-2"})
    EXPECT_FALSE(svg(html, id).empty()) << "missing figure " << id;
  // Nothing fetched: no external resources of any kind.
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  // Training curves: the three standard ones first, in this order.
  EXPECT_NE(svg(html, "fig-train-0").find("<title>train loss</title>"), std::string::npos);
  EXPECT_NE(svg(html, "fig-train-1").find("<title>val logloss</title>"), std::string::npos);
  EXPECT_NE(svg(html, "fig-train-2").find("<title>val auc</title>"), std::string::npos);
  EXPECT_NE(section(html, "training-curves").find("No epoch metrics: fusion-mean"), std::string::npos);
}

TEST_F(Report, RocLegendAucEqualsStoredAndRecomputedAuc) {
  const std::string html = render();
  const store::RunStore db = open_ro(fx_->db_path);
  std::map<std::string, std::string> legend;   // run name → printed AUC
  static const std::regex re("^(.*) \\(AUC ([0-9.]+)\\)$");
  for (const std::string& t : legend_texts(svg(html, "fig-roc"))) {
    std::smatch m;
    ASSERT_TRUE(std::regex_match(t, m, re)) << t;
    legend[m[1]] = m[2];
  }
  ASSERT_EQ(legend.size(), 3u);
  EXPECT_EQ(legend_texts(svg(html, "fig-roc-log")), legend_texts(svg(html, "fig-roc")));
  for (store::RunId id : {fx_->video_run, fx_->audio_run, fx_->fusion_run}) {
    const auto detail = db.get_run(id);
    std::optional<double> stored;
    for (const auto& m : detail.metrics)
      if (m.split == "val" && m.name == "auc") stored = m.value;
    ASSERT_TRUE(stored);
    const double recomputed = pairwise_auc(db.predictions(id, "val"));
    ASSERT_TRUE(legend.count(detail.run.name)) << detail.run.name;
    EXPECT_EQ(legend[detail.run.name], fixed4(*stored)) << detail.run.name;
    EXPECT_EQ(legend[detail.run.name], fixed4(recomputed)) << detail.run.name;
    // The leaderboard row shows the same number.
    const std::string lb = section(html, "leaderboard");
    const auto row = lb.find("<tr data-run-id=\"" + std::to_string(id) + "\">");
    ASSERT_NE(row, std::string::npos);
    EXPECT_NE(lb.substr(row, lb.find("</tr>", row) - row).find(">" + fixed4(recomputed) + " <span class=\"ci\">["),
              std::string::npos);
  }
  // A realistic ROC: the polyline of each run has one point per distinct score plus (0, 0).
  EXPECT_EQ(html.find("class=\"warn\""), std::string::npos) << "stored and recomputed AUC agree";
}

TEST_F(Report, LeaderboardOrderFollowsTheMetric) {
  const store::RunStore db = open_ro(fx_->db_path);
  auto stored = [&](store::RunId id, const std::string& name) {
    for (const auto& m : db.get_run(id).metrics)
      if (m.split == "val" && m.name == name) return *m.value;
    return std::nan("");
  };
  std::vector<store::RunId> ids = {fx_->video_run, fx_->audio_run, fx_->fusion_run};
  ReportOptions o;
  o.metric = "auc";
  const auto by_auc = leaderboard_ids(render(o));
  auto expect_auc = ids;
  std::sort(expect_auc.begin(), expect_auc.end(),
            [&](auto a, auto b) { return stored(a, "auc") > stored(b, "auc"); });
  EXPECT_EQ(by_auc, expect_auc);

  o.metric = "logloss";
  const std::string html = render(o);
  const auto by_logloss = leaderboard_ids(html);
  auto expect_ll = ids;
  std::sort(expect_ll.begin(), expect_ll.end(),
            [&](auto a, auto b) { return stored(a, "logloss") < stored(b, "logloss"); });
  EXPECT_EQ(by_logloss, expect_ll);
  EXPECT_NE(by_auc, by_logloss) << "fixture should rank differently by AUC and logloss";
  EXPECT_NE(html.find("<th data-key=\"logloss\" data-dir=\"asc\">"), std::string::npos);

  o.metric = "n_parameters";   // from a param (video) and a metric on another split (audio); fusion has none
  const auto by_params = leaderboard_ids(render(o));
  EXPECT_EQ(by_params, (std::vector<store::RunId>{fx_->video_run, fx_->audio_run, fx_->fusion_run}));
  EXPECT_NE(section(render(o), "leaderboard").find(">28.0k</td>"), std::string::npos);
}

TEST_F(Report, EscapesEveryStoreString) {
  const std::string html = render();
  EXPECT_EQ(html.find("weird<&>"), std::string::npos);
  EXPECT_EQ(html.find("<sampled>"), std::string::npos);
  const std::string escaped = html_escape(k_weird_video);
  EXPECT_EQ(escaped, "weird&lt;&amp;&gt;&quot;name&#39;.mp4");
  EXPECT_NE(section(html, "hardest-videos").find(">" + escaped + "</td>"), std::string::npos);
  EXPECT_NE(section(html, "dataset").find(">" + escaped + "</td>"), std::string::npos);
  EXPECT_NE(section(html, "dataset").find("no face track in 16 &lt;sampled&gt; frames"), std::string::npos);
}

// [experiment] description reaches the page, escaped, once: the latest run's.
TEST_F(Report, ShowsTheExperimentDescriptionEscaped) {
  const std::string html = render();
  EXPECT_EQ(html.find(k_description), std::string::npos) << "unescaped";
  EXPECT_NE(html.find("<p class=\"description\">" + html_escape(k_description) + "</p>"), std::string::npos);
  EXPECT_EQ(html.find("an older description"), std::string::npos);
  EXPECT_LT(html.find("class=\"description\""), html.find("<section id=\"leaderboard\">"));
}

TEST_F(Report, DatasetSummaryCountsAndReasons) {
  const std::string d = section(render(), "dataset");
  // val: 40 videos, 24 real, 16 fake; train: 2 videos (1 failed + unreadable).
  EXPECT_NE(d.find("<tr><td class=\"text\">val</td><td>40</td><td>24</td><td>16</td><td>0</td><td>40.0%</td>"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("<tr><td class=\"text\">train</td><td>2</td><td>1</td><td>1</td>"), std::string::npos);
  EXPECT_NE(d.find("<th>video no_face</th>"), std::string::npos);
  EXPECT_NE(d.find("<th>audio no_audio_stream</th>"), std::string::npos);
  EXPECT_NE(d.find("Skipped or degraded videos (3)"), std::string::npos);
  EXPECT_NE(d.find("file has no audio stream"), std::string::npos);
  EXPECT_NE(d.find("truncated file"), std::string::npos);
}

// base64 → bytes (the inverse of base64_encode, written independently for the check).
std::vector<std::uint8_t> base64_decode(const std::string& s) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<std::uint8_t> out;
  std::uint32_t buf = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    buf = (buf << 6) | static_cast<std::uint32_t>(alphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((buf >> bits) & 0xFF));
    }
  }
  return out;
}

TEST_F(Report, HardestVideosWithEmbeddedDownscaledThumbnail) {
  const std::string h = section(render(), "hardest-videos");
  // The real video every model calls fake (0.97) is among the worst of every run, all scores red.
  // Rows are ordered by their worst per-video log loss: vid_112.mp4 (real, 0.9999 from video-cnn) first.
  const auto body = h.find("<tbody>");
  ASSERT_NE(body, std::string::npos);
  EXPECT_NE(h.substr(body, h.find("</tr>", body) - body).find(">vid_112.mp4</td>"), std::string::npos);
  const auto name_at = h.find(">" + html_escape(k_weird_video) + "</td>");
  ASSERT_NE(name_at, std::string::npos);
  const auto row_at = h.rfind("<tr>", name_at);
  const std::string row = h.substr(row_at, h.find("</tr>", name_at) - row_at);
  EXPECT_NE(row.find(">real</td>"), std::string::npos);
  EXPECT_NE(row.find("class=\"wrong\">0.970</td>"), std::string::npos);
  const std::string worst_of = row.substr(row.rfind("<td"));
  for (const char* run : {"video-cnn", "audio-mel", "fusion-mean"})
    EXPECT_NE(worst_of.find(run), std::string::npos) << run << " in " << worst_of;
  const std::string prefix = "src=\"data:image/png;base64,";
  const auto at = row.find(prefix);
  ASSERT_NE(at, std::string::npos);
  const auto start = at + prefix.size();
  const auto bytes = base64_decode(row.substr(start, row.find('"', start) - start));
  const cv::Mat img = cv::imdecode(bytes, cv::IMREAD_COLOR);
  ASSERT_FALSE(img.empty());
  EXPECT_EQ(img.cols, 96);   // 200 x 150 → longer side 96
  EXPECT_EQ(img.rows, 72);
  // Exactly one thumbnail: the missing file gives a dash with the reason in its title.
  const auto first = h.find(prefix);
  EXPECT_EQ(h.find(prefix, first + 1), std::string::npos);
  EXPECT_NE(h.find("missing.png: no such file"), std::string::npos);
}

TEST_F(Report, WritesPageAndStandaloneFigures) {
  const store::RunStore db = open_ro(fx_->db_path);
  ReportOptions o;
  o.experiment = "exp-demo";
  o.figures_dir = fx_->tmp.file("figs");
  const std::string out = fx_->tmp.file("out/sub/report.html");
  const ReportSummary s = write_report(db, o, out);
  EXPECT_EQ(s.run_names.size(), 3u);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str().rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(ss.str().find("</html>"), std::string::npos);
  // roc, roc_log, 3 histograms, 3 confusion matrices, 3 training curves
  EXPECT_EQ(s.figure_files.size(), 11u);
  for (const char* name : {"roc.svg", "roc_log.svg", "train_val_auc.svg"}) {
    std::ifstream f(o.figures_dir + "/" + name);
    ASSERT_TRUE(f) << name;
    std::stringstream fs_;
    fs_ << f.rdbuf();
    EXPECT_EQ(fs_.str().rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
    EXPECT_NE(fs_.str().find("</svg>"), std::string::npos);
  }
}

TEST_F(Report, RunsSelectionAndThreshold) {
  ReportOptions o;
  o.runs = {"exp-demo/fusion-mean", std::to_string(fx_->video_run)};
  o.threshold = 0.9;
  const std::string html = render(o);
  EXPECT_EQ(leaderboard_ids(html).size(), 2u);
  EXPECT_NE(html.find("TPR@0.90"), std::string::npos);
  // Confusion counts at 0.9 equal a direct count over the stored predictions.
  const store::RunStore db = open_ro(fx_->db_path);
  std::uint64_t tp = 0, fp = 0;
  for (const auto& p : db.predictions(fx_->video_run, "val")) {
    if (p.score >= 0.9 && *p.label == 1) ++tp;
    if (p.score >= 0.9 && *p.label == 0) ++fp;
  }
  const std::string c = section(html, "confusion");
  // video-cnn sorts first or second; find its chart by title.
  const auto at = c.find("<title>video-cnn</title>");
  ASSERT_NE(at, std::string::npos);
  const std::string chart = c.substr(at, c.find("</svg>", at) - at);
  static const std::regex bold("font-weight=\"bold\" fill=\"#111\">([0-9]+)</text>");
  std::vector<std::uint64_t> cells;
  for (auto it = std::sregex_iterator(chart.begin(), chart.end(), bold); it != std::sregex_iterator(); ++it)
    cells.push_back(std::stoull((*it)[1]));
  ASSERT_EQ(cells.size(), 4u);   // tn fp / fn tp
  EXPECT_EQ(cells[1], fp);
  EXPECT_EQ(cells[3], tp);
  EXPECT_EQ(cells[0] + cells[1] + cells[2] + cells[3], 40u);
}

TEST_F(Report, BadRequestsAreClearErrors) {
  const store::RunStore db = open_ro(fx_->db_path);
  ReportOptions o;
  o.experiment = "nope";
  try {
    render_report(db, o);
    FAIL() << "expected ReportError";
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("no experiment 'nope' (experiments: exp-demo, other-exp)"), std::string::npos)
        << e.what();
  }
  o = {};
  o.runs = {"exp-demo/video-cnn", "ghost"};
  try {
    render_report(db, o);
    FAIL() << "expected ReportError";
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("no run 'ghost'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("exp-demo/audio-mel"), std::string::npos) << e.what();
  }
  o = {};
  o.experiment = "exp-demo";
  o.metric = "bogus";
  try {
    render_report(db, o);
    FAIL() << "expected ReportError";
  } catch (const ReportError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown metric 'bogus'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("logloss"), std::string::npos);
  }
  o = {};   // two experiments, none named
  EXPECT_THROW(render_report(db, o), ReportError);
  o.experiment = "exp-demo";
  o.runs = {"1"};
  EXPECT_THROW(render_report(db, o), ReportError);
}

TEST(ReportEmpty, SectionsSayWhyTheyAreEmpty) {
  store::testing::TempDir tmp;
  {
    store::RunStore s = store::RunStore::open(tmp.file("runs.sqlite"));
    const auto exp = s.experiment("bare");
    const auto run = s.begin_run({exp, "ext", "prediction_file", "external", store::RunKind::external, "", {}, ""});
    s.log_metrics(run, "val", {{"auc", 0.8}, {"logloss", 0.5}});   // metrics, but no predictions
    s.finish_run(run, store::RunStatus::finished);
  }
  const store::RunStore db = open_ro(tmp.file("runs.sqlite"));
  const std::string html = render_report(db, {});   // the only experiment
  EXPECT_NE(section(html, "roc").find("no run has labelled predictions of both classes on split val"),
            std::string::npos);
  EXPECT_NE(section(html, "training-curves").find("no epoch metrics logged"), std::string::npos);
  EXPECT_NE(section(html, "dataset").find("no per-video preprocessing outcomes logged"), std::string::npos);
  EXPECT_NE(section(html, "hardest-videos").find("no labelled predictions on split val"), std::string::npos);
  EXPECT_NE(section(html, "score-histograms").find("class=\"empty\""), std::string::npos);
  EXPECT_NE(section(html, "confusion").find("class=\"empty\""), std::string::npos);
  EXPECT_NE(section(html, "by-source").find("no run stored per-source metrics"), std::string::npos);
  // The stored numbers still make the leaderboard.
  EXPECT_NE(section(html, "leaderboard").find(">0.8000</td>"), std::string::npos);
}

// Leave-one-source-out runs (MODEL@SOURCE, each tested on its source) make one row per model with a
// column per source, and a ROC chart per source from the test predictions of that source's videos.
TEST(ReportBySource, PerSourceAucTableAndRocPerSource) {
  store::testing::TempDir tmp;
  {
    store::RunStore s = store::RunStore::open(tmp.file("runs.sqlite"));
    const auto exp = s.experiment("loso");
    std::vector<store::VideoRecord> videos;
    for (const char* src : {"gen_a", "gen_b"})
      for (int i = 0; i < 4; ++i)
        videos.push_back({std::string(src) + "_" + std::to_string(i) + ".mp4", "train", i % 2, "ok", "", "off", "", "", src});
    s.log_videos(exp, videos);
    const std::map<std::string, double> auc = {{"gen_a", 1.0}, {"gen_b", 0.5}};
    for (const char* src : {"gen_a", "gen_b"}) {
      const auto run = s.begin_run({exp, std::string("meso@") + src, "meso4", "video", store::RunKind::model, "", {}, ""});
      std::vector<store::Prediction> preds;
      for (int i = 0; i < 4; ++i) {
        const double score = std::string(src) == "gen_a" ? 0.2 + 0.6 * (i % 2) : 0.5;   // gen_b: all tied
        preds.push_back({std::string(src) + "_" + std::to_string(i) + ".mp4", i % 2, score});
      }
      s.log_predictions(run, "test", preds);
      s.log_metrics(run, "val", {{"auc", 0.7}});
      s.log_metrics(run, "test", {{"auc", auc.at(src)}});
      s.log_metrics(run, "test", {{"auc", auc.at(src)}}, src);
      s.finish_run(run, store::RunStatus::finished);
    }
  }
  const store::RunStore db = open_ro(tmp.file("runs.sqlite"));
  const std::string html = render_report(db, {});
  const std::string sec = section(html, "by-source");
  EXPECT_NE(sec.find("AUC per source on test"), std::string::npos) << sec;
  EXPECT_EQ(sec.find("AUC per source on val"), std::string::npos) << "no per-source rows on val";
  EXPECT_NE(sec.find("<th>gen_a</th><th>gen_b</th><th>mean</th>"), std::string::npos) << sec;
  // One row "meso" (both fold runs), AUC 1 and 0.5, mean 0.75.
  const std::size_t row = sec.find(">meso</td>");
  ASSERT_NE(row, std::string::npos) << sec;
  EXPECT_EQ(sec.find(">meso@", 0), std::string::npos) << "fold runs pivot into one row";
  const std::string cells = sec.substr(row, sec.find("</tr>", row) - row);
  EXPECT_NE(cells.find(">1.0000</td>"), std::string::npos) << cells;
  EXPECT_NE(cells.find(">0.5000</td>"), std::string::npos) << cells;
  EXPECT_NE(cells.find(">0.7500</td>"), std::string::npos) << cells;
  EXPECT_NE(sec.find("id=\"fig-roc-test-gen_a\""), std::string::npos);
  EXPECT_NE(sec.find("id=\"fig-roc-test-gen_b\""), std::string::npos);
  EXPECT_NE(sec.find("meso (AUC 0.5000)"), std::string::npos) << "the ROC legend's AUC of gen_b's tied scores";
}

TEST(ReportHelpers, EscapeBase64Ticks) {
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(base64_encode({'M', 'a', 'n'}), "TWFu");
  EXPECT_EQ(base64_encode({'M', 'a'}), "TWE=");
  EXPECT_EQ(base64_encode({'M'}), "TQ==");
  EXPECT_EQ(base64_encode({}), "");
  const auto t = nice_ticks(0.0, 1.0);
  ASSERT_EQ(t.size(), 6u);
  EXPECT_NEAR(t[1], 0.2, 1e-12);
  EXPECT_NEAR(t[5], 1.0, 1e-12);
  const auto r = nice_range(0.213, 0.687, 5);
  EXPECT_NEAR(r.first, 0.2, 1e-12);
  EXPECT_NEAR(r.second, 0.7, 1e-12);
  EXPECT_EQ(format_count(27977), "28.0k");
  EXPECT_EQ(format_count(1.25e6), "1.2M");   // printf rounds half to even on the binary value
  EXPECT_EQ(format_duration(125), "2 min 05 s");
  EXPECT_EQ(slug("a b/c<d>.svg"), "a_b_c_d_.svg");
}

TEST(ReportHelpers, LogAxisChartHasPowerOfTenTicksAndLegendBelowPlot) {
  LineChart c;
  c.id = "t";
  c.title = "t<1>";
  c.x = {"fpr", 1e-3, 1.0, true};
  c.y = {"tpr", 0.0, 1.0, false};
  c.series.push_back({"a & b", "#123456", {0.0, 1e-2, 1.0}, {0.0, 0.5, 1.0}});
  const std::string s = line_chart_svg(c);
  for (const char* tick : {">1e-3</text>", ">0.01</text>", ">0.1</text>", ">1</text>"})
    EXPECT_NE(s.find(tick), std::string::npos) << tick;
  EXPECT_NE(s.find("<title>t&lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(s.find(">a &amp; b</text>"), std::string::npos);
  // FPR 0 is drawn at the left edge (x = 64), FPR 1e-2 a third of the way (log scale).
  EXPECT_NE(s.find("points=\"64.00,390.00 250.00,210.00 622.00,30.00 \""), std::string::npos) << s;
  c.x.min = 0;
  EXPECT_THROW(line_chart_svg(c), std::invalid_argument);
}

}  // namespace
}  // namespace dflab::reports
