// dflab video faces FILE --out DIR [--detector haar] [--frames 16] [--size 224] [--margin 1.3]
//                   [--align] [--fixed-box] [--no-face centre_crop|mark] [--json] ...
// Extracts face crops from one video and writes them with a contact sheet (sampled frames with
// the detections, tracked box and crop box drawn) so a person can see what the detector did.
#include <filesystem>
#include <iostream>

#include <opencv2/imgcodecs.hpp>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "modalities/video/contact_sheet.h"
#include "modalities/video/face_extractor.h"

namespace fs = std::filesystem;

namespace dflab::cli {

namespace {

struct FacesArgs {
  std::string file;
  std::string out;
  std::string detector = "haar";
  FaceExtractRequest request;   // the extraction settings, shared with dflab.video.faces
  int columns = 4;
  bool json = false;
};

nlohmann::json rect_json(const cv::Rect2f& r) { return {r.x, r.y, r.width, r.height}; }

int run_faces(Context& ctx, const FacesArgs& a) {
  FaceExtractOptions opt;
  try {
    opt = a.request.options();
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  opt.keep_sampled_frames = true;   // for the contact sheet

  Registry& reg = ctx.registry();
  try {
    reg.info(kind::face_detector, a.detector);   // the registry's message, as the Python module's
  } catch (const UnknownPluginError& e) {
    throw UsageError(e.what());
  }
  auto detector = reg.create<FaceDetector>(kind::face_detector, a.detector,
                                           reg.defaults(kind::face_detector, a.detector));
  std::unique_ptr<LandmarkAligner> aligner;
  if (a.request.align) {
    aligner = std::make_unique<LandmarkAligner>();   // throws naming the model file when missing
    opt.aligner = aligner.get();
  }

  FaceClip clip = extract_faces(a.file, *detector, opt);
  if (clip.status == ClipStatus::failed || clip.status == ClipStatus::no_video) {
    if (a.json) print_json({{"file", a.file}, {"status", to_string(clip.status)}, {"message", clip.message}});
    error(clip.message);
    return exit_failure;
  }

  std::error_code ec;
  fs::create_directories(a.out, ec);
  if (ec) throw std::runtime_error(a.out + ": cannot create output folder: " + ec.message());
  nlohmann::json frames = nlohmann::json::array();
  for (std::size_t i = 0; i < clip.frames.size(); ++i) {
    char name[32];
    std::snprintf(name, sizeof(name), "crop_%03zu.png", i);
    const std::string path = (fs::path(a.out) / name).string();
    if (!cv::imwrite(path, clip.frames[i])) throw std::runtime_error(path + ": cannot write");
    nlohmann::json pts = nlohmann::json::array();
    for (const auto& p : clip.landmarks[i]) pts.push_back({p.x, p.y});
    frames.push_back({{"file", name}, {"index", clip.frame_indices[i]}, {"t", clip.timestamps_s[i]},
                      {"crop_box", rect_json(clip.crop_boxes[i])}, {"face_box", rect_json(clip.face_boxes[i])},
                      {"detected", clip.detected[i] != 0}, {"landmarks", pts}});
  }
  const std::string sheet_path = (fs::path(a.out) / "contact_sheet.png").string();
  if (!clip.sampled_frames.empty() && !cv::imwrite(sheet_path, make_contact_sheet(clip, a.columns)))
    throw std::runtime_error(sheet_path + ": cannot write");

  int n_detected = 0;
  for (auto d : clip.detected) n_detected += d;
  nlohmann::json doc = {{"file", a.file},
                        {"status", to_string(clip.status)},
                        {"message", clip.message},
                        {"detector", a.detector},
                        {"sampling", opt.sampling.canonical()},
                        {"width", clip.info.width},
                        {"height", clip.info.height},
                        {"rotation_deg", clip.info.rotation_deg},
                        {"fps", clip.info.fps},
                        {"duration_s", clip.info.duration_s},
                        {"n_sampled", clip.detections.size()},
                        {"n_tracks", clip.n_tracks},
                        {"n_detected", n_detected},
                        {"crop_size", a.request.size},
                        {"out", a.out},
                        {"contact_sheet", sheet_path},
                        {"frames", frames}};
  {
    std::ofstream meta(fs::path(a.out) / "faces.json");
    meta << doc.dump(1) << "\n";
  }
  if (!clip.message.empty()) warn(clip.message);
  if (a.json) {
    print_json(doc);
  } else {
    std::cout << a.file << ": " << to_string(clip.status) << ", " << clip.frames.size() << " crops of "
              << a.request.size << " px, face detected in " << n_detected << "/" << clip.detections.size()
              << " sampled frames, " << clip.n_tracks << " track(s)\n"
              << "  crops, faces.json and contact_sheet.png in " << a.out << "\n";
  }
  return exit_ok;
}

}  // namespace

void add_video_command(CLI::App& app, Context& ctx) {
  auto* video = app.add_subcommand("video", command_description("video"));
  video->require_subcommand(1);
  auto* faces = video->add_subcommand(
      "faces", "Extract face crops from one video; writes crops, faces.json and a contact sheet");
  auto a = std::make_shared<FacesArgs>();
  faces->add_option("file", a->file, "Video file")->required();
  faces->add_option("--out", a->out, "Output folder (created)")->required();
  faces->add_option("--detector", a->detector, "face_detector plugin (see `dflab plugins --kind face_detector`)")
      ->capture_default_str();
  faces->add_option("--strategy", a->request.strategy, "Frame sampling: uniform, rate, every_nth, all")->capture_default_str();
  faces->add_option("--frames", a->request.frames, "uniform: number of frames")->capture_default_str();
  faces->add_option("--rate", a->request.rate, "rate: frames per second")->capture_default_str();
  faces->add_option("--every", a->request.every, "every_nth: keep every n-th frame")->capture_default_str();
  faces->add_option("--size", a->request.size, "Crop side, pixels")->capture_default_str();
  faces->add_option("--margin", a->request.margin, "Crop side / face box side")->capture_default_str();
  faces->add_option("--max-side", a->request.max_side, "Detect on frames downscaled to this longer side (0: full)")
      ->capture_default_str();
  faces->add_option("--roi-every", a->request.roi_every,
                    "Track-guided detection: search around the last faces, the whole frame every n-th "
                    "sampled frame and when lost (0: whole frame always)")
      ->capture_default_str()
      ->check(CLI::Range(0, 10000));
  faces->add_flag("--fixed-box", a->request.fixed_box, "One crop box enclosing the face over the whole clip");
  faces->add_flag("--align", a->request.align, "Align crops on dlib's 68 landmarks (libdlib-data); keeps the 68 points");
  faces->add_option("--no-face", a->request.no_face, "When no face is found: centre_crop or mark")->capture_default_str();
  faces->add_option("--decode", a->request.decode, "Decode mode: auto, all, skip_nonref, seek")->capture_default_str();
  faces->add_option("--columns", a->columns, "Contact sheet columns")->capture_default_str();
  add_json_flag(faces, a->json);
  faces->callback([&ctx, a] { ctx.action = [&ctx, a] { return run_faces(ctx, *a); }; });
}

}  // namespace dflab::cli
