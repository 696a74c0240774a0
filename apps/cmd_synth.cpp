// dflab synth --out DIR [--train N --val N --test N --seconds S --size WxH --fps F --sample-rate HZ
//                        --crf Q --seed S --threads N --kinds K,K,... --force --json]
// Generates the demo's audio-visual deepfake dataset in FFDV layout (datasets/synth/synth_dataset.h):
// four FakeAVCeleb kinds (and, on request, OutOfSync), H.264 + AAC mp4, label files, the test name
// list, kinds.csv.
#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "apps/progress.h"
#include "datasets/synth/synth_dataset.h"

namespace dflab::cli {

namespace {

struct SynthArgs {
  synth::SynthOptions o;
  std::string size = "320x240";
  std::vector<std::string> kinds;   // empty: the default mix
  bool json = false;
};

void parse_size(const std::string& text, int& width, int& height) {
  const auto x = text.find_first_of("xX");
  std::size_t used_w = 0, used_h = 0;
  try {
    if (x == std::string::npos) throw std::invalid_argument("no x");
    width = std::stoi(text.substr(0, x), &used_w);
    height = std::stoi(text.substr(x + 1), &used_h);
  } catch (const std::exception&) {
    throw UsageError("--size: expected WIDTHxHEIGHT (e.g. 320x240), got '" + text + "'");
  }
  if (used_w != x || used_h != text.size() - x - 1)
    throw UsageError("--size: expected WIDTHxHEIGHT (e.g. 320x240), got '" + text + "'");
}

int run_synth(const SynthArgs& a) {
  synth::SynthOptions o = a.o;
  parse_size(a.size, o.width, o.height);
  try {
    if (!a.kinds.empty()) {
      o.kinds.clear();
      for (const auto& name : a.kinds) {
        if (name == "all") {
          for (int k = 0; k < synth::n_synth_kinds; ++k) o.kinds.push_back(static_cast<synth::SynthKind>(k));
        } else {
          o.kinds.push_back(synth::parse_synth_kind(name));
        }
      }
    }
    o.validate();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  const auto start = std::chrono::steady_clock::now();
  // The bar starts with the first clip, so a refused folder prints only the error.
  std::unique_ptr<ProgressBar> bar;
  const synth::SynthResult r = synth::generate_synth_dataset(o, [&](const synth::SynthClip&) {
    if (!bar) bar = std::make_unique<ProgressBar>("synth", static_cast<std::size_t>(o.n_train + o.n_val + o.n_test));
    bar->tick();
  });
  if (bar) bar->finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const char* splits[] = {"train", "val", "test"};
  if (a.json) {
    nlohmann::json counts;
    for (const char* s : splits)
      for (synth::SynthKind k : o.kinds) counts[s][synth::to_string(k)] = r.count(s, k);
    print_json({{"out", o.out_dir}, {"n_clips", r.clips.size()}, {"seed", o.seed}, {"seconds", seconds},
                {"video_codec", r.video_codec}, {"audio_codec", "aac"}, {"counts", counts}, {"lists", r.lists}});
    return exit_ok;
  }
  std::cout << "wrote " << r.clips.size() << " clips (" << o.width << "x" << o.height << " @ " << o.fps << " fps, "
            << o.seconds << " s, " << r.video_codec << " + aac " << o.sample_rate << " Hz) to " << o.out_dir << " in "
            << format_duration(seconds) << "\n\n";
  std::cout << std::left << std::setw(22) << "kind" << std::right;
  for (const char* s : splits) std::cout << std::setw(7) << s;
  std::cout << std::setw(8) << "target" << "\n";
  for (synth::SynthKind kind : o.kinds) {
    std::cout << std::left << std::setw(22) << synth::to_string(kind) << std::right;
    for (const char* s : splits) std::cout << std::setw(7) << r.count(s, kind);
    std::cout << std::setw(8) << synth::target_of(kind) << "\n";
  }
  std::cout << "\nlists: trainset_label.txt, valset_label.txt, prediction.csv (test names), testset_truth.txt,"
               " kinds.csv, synth.txt\n"
            << "check: dflab data check " << o.out_dir << "\n";
  return exit_ok;
}

}  // namespace

void add_synth_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("synth", command_description("synth"));
  cmd->footer(
      "Generate a small audio-visual deepfake dataset (FFDV layout) for demos and tests: cartoon faces and\n"
      "synthetic voices in four kinds (RealVideo-RealAudio = 0; FakeVideo-RealAudio, RealVideo-FakeAudio,\n"
      "FakeVideo-FakeAudio = 1). Fake video: the inner face re-sampled, colour-shifted and pasted back with a\n"
      "seam; fake audio: a vocoded, band-limited copy of the voice. Same seed, same files.\n"
      "--kinds OutOfSync (or all) adds the out-of-sync kind (= 1): a real face and its own real voice, the voice\n"
      "shifted by 0.2-1 s either way (kinds.csv records audio_shift_s, > 0 when the voice comes late); neither\n"
      "track alone is fake, so only an audio-visual consistency model can find it.\n\n"
      "Example: dflab synth --out data/synth --seed 7 && dflab data check data/synth\n"
      "         dflab synth --out data/av --kinds RealVideo-RealAudio,OutOfSync");
  auto a = std::make_shared<SynthArgs>();
  cmd->add_option("--out", a->o.out_dir, "Output folder (created; must be empty unless --force)")->required();
  cmd->add_option("--train", a->o.n_train, "Training clips (trainset/, trainset_label.txt)")->capture_default_str();
  cmd->add_option("--val", a->o.n_val, "Validation clips (valset/, valset_label.txt)")->capture_default_str();
  cmd->add_option("--test", a->o.n_test, "Test clips (testset/, names in prediction.csv, labels in testset_truth.txt)")
      ->capture_default_str();
  cmd->add_option("--seconds", a->o.seconds, "Clip length in seconds")->capture_default_str();
  cmd->add_option("--size", a->size, "Frame size WIDTHxHEIGHT (even numbers)")->capture_default_str();
  cmd->add_option("--fps", a->o.fps, "Frames per second")->capture_default_str();
  cmd->add_option("--sample-rate", a->o.sample_rate, "Audio sample rate in Hz (mono AAC)")->capture_default_str();
  cmd->add_option("--crf", a->o.crf, "H.264 quality (libx264 CRF, lower is better)")->capture_default_str();
  cmd->add_option("--seed", a->o.seed, "Random seed: same seed and options, same dataset")->capture_default_str();
  cmd->add_option("--threads", a->o.threads, "Clips written in parallel")->capture_default_str();
  cmd->add_option("--kinds", a->kinds,
                  "Kinds to make, comma-separated, each equally often per split: RealVideo-RealAudio, "
                  "FakeVideo-RealAudio, RealVideo-FakeAudio, FakeVideo-FakeAudio, OutOfSync, or all "
                  "(default: the first four)")
      ->delimiter(',');
  cmd->add_flag("--force", a->o.overwrite,
                "Write into a non-empty folder, replacing a previous dataset's split folders and lists (other files stay)");
  add_json_flag(cmd, a->json);
  cmd->callback([&ctx, a] { ctx.action = [a] { return run_synth(*a); }; });
}

}  // namespace dflab::cli
