// dflab predict --run RUN | --checkpoint best.pt --experiment exp.toml [--model NAME]
//               (--videos DIR | --list FILE | FILE...) [--out prediction.csv]:
// scores new videos with a trained run (a model, or a fusion of models). With one file and no
// --out it prints that video's score: the FFDV "test API", path in, score out.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "apps/cli.h"
#include "apps/progress.h"
#include "experiments/runner.h"
#include "experiments/store/run_store.h"

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

int run_predict(Context& ctx, const std::string& db, const std::string& run, const std::string& checkpoint,
                const std::string& experiment, const std::string& model, const std::string& videos_dir,
                const std::string& list, const std::vector<std::string>& files, const std::string& out,
                const std::string& format, int threads, bool json) {
  PredictRequest req;
  req.db = db.empty() ? store::default_db_path() : db;
  req.run = run;
  req.checkpoint = checkpoint;
  req.experiment_file = experiment;
  req.model = model;
  if (run.empty() == checkpoint.empty()) throw UsageError("give either --run RUN or --checkpoint FILE (with --experiment)");
  if (!checkpoint.empty() && experiment.empty()) throw UsageError("--checkpoint needs --experiment exp.toml (and --model NAME when it has several)");
  req.threads = threads;
  if (!list.empty()) {
    req.videos = read_list(list, videos_dir.empty() ? fs::path(list).parent_path().string() : videos_dir);
  } else if (!videos_dir.empty()) {
    if (!fs::is_directory(videos_dir)) throw UsageError("--videos " + videos_dir + ": not a folder");
    for (const auto& e : fs::directory_iterator(videos_dir))
      if (e.is_regular_file() && is_media(e.path())) req.videos.push_back(e.path().string());
    std::sort(req.videos.begin(), req.videos.end());
  }
  req.videos.insert(req.videos.end(), files.begin(), files.end());
  if (req.videos.empty()) throw UsageError("no videos to score: give FILE..., --videos DIR or --list FILE");
  std::unique_ptr<ProgressBar> bar;
  req.callbacks.on_stage = [&](const std::string& s) {
    if (bar) bar->finish();
    bar.reset();
    std::cerr << "== " << s << "\n";
  };
  req.callbacks.on_warning = [](const std::string& m) { warn(m); };
  req.callbacks.on_preprocess = [&](std::size_t done, std::size_t total, const VideoPrep&) {
    if (!bar) bar = std::make_unique<ProgressBar>("preprocess", total);
    bar->tick();
    if (done == total) bar->finish();
  };
  const PredictOutcome r = predict_with_run(ctx.registry(), req);
  if (bar) bar->finish();
  if (!out.empty()) write_prediction_csv(out, format, r.scores, 0.0, 1.0);
  if (json) {
    nlohmann::json scores = nlohmann::json::array();
    for (const auto& [name, score] : r.scores) scores.push_back({{"video", name}, {"score", score}});
    print_json({{"run", r.run}, {"scores", scores}, {"out", out}, {"warnings", r.warnings}});
  } else if (out.empty()) {
    std::cout.precision(6);
    if (r.scores.size() == 1) std::cout << std::fixed << r.scores[0].second << "\n";
    else
      for (const auto& [name, score] : r.scores) std::cout << name << "," << std::fixed << score << "\n";
  } else {
    std::cout << "wrote " << r.scores.size() << " scores of " << r.run << " to " << out << "\n";
  }
  return exit_ok;
}

}  // namespace

void add_predict_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("predict", "Score new videos with a trained run (model or fusion) from the store");
  struct Args {
    std::string db, run, checkpoint, experiment, model, videos, list, out, format = "ffdv";
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
  cmd->add_option("--out", a->out, "Write the scores to this CSV, in the order of the list");
  cmd->add_option("--format", a->format, "CSV layout: ffdv (video_name,score) or dfdc (filename,label)")
      ->check(CLI::IsMember({"ffdv", "dfdc"}));
  cmd->add_option("--threads", a->threads, "CPU threads (0: the experiment's setting)")->check(CLI::Range(0, 1024));
  add_json_flag(cmd, a->json);
  cmd->footer("Example: dflab predict --db demo/runs.sqlite --run demo/fusion-stacking clip.mp4");
  cmd->callback([&ctx, a] {
    ctx.action = [&ctx, a] {
      return run_predict(ctx, a->db, a->run, a->checkpoint, a->experiment, a->model, a->videos, a->list, a->files, a->out, a->format, a->threads, a->json);
    };
  });
}

}  // namespace dflab::cli
