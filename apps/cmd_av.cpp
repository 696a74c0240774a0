// dflab av sync FILE... --run RUN [--db DB] [--max-offset 15] [--png curve.png] [--json]:
// where each video's voice sits against its mouths, by an audio-visual model run (av_sync trained
// on real videos, or any av model): the offset in frames and ms (positive: the audio comes late),
// SyncNet's confidence, and the curve over offsets. A file that cannot be measured gets a status
// and a line on stderr; the command exits 1 once the others are done.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "apps/progress.h"
#include "apps/runner_progress.h"
#include "experiments/runner.h"
#include "experiments/store/run_store.h"

namespace dflab::cli {

namespace {

struct SyncArgs {
  std::vector<std::string> files;
  std::string db, run, png;
  int max_offset = 15;
  int threads = 0;
  bool json = false;
};

nlohmann::json to_json(const AvSyncVideo& v) {
  nlohmann::json j = {{"name", v.name}, {"path", v.path}, {"status", v.status}};
  if (!v.message.empty()) j["message"] = v.message;
  if (!v.curve) return j;
  const SyncCurve& c = *v.curve;
  j["offset_frames"] = c.offset_frames;
  j["offset_ms"] = c.offset_ms;
  j["confidence"] = c.confidence;
  j["in_sync_probability"] = c.in_sync_probability;
  if (v.fake_probability) j["fake_probability"] = *v.fake_probability;
  j["frame_interval_s"] = c.frame_interval_s;
  nlohmann::json curve = nlohmann::json::array();
  for (std::size_t k = 0; k < c.offsets.size(); ++k) {
    nlohmann::json p = {{"offset", c.offsets[k]}, {"stacks", c.stacks[k]}};
    p["logit"] = std::isnan(c.logit[k]) ? nlohmann::json() : nlohmann::json(c.logit[k]);
    curve.push_back(p);
  }
  j["curve"] = curve;
  return j;
}

// The curve as SyncNet's demo plots it: out-of-sync logit by offset, the chosen offset marked.
void write_curve_png(const std::string& path, const AvSyncVideo& v) {
  const SyncCurve& c = *v.curve;
  const int w = 720, h = 400, left = 70, right = 20, top = 40, bottom = 50;
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  double lo = INFINITY, hi = -INFINITY;
  for (double y : c.logit)
    if (!std::isnan(y)) lo = std::min(lo, y), hi = std::max(hi, y);
  if (!(hi > lo)) hi = lo + 1.0;
  const int n = static_cast<int>(c.offsets.size());
  auto px = [&](int k) { return left + (n > 1 ? k * (w - left - right) / (n - 1) : (w - left - right) / 2); };
  auto py = [&](double y) { return top + static_cast<int>(std::lround((hi - y) / (hi - lo) * (h - top - bottom))); };
  const cv::Scalar axis(90, 90, 90), line(180, 90, 30), mark(40, 40, 200);
  cv::line(img, {left, h - bottom}, {w - right, h - bottom}, axis);
  cv::line(img, {left, top}, {left, h - bottom}, axis);
  for (int k = 0; k < n; ++k) {
    if (c.offsets[k] % 5 != 0) continue;
    cv::line(img, {px(k), h - bottom}, {px(k), h - bottom + 5}, axis);
    cv::putText(img, std::to_string(c.offsets[k]), {px(k) - 10, h - bottom + 22}, cv::FONT_HERSHEY_SIMPLEX, 0.45, axis);
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.2f", hi);
  cv::putText(img, buf, {5, top + 5}, cv::FONT_HERSHEY_SIMPLEX, 0.45, axis);
  std::snprintf(buf, sizeof buf, "%.2f", lo);
  cv::putText(img, buf, {5, h - bottom}, cv::FONT_HERSHEY_SIMPLEX, 0.45, axis);
  std::vector<cv::Point> pts;
  for (int k = 0; k < n; ++k)
    if (!std::isnan(c.logit[k])) pts.push_back({px(k), py(c.logit[k])});
  if (pts.size() > 1) cv::polylines(img, pts, false, line, 2, cv::LINE_AA);
  for (int k = 0; k < n; ++k)
    if (c.offsets[k] == c.offset_frames) {
      cv::line(img, {px(k), top}, {px(k), h - bottom}, mark, 1, cv::LINE_AA);
      cv::circle(img, {px(k), py(c.logit[k])}, 5, mark, -1, cv::LINE_AA);
    }
  std::snprintf(buf, sizeof buf, "%s: offset %+d frames (%+.0f ms), confidence %.2f", v.name.c_str(), c.offset_frames,
                c.offset_ms, c.confidence);
  cv::putText(img, buf, {left, 25}, cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(0, 0, 0), 1, cv::LINE_AA);
  cv::putText(img, "audio offset (frames; > 0: audio late)", {left + 180, h - 10}, cv::FONT_HERSHEY_SIMPLEX, 0.45, axis);
  if (!cv::imwrite(path, img)) throw std::runtime_error(path + ": cannot write the PNG");
}

int run_sync(Context& ctx, const SyncArgs& a) {
  if (a.files.empty()) throw UsageError("give one or more video files");
  if (!a.png.empty() && a.files.size() != 1) throw UsageError("--png draws one video's curve: give one FILE");
  AvSyncRequest req;
  req.db = a.db.empty() ? store::default_db_path() : a.db;
  req.run = a.run;
  req.videos = a.files;
  req.max_offset = a.max_offset;
  req.threads = a.threads;
  std::unique_ptr<ProgressBar> bar;
  req.callbacks = stage_lines_and_preprocess_bar(bar);
  const AvSyncOutcome r = av_sync_with_run(ctx.registry(), req);
  if (bar) bar->finish();
  std::size_t failed = 0;
  for (const AvSyncVideo& v : r.videos)
    if (v.status != "ok") {
      ++failed;
      error(v.message + " (" + v.status + "): no offset");
    }
  if (!a.png.empty() && r.videos[0].curve) write_curve_png(a.png, r.videos[0]);
  if (a.json) {
    nlohmann::json doc = {{"run", r.run}, {"videos", nlohmann::json::array()}, {"failed", failed}, {"warnings", r.warnings}};
    for (const AvSyncVideo& v : r.videos) doc["videos"].push_back(to_json(v));
    if (r.videos.size() == 1) {   // one file: its fields at the top too, as SyncNet's demo prints them
      const nlohmann::json one = to_json(r.videos[0]);
      for (const auto& [k, val] : one.items()) doc[k] = val;
    }
    if (!a.png.empty()) doc["png"] = a.png;
    print_json(doc);
    return failed ? exit_failure : exit_ok;
  }
  for (const AvSyncVideo& v : r.videos) {
    if (!v.curve) continue;
    const SyncCurve& c = *v.curve;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s: offset %+d frames (%+.0f ms%s), confidence %.3f, P(in sync as recorded) %.3f",
                  v.name.c_str(), c.offset_frames, c.offset_ms,
                  c.offset_frames > 0 ? ", audio late" : c.offset_frames < 0 ? ", audio early" : "", c.confidence,
                  c.in_sync_probability);
    std::cout << buf;
    if (v.fake_probability) {
      std::snprintf(buf, sizeof buf, ", P(fake) %.3f", *v.fake_probability);
      std::cout << buf;
    }
    std::cout << "\n";
    if (r.videos.size() == 1) {
      std::cout << "offset  out-of-sync logit  stacks\n";
      for (std::size_t k = 0; k < c.offsets.size(); ++k) {
        if (std::isnan(c.logit[k])) std::snprintf(buf, sizeof buf, "%+6d  %17s  %6d\n", c.offsets[k], "-", c.stacks[k]);
        else std::snprintf(buf, sizeof buf, "%+6d  %17.4f  %6d%s\n", c.offsets[k], c.logit[k], c.stacks[k],
                           c.offsets[k] == c.offset_frames ? "  <- offset" : "");
        std::cout << buf;
      }
    }
  }
  if (!a.png.empty() && r.videos[0].curve) std::cout << "wrote " << a.png << "\n";
  return failed ? exit_failure : exit_ok;
}

}  // namespace

void add_av_command(CLI::App& app, Context& ctx) {
  auto* av = app.add_subcommand("av", command_description("av"));
  av->require_subcommand(1);
  auto* sync = av->add_subcommand("sync", "Find the audio-visual offset of videos with an av model run: offset (frames, "
                                          "ms; > 0 when the audio comes late), confidence, curve");
  auto a = std::make_shared<SyncArgs>();
  sync->add_option("files", a->files, "Video files (with audio and a visible face)")->required();
  sync->add_option("--run", a->run, "An audio-visual model run: experiment/run, an id, or a unique run name")->required();
  sync->add_option("--db", a->db, "Run database (default: $DFLAB_DB, else runs/dflab.sqlite)");
  sync->add_option("--max-offset", a->max_offset, "Offsets searched, in sampled frames either way")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  sync->add_option("--png", a->png, "Draw the curve of one video to this PNG");
  sync->add_option("--threads", a->threads, "CPU threads (0: the experiment's setting)")->check(CLI::Range(0, 1024));
  add_json_flag(sync, a->json);
  sync->footer("Example: dflab av sync --db demo/runs.sqlite --run av-sync-demo/sync clip.mp4 --png curve.png");
  sync->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_sync(ctx, *a); }; });
}

}  // namespace dflab::cli
