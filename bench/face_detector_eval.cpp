// face_detector_eval: every face_detector plugin on frames sampled from the real clips under
// shared/data (ffdv-sample, dfl-swaps-dfdc, talking-heads); prints a Markdown table of recall,
// false positives and speed (reports/face_detectors.md holds the last run).
//
//   build-x/bench/face_detector_eval [--shared ../shared] [--frames 4] [--repeat 2] [--dump DIR]
//
// Ground truth (no hand labels exist for these clips): the consensus of the five file-based
// detectors (yunet, ultraface, res10_ssd, blazeface, mtcnn). Their boxes are clustered greedily
// (a box joins a cluster when it matches the cluster's first box, see `same_face`); a cluster that
// at least 3 of the 5 support is a face, its box the mean of its members. A detection matches a
// face when IoU >= 0.3 and each box holds the other's centre (detectors frame faces differently:
// cascades tight, MTCNN/res10 tall). Recall = matched faces / faces; "main face" = frames whose
// largest face is matched / frames with a face; false positives = unmatched boxes per frame.
// Speed = mean over frames of ms per detect() call, single thread (cv::setNumThreads(1)), after one
// warm-up; with --repeat R each frame is timed R times and the fastest kept (robust to a busy machine).
// --dump writes frames with boxes (white = consensus, red = detector) where a no-file detector
// disagrees with the consensus, for checking by eye.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "modalities/video/detectors/nms.h"
#include "modalities/video/detectors/register_detectors.h"
#include "modalities/video/face_detector.h"

namespace fs = std::filesystem;
using namespace dflab;

namespace {

struct Clip {
  std::string set;    // ffdv-sample, dfl-swaps-dfdc, talking-heads
  std::string path;
};

std::vector<Clip> find_clips(const fs::path& data) {
  std::vector<Clip> clips;
  auto add_dir = [&](const std::string& set, const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".mp4") clips.push_back({set, e.path().string()});
  };
  add_dir("ffdv-sample", data / "ffdv-sample");
  add_dir("dfl-swaps-dfdc", data / "dfl-swaps-dfdc");
  // talking-heads: the videos listed in labels.csv (the folders also hold other media)
  std::ifstream labels(data / "talking-heads" / "labels.csv");
  std::string line;
  std::getline(labels, line);   // header
  while (std::getline(labels, line)) {
    const std::string rel = line.substr(0, line.find(','));
    if (rel.size() > 4 && rel.substr(rel.size() - 4) == ".mp4")
      clips.push_back({"talking-heads", (data / "talking-heads" / rel).string()});
  }
  std::sort(clips.begin(), clips.end(), [](const Clip& a, const Clip& b) { return a.path < b.path; });
  return clips;
}

// k frames at (i + 0.5) / k of the clip.
std::vector<cv::Mat> sample_frames(const std::string& path, int k) {
  std::vector<cv::Mat> frames;
  cv::VideoCapture cap(path);
  if (!cap.isOpened()) return frames;
  const double n = cap.get(cv::CAP_PROP_FRAME_COUNT);
  std::vector<int> wanted;
  for (int i = 0; i < k; ++i) wanted.push_back(static_cast<int>((i + 0.5) / k * std::max(n, 1.0)));
  int index = 0;
  cv::Mat frame;
  for (int w : wanted) {   // decode forward (no seeking: exact frames on every codec)
    while (index < w && cap.grab()) ++index;
    if (!cap.read(frame)) break;
    ++index;
    if (frame.type() == CV_8UC3) frames.push_back(frame.clone());
  }
  return frames;
}

cv::Point2f centre(const cv::Rect2f& r) { return {r.x + r.width / 2, r.y + r.height / 2}; }

bool same_face(const cv::Rect2f& a, const cv::Rect2f& b) {
  return box_overlap(a, b) >= 0.3f && a.contains(centre(b)) && b.contains(centre(a));
}

