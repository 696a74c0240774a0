// dflab augment NAME FILE... --out DIR [--param k=v]... [--seed 0] [--frames 8] [--partner FILE]
//               [--target 1] [--partner-target 0] [--json]
// Applies one augmentation plugin (p forced to 1) to a clip and writes the frames as PNG, so a
// person can see what it does. FILE is one video (its --frames uniformly sampled frames form the
// clip) or one or more images of the same size (one frame each, in order). Mixing plugins
// (cutmix, mixup, paired_mixup) need --partner, read the same way. Video plugins only.
//
//   dflab augment h264_reencode face.png --param crf_min=40 --param crf_max=40 --out /tmp/aug
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <opencv2/imgcodecs.hpp>

#include "apps/cli.h"
#include "apps/param_args.h"
#include "modalities/augment/augmentation.h"
#include "modalities/video/video_decoder.h"

namespace fs = std::filesystem;

namespace dflab::cli {

namespace {

struct AugmentArgs {
  std::string name;
  std::vector<std::string> files;
  std::vector<std::string> params;
  std::string out;
  std::vector<std::string> partner;
  std::uint64_t seed = 0;
  int frames = 8;
  float target = 1.0f;
  float partner_target = 0.0f;
  bool json = false;
};

bool is_image(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp" || ext == ".webp";
}

AugmentSample read_clip(const std::vector<std::string>& files, int n_frames, float target) {
  AugmentSample s;
  s.modality = AugmentModality::video;
  s.target = target;
  if (files.size() == 1 && !is_image(files[0])) {
    VideoDecoder decoder(files[0]);
    const DecodeReport r = decoder.run(FrameSampling::uniform(n_frames), [&](VideoFrame& f) {
      s.frames.push_back(f.bgr);
      s.timestamps_s.push_back(f.timestamp_s);   // uniformly sampled frames are far apart in time
      return true;
    });
    if (s.frames.empty()) throw std::runtime_error(files[0] + ": no frames decoded (" + r.message + ")");
    return s;
  }
  for (const auto& f : files) {
    if (!is_image(f)) throw UsageError(f + ": give one video, or images only");
    cv::Mat img = cv::imread(f, cv::IMREAD_COLOR);
    if (img.empty()) throw std::runtime_error(f + ": cannot read the image (missing or corrupt)");
    if (!s.frames.empty() && img.size() != s.frames[0].size())
      throw UsageError(f + ": " + std::to_string(img.cols) + "x" + std::to_string(img.rows) +
                       ", but the first image is " + std::to_string(s.frames[0].cols) + "x" +
                       std::to_string(s.frames[0].rows));
    s.frames.push_back(img);
  }
  return s;
}

int run_augment(Context& ctx, const AugmentArgs& a) {
  const PluginInfo& info = ctx.registry().info(kind::augmentation, a.name);
  std::vector<std::string> pairs = a.params;
  pairs.push_back("p=1.0");
  const Params params = plugin_params_from_args(info, pairs);
  auto aug = ctx.registry().create<Augmentation>(kind::augmentation, a.name, params);
  if (!aug->applies_to(AugmentModality::video))
    throw UsageError("augment: " + a.name + " is an audio augmentation; this command takes video plugins");
  if (aug->partner() != PartnerKind::none && a.partner.empty())
    throw UsageError("augment: " + a.name + " mixes two samples; give --partner FILE");

  AugmentSample sample = read_clip(a.files, a.frames, a.target);
  AugmentSample partner;
  if (!a.partner.empty()) partner = read_clip(a.partner, a.frames, a.partner_target);
  std::mt19937_64 rng(a.seed);
  aug->apply(sample, a.partner.empty() ? nullptr : &partner, rng);

  fs::create_directories(a.out);
  std::vector<std::string> written;
  for (std::size_t i = 0; i < sample.frames.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03zu.png", i);
    const fs::path path = fs::path(a.out) / name;
    if (!cv::imwrite(path.string(), sample.frames[i])) throw std::runtime_error(path.string() + ": cannot write");
    written.push_back(path.string());
  }
  if (a.json) {
    print_json({{"plugin", a.name}, {"params", params.canonical()}, {"seed", a.seed}, {"target", sample.target},
                {"frames", written}});
  } else {
    std::cout << a.name << " (" << params.canonical() << "), seed " << a.seed << ": " << written.size()
              << " frame(s) in " << a.out << ", target " << sample.target << "\n";
  }
  return exit_ok;
}

}  // namespace

void add_augment_command(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<AugmentArgs>();
  auto* cmd = app.add_subcommand("augment", "Apply one augmentation plugin to a clip and write the frames as PNG");
  cmd->add_option("name", a->name, "augmentation plugin (see `dflab plugins --kind augmentation`)")->required();
  cmd->add_option("files", a->files, "one video, or images of one size (one frame each)")->required();
  cmd->add_option("--out", a->out, "Output folder (created)")->required();
  cmd->add_option("--param", a->params, "Plugin parameter key=value (repeatable); p is forced to 1");
  cmd->add_option("--seed", a->seed, "Seed of the augmentation's random draws")->capture_default_str();
  cmd->add_option("--frames", a->frames, "Frames sampled uniformly from a video")->capture_default_str();
  cmd->add_option("--partner", a->partner, "Partner clip for cutmix / mixup / paired_mixup (video or images)");
  cmd->add_option("--target", a->target, "Target of the clip (0 real, 1 fake)")->capture_default_str();
  cmd->add_option("--partner-target", a->partner_target, "Target of the partner")->capture_default_str();
  add_json_flag(cmd, a->json);
  cmd->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_augment(ctx, *a); }; });
}

}  // namespace dflab::cli
