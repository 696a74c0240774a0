// dflab predict --run RUN | --checkpoint best.pt --experiment exp.toml [--model NAME]
//               (--videos DIR | --list FILE | FILE...) [--out prediction.csv]:
// scores new videos with a trained run (a model, or a fusion of models). With one file and no
// --out it prints that video's score: the FFDV "test API", path in, score out. A file that cannot
// be scored gets no score, a status (missing, unreadable, no_face, no_audio) and a line on stderr,
// and the command exits 1 once the others are scored; --on-error prior writes the run's prior.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "apps/progress.h"
#include "apps/runner_progress.h"
#include "datasets/csv_writer.h"
#include "experiments/runner.h"
#include "experiments/runner_json.h"
#include "experiments/store/run_store.h"
#include "registry/atomic_file.h"

namespace dflab::cli {

namespace {

namespace fs = std::filesystem;

bool is_media(const fs::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".mp4" || ext == ".avi" || ext == ".mov" || ext == ".mkv" || ext == ".webm" || ext == ".m4v";
}

// Names from a list file: first column of each line, a header (video_name, filename) skipped,
// relative names resolved against `base`.
std::vector<std::string> read_list(const std::string& list, const std::string& base) {
  std::ifstream in(list);
  if (!in) throw UsageError("--list " + list + ": cannot read it");
  std::vector<std::string> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (n == 1 && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF) line = line.substr(3);   // BOM
    std::string name = line.substr(0, line.find(','));
    name.erase(0, name.find_first_not_of(" \t\""));
    name.erase(name.find_last_not_of(" \t\"") + 1);
    if (name.empty()) continue;
    if (n == 1 && (name == "video_name" || name == "filename" || name == "name" || name == "path")) continue;
    out.push_back(fs::path(name).is_absolute() ? name : (fs::path(base) / name).string());
  }
  return out;
}

// `video_name,score,status` (ffdv) or `filename,label,status` (dfdc), in request order, written
// to a temp file and renamed into place. A video without a score has an empty score field.
void write_scored_csv(const std::string& path, const std::string& format, const std::vector<PredictedVideo>& videos) {
  write_file_atomically(path, [&](std::ostream& out) {
    out << (format == "dfdc" ? "filename,label,status\n" : "video_name,score,status\n");
    for (const PredictedVideo& v : videos) {
      out << csv_field(v.name) << ",";
      if (v.score) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.6f", std::clamp(*v.score, 0.0, 1.0));
        out << buf;
      }
      out << "," << v.status_text() << "\n";
    }
  });
}

