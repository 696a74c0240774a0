// dflab audio features FILE [--feature mel] [--param k=v ...] [--offset S] [--duration S]
//                           [--npy out.npy] [--png out.png] [--cache DIR] [--json]
//
// Decodes FILE's audio at the feature's sample rate, computes one audio_feature plugin and prints
// its shape, the sample rate, the duration and min/max/mean; --npy writes the float32 matrix
// [n_features][n_frames] for numpy, --png an 8-bit image (min-max normalised; power spectra in dB,
// ref max; row 0 = lowest band at the top, as the FFDV baseline's image).
// Parameters are the plugin's (see `dflab plugins --kind audio_feature`), validated like TOML:
//   dflab audio features clip.mp4 --feature mel --param n_mels=64 --param window=hamming --png m.png
// Exit 0 ok, 1 no audio stream / unreadable / bad parameter, 2 usage error.
#include <algorithm>
#include <iostream>
#include <sstream>

#include <toml.hpp>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "registry/param_args.h"
#include "modalities/audio/audio_feature.h"
#include "modalities/audio/decibel.h"
#include "modalities/audio/feature_cache.h"
#include "modalities/audio/feature_image.h"
#include "modalities/audio/features/ffdv_mel_image.h"
#include "modalities/audio/npy.h"
#include "registry/diagnostics.h"
#include "registry/toml_params.h"

namespace dflab::cli {

namespace {

struct AudioFeaturesArgs {
  std::string file;
  std::string feature = "mel";
  std::vector<std::string> params;   // k=v
  double offset_s = 0, duration_s = 0;
  std::string npy, png, cache_dir;
  bool json = false;
};

int run_audio_features(Context& ctx, const AudioFeaturesArgs& a) {
  Registry& reg = ctx.registry();
  const PluginInfo& info = reg.info(kind::audio_feature, a.feature);   // unknown: lists what exists
  Params params = plugin_params_from_args(info, a.params);
  std::unique_ptr<AudioFeature> feature;
  try {
    feature = reg.create<AudioFeature>(kind::audio_feature, a.feature, params);
  } catch (const std::invalid_argument& e) {
    error(a.feature + ": " + e.what());
    return exit_failure;
  }

  AudioDecodeOptions decode;
  decode.sample_rate = feature->sample_rate();
  decode.offset_s = a.offset_s;
  decode.max_duration_s = a.duration_s;
  std::unique_ptr<FeatureCache> cache;
  if (!a.cache_dir.empty()) cache = std::make_unique<FeatureCache>(a.cache_dir);
  const FeatureResult r = extract_feature(a.file, *feature, decode, cache.get());
  if (!r.ok()) {
    if (a.json) {
      print_json({{"file", a.file}, {"feature", a.feature}, {"status", to_string(r.status)}, {"error", r.error}});
    }
    error(r.failure_message());
    return exit_failure;
  }
  if (!r.error.empty()) warn(r.error);   // e.g. corrupt packets skipped
  const FeatureMatrix& m = r.feature;
  float lo = 0, hi = 0;
  double sum = 0;
  if (!m.empty()) {
    const auto [mn, mx] = std::minmax_element(m.data.begin(), m.data.end());
    lo = *mn;
    hi = *mx;
    for (float v : m.data) sum += v;
  }
  const double mean = m.empty() ? 0.0 : sum / m.data.size();

  if (!a.npy.empty()) write_npy(a.npy, m);
  if (!a.png.empty()) {
    if (a.feature == "ffdv_mel_image") {
      cv::Mat img(m.n_rows, m.n_cols, CV_8UC1);
      for (int y = 0; y < m.n_rows; ++y)
        for (int x = 0; x < m.n_cols; ++x) img.at<unsigned char>(y, x) = static_cast<unsigned char>(m.at(y, x));
      write_png(a.png, img);
    } else {
      // Power / magnitude spectra are viewed in dB; cepstra and dB features as they are.
      const bool spectrum = (a.feature == "stft") || (a.feature == "mel" && !params.boolean("to_db"));
      DbOptions db;
      db.ref_max = true;
      FeatureMatrix view = m;
      if (spectrum) view = params.real("power") == 1.0 ? amplitude_to_db(m, db) : power_to_db(m, db);
      write_png(a.png, feature_image(view));
    }
  }

  if (a.json) {
    nlohmann::json j = {{"file", a.file},
                        {"feature", a.feature},
                        {"params", params.canonical()},
                        {"status", to_string(r.status)},
                        {"from_cache", r.from_cache},
                        {"sample_rate", feature->sample_rate()},
                        {"duration_s", r.duration_s},
                        {"shape", {m.n_rows, m.n_cols}},
                        {"min", lo},
                        {"max", hi},
                        {"mean", mean},
                        {"n_corrupt_packets", r.n_corrupt_packets}};
    if (!a.npy.empty()) j["npy"] = a.npy;
    if (!a.png.empty()) j["png"] = a.png;
    print_json(j);
    return exit_ok;
  }
  std::cout << a.file << "\n"
            << "  feature      " << a.feature << " (" << params.canonical() << ")\n"
            << "  shape        " << m.n_rows << " x " << m.n_cols << "  [features x frames]\n"
            << "  sample rate  " << feature->sample_rate() << " Hz\n";
  if (r.from_cache)
    std::cout << "  duration     (from cache)\n";
  else
    std::cout << "  duration     " << r.duration_s << " s\n";
  std::cout << "  min/max/mean " << lo << " / " << hi << " / " << mean << "\n";
  if (r.n_corrupt_packets) std::cout << "  corrupt packets skipped: " << r.n_corrupt_packets << "\n";
  if (!a.npy.empty()) std::cout << "  wrote " << a.npy << "\n";
  if (!a.png.empty()) std::cout << "  wrote " << a.png << "\n";
  return exit_ok;
}

}  // namespace

void add_audio_command(CLI::App& app, Context& ctx) {
  auto* audio = app.add_subcommand("audio", command_description("audio"));
  audio->require_subcommand(1);
  auto* features = audio->add_subcommand("features", "Decode a file's audio and compute one audio_feature plugin");
  auto a = std::make_shared<AudioFeaturesArgs>();
  features->add_option("FILE", a->file, "Audio or video file (any container FFmpeg reads)")->required();
  features->add_option("--feature", a->feature, "audio_feature plugin: stft, mel, mfcc, lfcc, ffdv_mel_image")
      ->capture_default_str();
  features->add_option("--param", a->params, "Plugin parameter key=value; repeatable");
  features->add_option("--offset", a->offset_s, "Start this many seconds into the audio")->check(CLI::NonNegativeNumber);
  features->add_option("--duration", a->duration_s, "Decode at most this many seconds (0 = all)")
      ->check(CLI::NonNegativeNumber);
  features->add_option("--npy", a->npy, "Write the feature as float32 .npy [features][frames]");
  features->add_option("--png", a->png, "Write the feature as an 8-bit PNG");
  features->add_option("--cache", a->cache_dir, "Feature cache folder (reused across runs)");
  add_json_flag(features, a->json);
  features->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_audio_features(ctx, *a); }; });
}

}  // namespace dflab::cli
