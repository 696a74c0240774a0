// dflab extract exp.toml [--threads N] [--shard i/n|auto] [--status] [--json]: the experiment's
// preprocessing stage on its own — face crops and audio features of every video (or of one shard
// of them; with [av], also its time-aligned mouth crops and audio windows), in parallel, cached; a
// second run (or one after an interruption) reuses every finished entry. Each run leaves an
// outcome file beside the cache; --status summarises them.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <iostream>
#include <map>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "apps/progress.h"
#include "datasets/shard.h"
#include "experiments/experiment_config.h"
#include "experiments/experiment_data.h"
#include "experiments/extract_shards.h"
#include "experiments/preprocess.h"
#include "registry/interrupt.h"

namespace dflab::cli {

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string host_name() {
  char buf[256] = {};
  return ::gethostname(buf, sizeof buf - 1) == 0 ? buf : "unknown";
}

nlohmann::json counts_json(const ExtractCounts& c) {
  return {{"computed", c.computed}, {"cached", c.cached}, {"failed", c.failed}};
}

int run_status(Context& ctx, const std::string& path, bool json) {
  const ExperimentConfig exp = load_experiment(path, ctx.registry());
  const ShardSummary s = summarise_shards(exp);
  if (json) {
    nlohmann::json shards = nlohmann::json::array();
    for (int i = 0; i < s.count; ++i) {
      nlohmann::json j = {{"shard", Shard{i, s.count}.text()}, {"state", s.states[i]}};
      if (const auto& o = s.outcomes[i]) {
        j["n_videos"] = o->n_videos;
        j["counts"] = counts_json(o->counts);
        j["host"] = o->host;
        j["started"] = o->started;
        j["finished"] = o->finished;
        j["message"] = o->message;
        j["failed_videos"] = o->failed_videos;
      }
      shards.push_back(j);
    }
    print_json({{"experiment", exp.experiment.string("name")}, {"dir", shard_outcome_dir(exp)}, {"count", s.count},
                {"other_counts", s.other_counts}, {"states", s.n_by_state}, {"counts", counts_json(s.counts)},
                {"complete", s.complete()}, {"shards", shards}});
    return s.complete() ? exit_ok : exit_failure;
  }
  if (s.count == 0) {
    std::cout << "no extract has run for '" << exp.experiment.string("name") << "' (no outcome file in "
              << shard_outcome_dir(exp) << ")\n";
    return exit_failure;
  }
  std::cout << s.count << " shard(s) of '" << exp.experiment.string("name") << "' (" << shard_outcome_dir(exp) << "):";
  for (const auto& [state, n] : s.n_by_state) std::cout << " " << state << " " << n;
  std::cout << "\n  videos: computed " << s.counts.computed << ", cached " << s.counts.cached << ", failed "
            << s.counts.failed << "\n";
  for (int i = 0; i < s.count; ++i) {
    const auto& o = s.outcomes[i];
    std::cout << "  shard " << Shard{i, s.count}.text() << ": " << s.states[i];
    if (o) {
      std::cout << ", " << o->n_videos << " videos (computed " << o->counts.computed << ", cached " << o->counts.cached
                << ", failed " << o->counts.failed << ") on " << o->host << ", started " << o->started;
      if (!o->finished.empty()) std::cout << ", finished " << o->finished;
      if (s.states[i] == "running") std::cout << " (still running, or killed: rerun this shard if its job is gone)";
      if (!o->message.empty()) std::cout << "\n    " << o->message;
      for (const std::string& f : o->failed_videos) std::cout << "\n    " << f;
    }
    std::cout << "\n";
  }
  for (int n : s.other_counts)
    std::cout << "  (older outcome files of a split into " << n << " shards are ignored)\n";
  return s.complete() ? exit_ok : exit_failure;
}

int run_extract(Context& ctx, const std::string& path, int threads, const std::string& shard_text, bool json) {
  const Shard shard = parse_shard(shard_text.empty() ? "0/1" : shard_text);
  const ExperimentConfig exp = load_experiment(path, ctx.registry());
  Dataset ds = load_experiment_dataset(exp);
  for (const auto& s : ds.skipped) warn("skipped: " + s.to_string());
  for (const auto& w : ds.warnings) warn(w.to_string());
  const std::size_t n_all = ds.items.size();
  if (!shard.whole()) ds.items = items_of_shard(ds.items, shard);

  ShardOutcome outcome;
  outcome.shard = shard;
  outcome.state = "running";
  outcome.fingerprint = preprocess_fingerprint(exp);
  outcome.n_videos = ds.items.size();
  outcome.host = host_name();
  outcome.pid = ::getpid();
  outcome.started = utc_now();
  write_shard_outcome(exp, outcome);

  PreprocessOptions options;
  options.threads = threads;
  ProgressBar bar(shard.whole() ? "extract" : "extract " + shard.text(), ds.items.size());
  options.on_progress = [&](std::size_t, std::size_t, const VideoPrep&) { bar.tick(); };
  PreprocessReport r;
  try {
    r = preprocess(exp, ds, ctx.registry(), options);
  } catch (const Interrupted&) {
    outcome.state = "interrupted";
    outcome.finished = utc_now();
    write_shard_outcome(exp, outcome);
    throw;
  } catch (const std::exception& e) {
    outcome.state = "failed";
    outcome.message = e.what();
    outcome.finished = utc_now();
    write_shard_outcome(exp, outcome);
    throw;
  }
  bar.finish();
  const ExtractCounts counts = ExtractCounts::of(r.videos);
  outcome.state = "done";
  outcome.counts = counts;
  for (const VideoPrep& v : r.videos)
    if (v.unusable())
      outcome.failed_videos.push_back(v.id + ": " + (v.video_status == "failed" || v.video_status == "no_video"
                                                         ? "video " + v.video_status + " " + v.video_message
                                                     : v.av_status == "failed" ? "av failed " + v.av_message
                                                                               : "audio " + v.audio_status + " " + v.audio_message));
  outcome.finished = utc_now();
  outcome.seconds = r.seconds;
  write_shard_outcome(exp, outcome);

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
    print_json({{"experiment", exp.experiment.string("name")}, {"shard", shard.text()}, {"n_dataset", n_all},
                {"n_videos", r.videos.size()}, {"counts", counts_json(counts)}, {"fully_cached", counts.cached},
                {"seconds", r.seconds}, {"face_cache", r.face_cache_dir}, {"audio_cache", r.audio_cache_dir},
                {"av_cache", r.av_cache_dir}, {"outcome_file", shard_outcome_path(exp, shard)},
                {"video_status", video_counts}, {"audio_status", audio_counts}, {"av_status", av_counts},
                {"skipped_rows", skipped}, {"videos", videos}});
    return any_usable ? exit_ok : exit_failure;
  }
  std::cout << "extracted " << r.videos.size() << " videos of '" << exp.experiment.string("name") << "'"
            << (shard.whole() ? std::string() : " (shard " + shard.text() + " of " + std::to_string(n_all) + " videos)")
            << " in " << format_duration(r.seconds) << ": computed " << counts.computed << ", cached " << counts.cached
            << ", failed " << counts.failed << "\n";
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
  std::cout << "  outcome:     " << shard_outcome_path(exp, shard) << "  (all shards: dflab extract " << path << " --status)\n";
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
  auto* cmd = app.add_subcommand("extract", command_description("extract"));
  auto path = std::make_shared<std::string>();
  auto threads = std::make_shared<int>(0);
  auto shard = std::make_shared<std::string>();
  auto status = std::make_shared<bool>(false);
  auto json = std::make_shared<bool>(false);
  cmd->add_option("experiment", *path, "Experiment TOML file")->required();
  cmd->add_option("--threads", *threads, "Worker threads (default: [experiment] threads, 0 = every core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--shard", *shard,
                  "Only shard i of n (0-based, 'i/n'), chosen by a hash of each video's id; 'auto' reads a Slurm "
                  "array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job "
                  "(JOB_COMPLETION_INDEX, DFLAB_SHARD_COUNT). Shards share the cache");
  cmd->add_flag("--status", *status,
                "Extract nothing: summarise the shards' outcome files (done, failed, running, missing); exit 0 "
                "only when every shard is done");
  add_json_flag(cmd, *json);
  cmd->callback([&ctx, path, threads, shard, status, json] {
    if (*status && !shard->empty()) throw CLI::ValidationError("--status", "summarises every shard; drop --shard");
    if (!shard->empty()) {
      try {
        parse_shard(*shard);
      } catch (const std::invalid_argument& e) {
        throw CLI::ValidationError(e.what());
      }
    }
    ctx.action = [&ctx, path, threads, shard, status, json] {
      return *status ? run_status(ctx, *path, *json) : run_extract(ctx, *path, *threads, *shard, *json);
    };
  });
}

}  // namespace dflab::cli