// Media files of a folder, sorted. An entry that cannot be inspected (a symlink loop, a dangling
// link) is kept so that it is reported as unreadable instead of stopping the listing.
std::vector<std::string> list_videos(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError("--videos " + dir + ": not a folder");
  std::vector<std::string> out;
  for (fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end; it.increment(ec)) {
    if (!is_media(it->path())) continue;
    std::error_code e2;
    const bool regular = it->is_regular_file(e2);
    if (regular || e2 || it->is_symlink(e2)) out.push_back(it->path().string());
  }
  if (ec) throw std::runtime_error("--videos " + dir + ": cannot list: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

int run_predict(Context& ctx, const std::string& db, const std::string& run, const std::string& checkpoint,
                const std::string& experiment, const std::string& model, const std::string& videos_dir,
                const std::string& list, const std::vector<std::string>& files, const std::string& out,
                const std::string& format, const std::string& on_error, int threads, bool json) {
  PredictRequest req;
  req.db = db.empty() ? store::default_db_path() : db;
  req.run = run;
  req.checkpoint = checkpoint;
  req.experiment_file = experiment;
  req.model = model;
  req.prior_on_error = on_error == "prior";
  if (run.empty() == checkpoint.empty()) throw UsageError("give either --run RUN or --checkpoint FILE (with --experiment)");
  if (!checkpoint.empty() && experiment.empty()) throw UsageError("--checkpoint needs --experiment exp.toml (and --model NAME when it has several)");
  req.threads = threads;
  if (!list.empty()) {
    req.videos = read_list(list, videos_dir.empty() ? fs::path(list).parent_path().string() : videos_dir);
  } else if (!videos_dir.empty()) {
    req.videos = list_videos(videos_dir);
  }
  req.videos.insert(req.videos.end(), files.begin(), files.end());
  if (req.videos.empty()) throw UsageError("no videos to score: give FILE..., --videos DIR or --list FILE");
  std::unique_ptr<ProgressBar> bar;
  req.callbacks = stage_lines_and_preprocess_bar(bar);
  const PredictOutcome r = predict_with_run(ctx.registry(), req);
  if (bar) bar->finish();
  // One line per video that is not plainly scored, naming the file and the reason.
  std::size_t failed = 0;
  for (const PredictedVideo& v : r.videos) {
    if (v.status == "ok") continue;
    if (!v.score) ++failed;
    if (v.substitute == "prior") warn(v.message + " (" + v.status + "): given the run's prior " + std::to_string(*v.score).substr(0, 5) + " (--on-error prior)");
    else if (v.score) warn(v.message + " (" + v.status + "): scored with " + v.substitute + " in its place");
    else error(v.message + " (" + v.status + "): not scored");
  }
  if (!out.empty()) write_scored_csv(out, format, r.videos);
  if (json) {
    nlohmann::json scores = nlohmann::json::array();
    for (const PredictedVideo& v : r.videos) scores.push_back(to_json(v));
    print_json({{"run", r.run}, {"scores", scores}, {"out", out}, {"failed", failed}, {"warnings", r.warnings}});
  } else if (out.empty()) {
    std::cout.precision(6);
    if (r.videos.size() == 1) {
      if (r.videos[0].score) std::cout << std::fixed << *r.videos[0].score << "\n";
    } else {
      for (const PredictedVideo& v : r.videos) {
        std::cout << csv_field(v.name) << ",";
        if (v.score) std::cout << std::fixed << *v.score;
        std::cout << "," << v.status_text() << "\n";
      }
    }
  } else {
    std::cout << "wrote " << r.videos.size() - failed << " scores of " << r.run << " to " << out;
    if (failed) std::cout << " (" << failed << " video(s) not scored: empty score, status says why)";
    std::cout << "\n";
  }
  return failed ? exit_failure : exit_ok;
}

}  // namespace

void add_predict_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("predict", command_description("predict"));
  struct Args {
    std::string db, run, checkpoint, experiment, model, videos, list, out, format = "ffdv", on_error = "error";
    std::vector<std::string> files;
    int threads = 0;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("files", a->files, "Video files to score (one file and no --out: prints its score)");
  cmd->add_option("--run", a->run, "Run: experiment/run, an id, or a unique run name (see `dflab runs`)");
  cmd->add_option("--checkpoint", a->checkpoint, "Or a model checkpoint (best.pt) ...");
  cmd->add_option("--experiment", a->experiment, "... with the experiment file it was trained with ...");
  cmd->add_option("--model", a->model, "... and the model's name there (when it has several)");
  cmd->add_option("--db", a->db, "Run database (default: $DFLAB_DB, else runs/dflab.sqlite)");
  cmd->add_option("--videos", a->videos, "Folder of videos to score (with --list: where the listed names are)");
  cmd->add_option("--list", a->list, "File listing the videos to score, e.g. FFDV's prediction.csv (first column)");
  cmd->add_option("--out", a->out, "Write video_name,score,status rows to this CSV, in the order of the list");
  cmd->add_option("--format", a->format, "CSV layout: ffdv (video_name,score) or dfdc (filename,label)")
      ->check(CLI::IsMember({"ffdv", "dfdc"}));
  cmd->add_option("--on-error", a->on_error,
                  "A video that cannot be scored (missing, unreadable, no face/audio under the prior policy): "
                  "error = no score, its status, exit 1 after the others; prior = the run's training prior, marked '+prior'")
      ->check(CLI::IsMember({"error", "prior"}));
  cmd->add_option("--threads", a->threads, "CPU threads (0: the experiment's setting)")->check(CLI::Range(0, 1024));
  add_json_flag(cmd, a->json);
  cmd->footer("Example: dflab predict --db demo/runs.sqlite --run demo/fusion-stacking clip.mp4");
  cmd->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      return run_predict(ctx, a->db, a->run, a->checkpoint, a->experiment, a->model, a->videos, a->list, a->files, a->out, a->format, a->on_error, a->threads, a->json);
    };
  });
}

}  // namespace dflab::cli
