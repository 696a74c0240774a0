// dflab augment NAME FILE... --out DIR [--param k=v]... [--seed 0] [--frames 8] [--partner FILE]
//               [--target 1] [--partner-target 0] [--landmarks dlib68|none] [--json]
// Applies one augmentation plugin (p forced to 1) to a clip and writes the frames as PNG, so a
// person can see what it does. FILE is one video (its --frames uniformly sampled frames form the
// clip) or one or more images of the same size (one frame each, in order). Mixing plugins
// (cutmix, mixup, paired_mixup) and face_blend need --partner, read the same way. Video plugins
// only. Blending plugins (self_blend, face_blend) get dlib's 68 landmarks of every frame (and of
// the partner's), found in the largest face of the default detector or, when it finds none, in
// the whole frame taken as the face box; --landmarks none shows their fallback instead. Their
// masks are written beside the frames as mask_000.png ... (0 = target kept, 255 = source).
//
//   dflab augment h264_reencode face.png --param crf_min=40 --param crf_max=40 --out /tmp/aug
//   dflab augment self_blend real_clip.mp4 --frames 4 --out /tmp/sbi
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <opencv2/imgcodecs.hpp>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "registry/param_args.h"
#include "modalities/augment/augmentation.h"
#include "modalities/video/detectors/register_detectors.h"
#include "modalities/video/face_align.h"
#include "modalities/video/face_detector.h"
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
  std::string landmarks = "dlib68";
  bool landmarks_given = false;   // --landmarks on the command line (an error for non-blending plugins)
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

// dlib's 68 landmarks of every frame: in the largest face the default detector finds, or in the
// whole frame when it finds none (a face crop given as an image is mostly face).
void add_landmarks(AugmentSample& s, const Registry& registry, const LandmarkAligner& aligner) {
  auto detector = registry.create<FaceDetector>(kind::face_detector, default_face_detector,
                                                registry.defaults(kind::face_detector, default_face_detector));
  s.landmarks.clear();
  for (const cv::Mat& f : s.frames) {
    cv::Rect2f box(0.0f, 0.0f, static_cast<float>(f.cols), static_cast<float>(f.rows));
    float best = 0.0f;
    for (const FaceDetection& d : detector->detect(f))
      if (d.box.area() > best) {
        best = d.box.area();
        box = d.box;
      }
    s.landmarks.push_back(aligner.landmarks(f, box));
  }
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

  if (a.landmarks_given && !aug->forges())
    throw UsageError("augment: --landmarks is for blending plugins (self_blend, face_blend), not " + a.name);
  if (a.landmarks != "dlib68" && a.landmarks != "none")
    throw UsageError("augment: --landmarks must be dlib68 or none, got '" + a.landmarks + "'");

  AugmentSample sample = read_clip(a.files, a.frames, a.target);
  AugmentSample partner;
  if (!a.partner.empty()) partner = read_clip(a.partner, a.frames, a.partner_target);
  if (aug->forges() && a.landmarks == "dlib68") {
    const LandmarkAligner aligner;   // throws naming the model file when libdlib-data is missing
    add_landmarks(sample, ctx.registry(), aligner);
    if (!a.partner.empty()) add_landmarks(partner, ctx.registry(), aligner);
  }
  std::mt19937_64 rng(a.seed);
  aug->apply(sample, a.partner.empty() ? nullptr : &partner, rng);

  fs::create_directories(a.out);
  auto write_png = [&](const char* pattern, std::size_t i, const cv::Mat& image) {
    char name[32];
    std::snprintf(name, sizeof name, pattern, i);
    const fs::path path = fs::path(a.out) / name;
    if (!cv::imwrite(path.string(), image)) throw std::runtime_error(path.string() + ": cannot write");
    return path.string();
  };
  std::vector<std::string> written, masks;
  for (std::size_t i = 0; i < sample.frames.size(); ++i) written.push_back(write_png("frame_%03zu.png", i, sample.frames[i]));
  for (std::size_t i = 0; i < sample.blend_masks.size(); ++i) {
    cv::Mat grey;
    sample.blend_masks[i].convertTo(grey, CV_8UC1, 255.0);
    masks.push_back(write_png("mask_%03zu.png", i, grey));
  }
  if (a.json) {
    nlohmann::json doc = {{"plugin", a.name}, {"params", params.canonical()}, {"seed", a.seed},
                          {"target", sample.target}, {"frames", written}};
    if (aug->forges()) {
      doc["masks"] = masks;
      std::vector<std::size_t> n_landmarks;
      for (std::size_t i = 0; i < sample.frames.size(); ++i)
        n_landmarks.push_back(i < sample.landmarks.size() ? sample.landmarks[i].size() : 0);
      doc["landmarks"] = n_landmarks;   // points per frame: 68, or 0 with --landmarks none
    }
    print_json(doc);
  } else {
    std::cout << a.name << " (" << params.canonical() << "), seed " << a.seed << ": " << written.size()
              << " frame(s)" << (masks.empty() ? "" : " and their masks") << " in " << a.out << ", target "
              << sample.target << "\n";
  }
  return exit_ok;
}

}  // namespace

void add_augment_command(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<AugmentArgs>();
  auto* cmd = app.add_subcommand("augment", command_description("augment"));
  cmd->add_option("name", a->name, "augmentation plugin (see `dflab plugins --kind augmentation`)")->required();
  cmd->add_option("files", a->files, "one video, or images of one size (one frame each)")->required();
  cmd->add_option("--out", a->out, "Output folder (created)")->required();
  cmd->add_option("--param", a->params, "Plugin parameter key=value (repeatable); p is forced to 1");
  cmd->add_option("--seed", a->seed, "Seed of the augmentation's random draws")->capture_default_str();
  cmd->add_option("--frames", a->frames, "Frames sampled uniformly from a video")->capture_default_str();
  cmd->add_option("--partner", a->partner, "Partner clip for cutmix / mixup / paired_mixup / face_blend (video or images)");
  CLI::Option* landmarks =
      cmd->add_option("--landmarks", a->landmarks,
                      "self_blend / face_blend: dlib68 = find dlib's 68 landmarks per frame; none = the plugin's fallback")
          ->capture_default_str();
  cmd->add_option("--target", a->target, "Target of the clip (0 real, 1 fake)")->capture_default_str();
  cmd->add_option("--partner-target", a->partner_target, "Target of the partner")->capture_default_str();
  add_json_flag(cmd, a->json);
  cmd->callback([&ctx, a, landmarks] {
    a->landmarks_given = landmarks->count() > 0;
    ctx.action = [&ctx, a] { return run_augment(ctx, *a); };
  });
}

}  // namespace dflab::cli