struct Stats {
  long faces = 0, matched = 0, frames_with_face = 0, main_found = 0, false_pos = 0, frames = 0;
  double ms = 0.0;
  long calls = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string shared = DFLAB_SHARED_DIR;
  int per_clip = 4;
  int repeat = 1;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) shared = argv[++i];
    else if (a == "--frames" && i + 1 < argc) per_clip = std::stoi(argv[++i]);
    else if (a == "--dump" && i + 1 < argc) dump = argv[++i];
    else if (a == "--repeat" && i + 1 < argc) repeat = std::max(1, std::stoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: %s [--shared DIR] [--frames N] [--repeat R] [--dump DIR]\n", argv[0]);
      return 2;
    }
  }
  cv::setNumThreads(1);
  const fs::path models = fs::path(shared) / "models";
  const std::map<std::string, std::string> model_files = {
      {"yunet", "yunet/yunet_120x160_2022feb.onnx"},
      {"ultraface", "ultraface/version-RFB-320.onnx"},
      {"res10_ssd", "opencv_res10/opencv_face_detector_uint8.pb"},
      {"blazeface", "blazeface/face_detection_front_128x128_barracuda.onnx"},
      {"mtcnn", "mtcnn"},
  };
  Registry reg;
  register_face_detector_plugins(reg);
  const std::vector<std::string> names = reg.names(kind::face_detector);
  std::map<std::string, std::unique_ptr<FaceDetector>> dets;
  for (const auto& name : names) {
    Params p = reg.defaults(kind::face_detector, name);
    if (auto it = model_files.find(name); it != model_files.end()) p.set("model", (models / it->second).string());
    try {
      dets[name] = reg.create<FaceDetector>(kind::face_detector, name, p);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "skipping %s: %s\n", name.c_str(), e.what());
    }
  }
  const std::vector<std::string> voters = {"blazeface", "mtcnn", "res10_ssd", "ultraface", "yunet"};
  for (const auto& v : voters)
    if (!dets.count(v)) {
      std::fprintf(stderr, "the consensus needs all five file-based detectors; %s is missing\n", v.c_str());
      return 1;
    }

  const std::vector<Clip> clips = find_clips(fs::path(shared) / "data");
  std::map<std::string, std::map<std::string, Stats>> stats;   // set ("all" too) -> detector -> stats
  std::map<std::string, long> frames_per_set, clips_per_set;
  long n_frames = 0, dumped = 0;
  if (!dump.empty()) fs::create_directories(dump);
  for (std::size_t c = 0; c < clips.size(); ++c) {
    const Clip& clip = clips[c];
    const std::vector<cv::Mat> frames = sample_frames(clip.path, per_clip);
    std::fprintf(stderr, "\r[%zu/%zu] %-60s", c + 1, clips.size(), fs::path(clip.path).filename().c_str());
    if (frames.empty()) {
      std::fprintf(stderr, "\nno frames from %s\n", clip.path.c_str());
      continue;
    }
    ++clips_per_set[clip.set];
    for (const cv::Mat& frame : frames) {
      ++n_frames;
      ++frames_per_set[clip.set];
      std::map<std::string, std::vector<FaceDetection>> found;
      for (auto& [name, det] : dets) {
        if (n_frames == 1) det->detect(frame);   // warm-up: first-call allocations
        double ms = 1e300;
        for (int r = 0; r < repeat; ++r) {
          const auto t0 = std::chrono::steady_clock::now();
          found[name] = det->detect(frame);
          ms = std::min(ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        for (const std::string& set : {clip.set, std::string("all")}) {
          stats[set][name].ms += ms;
          ++stats[set][name].calls;
        }
      }
      // consensus of the file-based detectors
      struct Cluster {
        std::vector<cv::Rect2f> boxes;
        std::vector<std::string> who;
      };
      std::vector<Cluster> clusters;
      for (const auto& v : voters)
        for (const auto& d : found[v]) {
          auto it = std::find_if(clusters.begin(), clusters.end(), [&](const Cluster& cl) {
            return same_face(cl.boxes.front(), d.box) && std::find(cl.who.begin(), cl.who.end(), v) == cl.who.end();
          });
          if (it == clusters.end()) clusters.push_back({{d.box}, {v}});
          else it->boxes.push_back(d.box), it->who.push_back(v);
        }
      std::vector<cv::Rect2f> truth;
      for (const auto& cl : clusters) {
        if (cl.who.size() < 3) continue;
        cv::Rect2f m(0, 0, 0, 0);
        for (const auto& b : cl.boxes) m.x += b.x, m.y += b.y, m.width += b.width, m.height += b.height;
        const float n = static_cast<float>(cl.boxes.size());
        truth.emplace_back(m.x / n, m.y / n, m.width / n, m.height / n);
      }
      std::size_t main_face = 0;
      for (std::size_t t = 1; t < truth.size(); ++t)
        if (truth[t].area() > truth[main_face].area()) main_face = t;

      for (auto& [name, boxes] : found) {
        std::vector<char> used(boxes.size(), 0);
        long matched = 0;
        bool main_found = false;
        for (std::size_t t = 0; t < truth.size(); ++t)
          for (std::size_t b = 0; b < boxes.size(); ++b)
            if (!used[b] && same_face(boxes[b].box, truth[t])) {
              used[b] = 1;
              ++matched;
              main_found = main_found || t == main_face;
              break;
            }
        const long fp = static_cast<long>(std::count(used.begin(), used.end(), 0));
        for (const std::string& set : {clip.set, std::string("all")}) {
          Stats& s = stats[set][name];
          ++s.frames;
          s.faces += static_cast<long>(truth.size());
          s.matched += matched;
          s.false_pos += fp;
          if (!truth.empty()) {
            ++s.frames_with_face;
            s.main_found += main_found ? 1 : 0;
          }
        }
        const bool no_file = !model_files.count(name);
        if (!dump.empty() && no_file && (fp > 0 || matched < static_cast<long>(truth.size())) && dumped < 200) {
          cv::Mat shown = frame.clone();
          for (const auto& t : truth) cv::rectangle(shown, t, cv::Scalar(255, 255, 255), 2);
          for (const auto& b : boxes) cv::rectangle(shown, b.box, cv::Scalar(0, 0, 255), 2);
          std::ostringstream file;
          file << dump << "/" << name << "_" << fs::path(clip.path).stem().string() << "_" << n_frames << ".png";
          cv::imwrite(file.str(), shown);
          ++dumped;
        }
      }
    }
  }
  std::fprintf(stderr, "\n");

  std::printf("%ld frames from %zu clips (%d per clip, timing: fastest of %d): ", n_frames, clips.size(), per_clip, repeat);
  for (const auto& [set, n] : frames_per_set) std::printf("%s %ld frames / %ld clips; ", set.c_str(), n, clips_per_set[set]);
  std::printf("consensus faces: %ld in %ld frames.\n\n", stats["all"]["yunet"].faces,
              stats["all"]["yunet"].frames_with_face);
  std::printf("| detector | model file | recall (all faces) | main face found | ffdv-sample | dfl-swaps-dfdc | talking-heads | false pos. / frame | ms / frame |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  auto pct = [](long a, long b) { return b ? 100.0 * a / b : 0.0; };
  for (const auto& name : names) {
    if (!dets.count(name)) continue;
    const Stats& s = stats["all"][name];
    std::printf("| %s | %s | %.1f%% | %.1f%% |", name.c_str(), model_files.count(name) ? "yes (voter)" : "no",
                pct(s.matched, s.faces), pct(s.main_found, s.frames_with_face));
    for (const char* set : {"ffdv-sample", "dfl-swaps-dfdc", "talking-heads"}) {
      const Stats& t = stats[set][name];
      std::printf(" %.1f%% |", pct(t.main_found, t.frames_with_face));
    }
    std::printf(" %.3f | %.1f |\n", s.frames ? static_cast<double>(s.false_pos) / s.frames : 0.0,
                s.calls ? s.ms / s.calls : 0.0);
  }
  return 0;
}
