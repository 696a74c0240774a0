// dflab data check <dir|labels.csv|metadata.json|*_label.txt> [--json] [--threads N] [--no-probe]
//
// Reads a dataset (FFDV, DFDC or generic CSV layout, detected from the path), lists every problem
// row with file:line (duplicates, missing files, bad labels, wrong column counts, empty files),
// counts videos per split and class, and probes every media file in parallel (duration, fps,
// resolution, codec, audio) listing the unreadable ones with the reason.
// Exit 0 when everything is fine, 1 when anything was found.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "apps/progress.h"
#include "datasets/layout.h"
#include "experiments/experiment_config.h"
#include "experiments/experiment_data.h"
#include "modalities/media/probe.h"

namespace dflab::cli {

namespace {

struct SplitCounts {
  std::size_t real = 0, fake = 0, unlabeled = 0;
  std::size_t total() const { return real + fake + unlabeled; }
};

// Probes every item on `n_threads` workers (each takes the next index) with a progress bar.
std::vector<MediaInfo> probe_all(const std::vector<VideoItem>& items, unsigned n_threads) {
  std::vector<MediaInfo> out(items.size());
  if (items.empty()) return out;
  n_threads = std::max(1u, std::min<unsigned>(n_threads, static_cast<unsigned>(items.size())));
  ProgressBar bar("probe", items.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(n_threads);
  for (unsigned t = 0; t < n_threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < items.size(); i = next++) {
        out[i] = probe_media(items[i].path);   // never throws for a bad file
        bar.tick();
      }
    });
  }
  for (auto& th : pool) th.join();
  bar.finish();
  return out;
}

std::string label_text(const std::optional<int>& label) {
  return !label ? "-" : *label == 1 ? "fake" : "real";
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

// How each file-format attribute splits across real/fake among the labeled, readable items. An
// attribute that alone predicts the label (e.g. every real is MPEG-4 and every fake H.264, as in
// some talking-head sets) is a shortcut a model will learn instead of the face or the voice.
struct FormatTally {
  std::string attribute;
  std::map<std::string, std::array<std::size_t, 2>> by_value;   // value → {n_real, n_fake}
  double accuracy = 0;   // predicting each value's majority class
  double prior = 0;      // predicting the overall majority class
  bool shortcut = false;
};

std::vector<FormatTally> format_tallies(const std::vector<VideoItem>& items, const std::vector<MediaInfo>& media) {
  using Get = std::function<std::string(const MediaInfo&)>;
  const std::vector<std::pair<std::string, Get>> attributes = {
      {"container", [](const MediaInfo& m) { return m.container; }},
      {"video_codec", [](const MediaInfo& m) { return m.has_video ? m.video_codec : "none"; }},
      {"fps", [](const MediaInfo& m) { return m.has_video ? fixed(m.fps, 2) : "none"; }},
      {"resolution", [](const MediaInfo& m) {
         return m.has_video ? std::to_string(m.width) + "x" + std::to_string(m.height) : "none"; }},
      {"audio_codec", [](const MediaInfo& m) { return m.has_audio ? m.audio_codec : "none"; }},
      {"sample_rate", [](const MediaInfo& m) { return m.has_audio ? std::to_string(m.sample_rate) : "none"; }},
      {"channels", [](const MediaInfo& m) { return m.has_audio ? std::to_string(m.channels) : "none"; }},
  };
  std::vector<FormatTally> out;
  for (const auto& [name, get] : attributes) {
    FormatTally t;
    t.attribute = name;
    std::array<std::size_t, 2> total{0, 0};
    for (std::size_t i = 0; i < media.size(); ++i) {
      if (!media[i].ok || !items[i].label) continue;
      const int label = *items[i].label;
      ++t.by_value[get(media[i])][static_cast<std::size_t>(label)];
      ++total[static_cast<std::size_t>(label)];
    }
    const std::size_t n = total[0] + total[1];
    if (n == 0) continue;
    std::size_t correct = 0;
    for (const auto& [value, c] : t.by_value) correct += std::max(c[0], c[1]);
    t.accuracy = static_cast<double>(correct) / static_cast<double>(n);
    t.prior = static_cast<double>(std::max(total[0], total[1])) / static_cast<double>(n);
    t.shortcut = total[0] >= 2 && total[1] >= 2 && t.by_value.size() >= 2 && t.accuracy >= 0.95 &&
                 t.accuracy > t.prior + 0.05;
    out.push_back(std::move(t));
  }
  return out;
}

std::string shortcut_message(const FormatTally& t) {
  return t.attribute + " alone predicts the label for " + fixed(100 * t.accuracy, 0) +
         "% of the labeled videos (majority class: " + fixed(100 * t.prior, 0) +
         "%): a model may learn the file format instead of the content";
}

nlohmann::json media_json(const VideoItem& item, const MediaInfo& m) {
  nlohmann::json j = {{"id", item.id}, {"path", item.path}, {"split", item.split},
                      {"label", item.label ? nlohmann::json(*item.label) : nlohmann::json(nullptr)},
                      {"ok", m.ok}};
  if (!m.ok) {
    j["error"] = m.error;
    return j;
  }
  j["container"] = m.container;
  j["duration_s"] = m.duration_s;
  j["has_video"] = m.has_video;
  if (m.has_video) {
    j["video_codec"] = m.video_codec;
    j["width"] = m.width;
    j["height"] = m.height;
    j["fps"] = m.fps;
    j["rotation_deg"] = m.rotation_deg;
    j["n_frames"] = m.n_frames ? nlohmann::json(*m.n_frames) : nlohmann::json(nullptr);
  }
  j["has_audio"] = m.has_audio;
  if (m.has_audio) {
    j["audio_codec"] = m.audio_codec;
    j["sample_rate"] = m.sample_rate;
    j["channels"] = m.channels;
  }
  if (item.original) j["original"] = *item.original;
  return j;
}

// A dataset path, or an experiment file whose [data] section names one.
Dataset read_for_check(Context& ctx, const std::string& path) {
  if (std::filesystem::path(path).extension() == ".toml") {
    ExperimentConfig exp = load_experiment(path, ctx.registry());
    // Report problems instead of stopping at the first one, whatever the experiment's policy.
    exp.data.set("on_error", std::string("skip"));
    return load_experiment_dataset(exp);
  }
  ReadOptions options{ProblemPolicy::skip, /*check_files=*/true, /*root=*/"", /*source_column=*/""};
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) options.root = path;   // warn about videos listed outside it
  return read_dataset(path, options);
}

