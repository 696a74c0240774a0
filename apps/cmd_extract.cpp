// dflab extract exp.toml [--threads N] [--json]: the experiment's preprocessing stage on its own —
// face crops and audio features of every video (and, with [av], its time-aligned mouth crops and
// audio windows), in parallel, cached; a second run (or one after an interruption) reuses every
// finished entry.
#include <iostream>
#include <map>

#include "apps/cli.h"
#include "apps/progress.h"
#include "experiments/experiment_config.h"
#include "experiments/experiment_data.h"
#include "experiments/preprocess.h"

namespace dflab::cli {

namespace {

int run_extract(Context& ctx, const std::string& path, int threads, bool json) {
  const ExperimentConfig exp = load_experiment(path, ctx.registry());
  const Dataset ds = load_experiment_dataset(exp);
  for (const auto& s : ds.skipped) warn("skipped: " + s.to_string());
  for (const auto& w : ds.warnings) warn(w.to_string());

  PreprocessOptions options;
  options.threads = threads;
  ProgressBar bar("extract", ds.items.size());
  std::size_t from_cache = 0;
  options.on_progress = [&](std::size_t, std::size_t, const VideoPrep& v) {
    from_cache += (v.video_from_cache || v.video_status == "off") && (v.audio_from_cache || v.audio_status == "off") &&
                  (v.av_from_cache || v.av_status == "off");
    bar.tick();
  };
  const PreprocessReport r = preprocess(exp, ds, ctx.registry(), options);
  bar.finish();

  std::map<std::string, std::size_t> video_counts, audio_counts, av_counts;
  for (const auto& v : r.videos) {
    ++video_counts[v.video_status];
    ++audio_counts[v.audio_status];
    ++av_counts[v.av_status];
  }
  const bool any_usable = r.videos.empty() || r.count_video("ok") + r.count_video("partial") + r.count_video("no_face") +
                                                      r.count_audio("ok") > 0;
  if (json) {
    nlohmann::json videos = nlohmann::json::array();
    for (const auto& v : r.videos)
      videos.push_back({{"id", v.id}, {"split", v.split}, {"path", v.path},
                        {"video", {{"status", v.video_status}, {"message", v.video_message}, {"from_cache", v.video_from_cache}}},
                        {"audio", {{"status", v.audio_status}, {"message", v.audio_message}, {"from_cache", v.audio_from_cache}}},
                        {"av", {{"status", v.av_status}, {"message", v.av_message}, {"from_cache", v.av_from_cache}}}});
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& s : ds.skipped) skipped.push_back({{"file", s.file}, {"line", s.line}, {"id", s.id}, {"reason", s.reason}});
    print_json({{"experiment", exp.experiment.string("name")}, {"n_videos", r.videos.size()},
                {"fully_cached", from_cache}, {"seconds", r.seconds},
                {"face_cache", r.face_cache_dir}, {"audio_cache", r.audio_cache_dir}, {"av_cache", r.av_cache_dir},
                {"video_status", video_counts}, {"audio_status", audio_counts}, {"av_status", av_counts},
                {"skipped_rows", skipped}, {"videos", videos}});
    return any_usable ? exit_ok : exit_failure;
  }
  std::cout << "extracted " << r.videos.size() << " videos of '" << exp.experiment.string("name") << "' in "
            << format_duration(r.seconds) << " (" << from_cache << " entirely from cache)\n";
  auto print_counts = [](const char* what, const std::map<std::string, std::size_t>& counts) {
    std::cout << "  " << what << ":";
    for (const auto& [status, n] : counts) std::cout << " " << status << " " << n;
    std::cout << "\n";
  };
  print_counts("video", video_counts);
  print_counts("audio", audio_counts);
  if (!r.av_cache_dir.empty()) print_counts("av", av_counts);
  if (!r.face_cache_dir.empty()) std::cout << "  face cache:  " << r.face_cache_dir << "\n";
  if (!r.audio_cache_dir.empty()) std::cout << "  audio cache: " << r.audio_cache_dir << "\n";
  if (!r.av_cache_dir.empty()) std::cout << "  av cache:    " << r.av_cache_dir << "\n";
  for (const auto& v : r.videos) {
    if (v.video_status != "ok" && v.video_status != "off")
      std::cout << "  " << v.id << ": video " << v.video_status << (v.video_message.empty() ? "" : " — " + v.video_message) << "\n";
    if (v.audio_status != "ok" && v.audio_status != "off")
      std::cout << "  " << v.id << ": audio " << v.audio_status << (v.audio_message.empty() ? "" : " — " + v.audio_message) << "\n";
    if (v.av_status != "ok" && v.av_status != "off")
      std::cout << "  " << v.id << ": av " << v.av_status << (v.av_message.empty() ? "" : " — " + v.av_message) << "\n";
  }
  if (!ds.skipped.empty()) std::cout << "  " << ds.skipped.size() << " dataset row(s) skipped (see warnings)\n";
  return any_usable ? exit_ok : exit_failure;
}

}  // namespace

void add_extract_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "extract", "Preprocess an experiment's videos: face crops and audio features, parallel and cached");
  auto path = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(0);
  auto json = std::make_shared<bool>(false);
  cmd->add_option("experiment", *path, "Experiment TOML file")->required();
  cmd->add_option("--threads", *threads, "Worker threads (default: [experiment] threads, 0 = every core)")
      ->check(CLI::Range(0, 1024));
  add_json_flag(cmd, *json);
  cmd->callback([&ctx, path, threads, json] {
    ctx.action = [&ctx, path, threads, json] { return run_extract(ctx, *path, *threads, *json); };
  });
}

}  // namespace dflab::cli