int run_data_check(Context& ctx, const std::string& path, bool json, unsigned n_threads, bool probe) {
  const Dataset ds = read_for_check(ctx, path);

  std::vector<std::string> split_order = ds.splits();
  std::map<std::string, SplitCounts> counts;
  SplitCounts all;
  for (const auto& v : ds.items) {
    SplitCounts& c = counts[v.split];
    std::size_t& slot = !v.label ? c.unlabeled : *v.label == 1 ? c.fake : c.real;
    ++slot;
    ++(!v.label ? all.unlabeled : *v.label == 1 ? all.fake : all.real);
  }
  std::size_t n_missing = 0;
  for (const auto& s : ds.skipped)
    if (s.reason.rfind("missing file", 0) == 0) ++n_missing;

  const std::vector<MediaInfo> media = probe ? probe_all(ds.items, n_threads) : std::vector<MediaInfo>{};
  std::size_t n_unreadable = 0;
  for (const auto& m : media) n_unreadable += m.ok ? 0 : 1;
  const bool ok = ds.skipped.empty() && n_unreadable == 0 && !ds.items.empty();
  const std::vector<FormatTally> formats = format_tallies(ds.items, media);
  for (const auto& t : formats)
    if (t.shortcut) warn("possible shortcut: " + shortcut_message(t));

  if (json) {
    nlohmann::json splits = nlohmann::json::object();
    for (const auto& name : split_order) {
      const SplitCounts& c = counts[name];
      splits[name] = {{"real", c.real}, {"fake", c.fake}, {"unlabeled", c.unlabeled}, {"total", c.total()}};
    }
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& s : ds.skipped)
      problems.push_back({{"file", s.file}, {"line", s.line}, {"id", s.id}, {"reason", s.reason}});
    nlohmann::json videos = nlohmann::json::array(), unreadable = nlohmann::json::array();
    for (std::size_t i = 0; i < media.size(); ++i) {
      videos.push_back(media_json(ds.items[i], media[i]));
      if (!media[i].ok) unreadable.push_back({{"id", ds.items[i].id}, {"path", ds.items[i].path}, {"error", media[i].error}});
    }
    nlohmann::json doc = {{"path", ds.root},
                          {"layout", ds.layout},
                          {"n_items", ds.items.size()},
                          {"totals", {{"real", all.real}, {"fake", all.fake}, {"unlabeled", all.unlabeled},
                                      {"total", all.total()}}},
                          {"splits", splits},
                          {"problems", problems},
                          {"n_missing_files", n_missing},
                          {"probed", probe},
                          {"videos", videos},
                          {"unreadable", unreadable},
                          {"ok", ok}};
    nlohmann::json fj = nlohmann::json::object(), shortcuts = nlohmann::json::array();
    for (const auto& t : formats) {
      nlohmann::json values = nlohmann::json::object();
      for (const auto& [value, c] : t.by_value) values[value] = {{"real", c[0]}, {"fake", c[1]}};
      fj[t.attribute] = values;
      if (t.shortcut)
        shortcuts.push_back({{"attribute", t.attribute}, {"accuracy", t.accuracy}, {"prior", t.prior}});
    }
    nlohmann::json warnings = nlohmann::json::array();
    for (const auto& w : ds.warnings) warnings.push_back({{"file", w.file}, {"line", w.line}, {"message", w.message}});
    doc["warnings"] = warnings;
    doc["formats"] = fj;
    doc["shortcuts"] = shortcuts;
    print_json(doc);
    return ok ? exit_ok : exit_failure;
  }

  std::cout << "dataset: " << ds.root << " (" << ds.layout << "), " << ds.items.size() << " items\n\n";
  std::cout << std::left << std::setw(12) << "split" << std::right << std::setw(8) << "real" << std::setw(8)
            << "fake" << std::setw(11) << "unlabeled" << std::setw(8) << "total" << "\n";
  auto row = [](const std::string& name, const SplitCounts& c) {
    std::cout << std::left << std::setw(12) << name << std::right << std::setw(8) << c.real << std::setw(8)
              << c.fake << std::setw(11) << c.unlabeled << std::setw(8) << c.total() << "\n";
  };
  for (const auto& name : split_order) row(name, counts[name]);
  row("all", all);

  if (!ds.warnings.empty()) {
    std::cout << "\nwarnings (" << ds.warnings.size() << "):\n";
    for (const auto& w : ds.warnings) std::cout << "  " << w.to_string() << "\n";
  }
  if (!ds.skipped.empty()) {
    std::cout << "\nproblems (" << ds.skipped.size() << ", " << n_missing << " missing files):\n";
    for (const auto& s : ds.skipped) std::cout << "  " << s.to_string() << "\n";
  }
  if (probe && !media.empty()) {
    std::size_t w = 4;
    for (const auto& v : ds.items) w = std::max(w, v.id.size());
    std::cout << "\n" << std::left << std::setw(static_cast<int>(w)) << "item" << "  " << std::setw(8) << "split"
              << std::setw(6) << "label" << std::right << std::setw(9) << "dur_s" << std::setw(8) << "fps"
              << std::setw(11) << "size" << "  " << std::left << std::setw(8) << "codec" << "audio\n";
    for (std::size_t i = 0; i < media.size(); ++i) {
      const VideoItem& v = ds.items[i];
      const MediaInfo& m = media[i];
      std::cout << std::left << std::setw(static_cast<int>(w)) << v.id << "  " << std::setw(8) << v.split
                << std::setw(6) << label_text(v.label);
      if (!m.ok) {
        std::cout << "UNREADABLE\n";
        continue;
      }
      std::cout << std::right << std::setw(9) << fixed(m.duration_s, 2) << std::setw(8)
                << (m.has_video ? fixed(m.fps, 2) : "-") << std::setw(11)
                << (m.has_video ? std::to_string(m.width) + "x" + std::to_string(m.height) : "-") << "  "
                << std::left << std::setw(8) << (m.has_video ? m.video_codec : "-")
                << (m.has_audio ? "yes (" + m.audio_codec + ", " + std::to_string(m.sample_rate) + " Hz, " +
                                      std::to_string(m.channels) + " ch)"
                                : "no")
                << (m.rotation_deg ? "  rotated " + std::to_string(m.rotation_deg) : "") << "\n";
    }
    if (!formats.empty()) {
      std::cout << "\nformats by class (value real/fake):\n";
      for (const auto& t : formats) {
        std::cout << "  " << std::left << std::setw(12) << t.attribute;
        for (const auto& [value, c] : t.by_value) std::cout << "  " << value << " " << c[0] << "/" << c[1];
        std::cout << (t.shortcut ? "   <- possible shortcut" : "") << "\n";
      }
    }
    if (n_unreadable) {
      std::cout << "\nunreadable (" << n_unreadable << "):\n";
      for (std::size_t i = 0; i < media.size(); ++i)
        if (!media[i].ok) std::cout << "  " << ds.items[i].id << ": " << media[i].error << "\n";
    }
  }
  std::cout << "\n" << (ok ? "OK" : "PROBLEMS") << ": " << ds.items.size() << " usable items, " << ds.skipped.size()
            << " problem rows, " << (probe ? std::to_string(n_unreadable) : std::string("not probed:"))
            << " unreadable\n";
  if (ds.items.empty()) warn("no usable items in " + path);
  return ok ? exit_ok : exit_failure;
}

}  // namespace

void add_data_command(CLI::App& app, Context& ctx) {
  auto* data = app.add_subcommand("data", command_description("data"));
  data->require_subcommand(1);
  auto* check = data->add_subcommand(
      "check", "Read a dataset, report every problem row with file:line, and probe every video");
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto threads = std::make_shared<unsigned>(std::max(1u, std::thread::hardware_concurrency()));
  auto no_probe = std::make_shared<bool>(false);
  check->add_option("path", *path, "Dataset folder, labels .csv, metadata.json, *_label.txt, or an experiment .toml")
      ->required();
  check->add_option("--threads", *threads, "Probe threads (default: hardware threads)")->check(CLI::Range(1u, 1024u));
  check->add_flag("--no-probe", *no_probe, "Only read the labels; do not open the media files");
  add_json_flag(check, *json);
  check->callback([&ctx, path, json, threads, no_probe] {
    ctx.action = [&ctx, path, json, threads, no_probe] {
      return run_data_check(ctx, *path, *json, *threads, !*no_probe);
    };
  });
}

}  // namespace dflab::cli
