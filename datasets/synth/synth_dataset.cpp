#include "datasets/synth/synth_dataset.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "datasets/synth/cartoon_face.h"
#include "datasets/synth/synth_rng.h"
#include "datasets/synth/synthetic_voice.h"
#include "modalities/media/media_writer.h"
#include "registry/atomic_file.h"

namespace fs = std::filesystem;

namespace dflab::synth {

namespace {

struct SplitSpec {
  const char* split;    // split name the FFDV reader gives it
  const char* folder;   // folder of its videos
  int n;
};

// Everything the generator writes at the top level (what --force replaces).
const char* const kOwnedFiles[] = {"trainset_label.txt", "valset_label.txt", "prediction.csv",
                                   "testset_truth.txt", "kinds.csv", "synth.txt"};
const char* const kOwnedDirs[] = {"trainset", "valset", "testset"};

std::string hex16(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// Seconds to the microsecond: "0.347201", "-0.912000", "0" for in-sync clips.
std::string shift_text(double s) {
  if (s == 0.0) return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", s);
  return buf;
}


void prepare_out_dir(const SynthOptions& o) {
  const fs::path root(o.out_dir);
  std::error_code ec;
  if (fs::exists(root, ec)) {
    if (!fs::is_directory(root, ec)) throw std::runtime_error(o.out_dir + ": exists and is not a folder");
    const bool empty = fs::directory_iterator(root, ec) == fs::directory_iterator();
    if (ec) throw std::runtime_error(o.out_dir + ": cannot read: " + ec.message());
    if (!empty && !o.overwrite)
      throw std::runtime_error(o.out_dir + ": folder is not empty (--force / SynthOptions::overwrite replaces a generated dataset)");
    for (const char* d : kOwnedDirs) fs::remove_all(root / d, ec);
    for (const char* f : kOwnedFiles) fs::remove(root / f, ec);
  }
  for (const char* d : kOwnedDirs) {
    fs::create_directories(root / d, ec);
    if (ec) throw std::runtime_error((root / d).string() + ": cannot create: " + ec.message());
  }
}

// The split's kinds: each of `mix` n/m times (the first n % m once more), in a seeded order.
std::vector<SynthKind> split_kinds(std::uint64_t seed, const std::string& split, int n, const std::vector<SynthKind>& mix) {
  std::vector<SynthKind> kinds;
  for (int i = 0; i < n; ++i) kinds.push_back(mix[static_cast<std::size_t>(i) % mix.size()]);
  SynthRng rng(derive_seed(seed, "order:" + split, 0));
  for (int i = n - 1; i > 0; --i) std::swap(kinds[static_cast<std::size_t>(i)], kinds[static_cast<std::size_t>(rng.below(i + 1))]);
  return kinds;
}

}  // namespace

const char* to_string(SynthKind kind) {
  switch (kind) {
    case SynthKind::real_video_real_audio: return "RealVideo-RealAudio";
    case SynthKind::fake_video_real_audio: return "FakeVideo-RealAudio";
    case SynthKind::real_video_fake_audio: return "RealVideo-FakeAudio";
    case SynthKind::fake_video_fake_audio: return "FakeVideo-FakeAudio";
    case SynthKind::out_of_sync: return "OutOfSync";
  }
  return "?";
}

SynthKind parse_synth_kind(const std::string& name) {
  std::string known;
  for (int k = 0; k < n_synth_kinds; ++k) {
    const auto kind = static_cast<SynthKind>(k);
    if (name == to_string(kind)) return kind;
    known += std::string(known.empty() ? "" : ", ") + to_string(kind);
  }
  throw std::invalid_argument("synth: unknown kind '" + name + "' (kinds: " + known + ")");
}

std::vector<SynthKind> default_synth_kinds() {
  return {SynthKind::real_video_real_audio, SynthKind::fake_video_real_audio, SynthKind::real_video_fake_audio,
          SynthKind::fake_video_fake_audio};
}

double audio_shift_s(SynthKind kind, std::uint64_t clip_seed) {
  if (kind != SynthKind::out_of_sync) return 0.0;
  SynthRng rng(derive_seed(clip_seed, "audio_shift", 0));
  const double magnitude = rng.uniform(0.2, 1.0);
  return rng.sign() * magnitude;
}

bool has_fake_video(SynthKind k) { return k == SynthKind::fake_video_real_audio || k == SynthKind::fake_video_fake_audio; }
bool has_fake_audio(SynthKind k) { return k == SynthKind::real_video_fake_audio || k == SynthKind::fake_video_fake_audio; }
int target_of(SynthKind k) { return has_fake_video(k) || has_fake_audio(k) || k == SynthKind::out_of_sync ? 1 : 0; }

int SynthResult::count(const std::string& split, SynthKind kind) const {
  return static_cast<int>(std::count_if(clips.begin(), clips.end(), [&](const SynthClip& c) {
    return c.kind == kind && (split.empty() || c.split == split);
  }));
}

void SynthOptions::validate() const {
  auto bad = [](const std::string& what) { throw std::invalid_argument("synth: " + what); };
  if (out_dir.empty()) bad("no output folder");
  if (n_train < 0 || n_val < 0 || n_test < 0) bad("clip counts must be >= 0");
  if (n_train + n_val + n_test == 0) bad("nothing to generate: every split has 0 clips");
  if (!(seconds >= 0.2 && seconds <= 600)) bad("seconds must be in [0.2, 600], got " + std::to_string(seconds));
  if (width < 64 || height < 64 || width > 4096 || height > 4096 || width % 2 || height % 2)
    bad("size must be even and between 64 and 4096 pixels, got " + std::to_string(width) + "x" + std::to_string(height));
  if (fps < 1 || fps > 120) bad("fps must be in [1, 120], got " + std::to_string(fps));
  if (sample_rate < 8000 || sample_rate > 96000) bad("sample_rate must be in [8000, 96000] Hz, got " + std::to_string(sample_rate));
  if (crf < 0 || crf > 51) bad("crf must be in [0, 51], got " + std::to_string(crf));
  if (threads < 1) bad("threads must be >= 1");
  if (kinds.empty()) bad("no kinds to make");
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (static_cast<int>(kinds[i]) < 0 || static_cast<int>(kinds[i]) >= n_synth_kinds) bad("unknown kind");
    if (std::find(kinds.begin(), kinds.begin() + static_cast<std::ptrdiff_t>(i), kinds[i]) != kinds.begin() + static_cast<std::ptrdiff_t>(i))
      bad(std::string("kind ") + to_string(kinds[i]) + " is listed twice");
  }
}

std::string write_synth_clip(const std::string& path, SynthKind kind, std::uint64_t clip_seed, const SynthOptions& o) {
  SynthRng rng(clip_seed);
  // out_of_sync: the utterance runs |shift| longer, the frames show it from `video_from_s` and the
  // voice plays it from `audio_from_s`, so what the mouth says at t is heard at t + shift and both
  // tracks stay full of speech (no silent lead-in that would give the shift away).
  const double shift_s = audio_shift_s(kind, clip_seed);
  const double video_from_s = std::max(shift_s, 0.0), audio_from_s = std::max(-shift_s, 0.0);
  // Every style is drawn whatever the kind, so a real clip and a fake one from the same seed show
  // the same person saying the same thing, and differ only by the manipulation.
  const Utterance utterance = random_utterance(rng, o.seconds + std::abs(shift_s));
  const FaceStyle face = random_face_style(rng, o.width, o.height);
  const SwapStyle swap = random_swap_style(rng);
  const VocoderStyle vocoder = random_vocoder_style(rng);
  // Separate noise streams: the audio's draws must not shift the frames' noise (and back).
  SynthRng audio_rng(rng.next()), video_rng(rng.next());
  std::vector<float> audio = has_fake_audio(kind) ? render_vocoded(utterance, vocoder, o.sample_rate, audio_rng)
                                                  : render_voice(utterance, o.sample_rate, audio_rng);
  if (shift_s != 0.0) {
    const auto from = std::min(audio.size(), static_cast<std::size_t>(std::llround(audio_from_s * o.sample_rate)));
    const auto n = std::min(audio.size() - from, static_cast<std::size_t>(std::llround(o.seconds * o.sample_rate)));
    audio = std::vector<float>(audio.begin() + static_cast<std::ptrdiff_t>(from), audio.begin() + static_cast<std::ptrdiff_t>(from + n));
  }

  MediaWriterOptions wo;
  wo.width = o.width;
  wo.height = o.height;
  wo.fps = o.fps;
  wo.sample_rate = o.sample_rate;
  wo.crf = o.crf;
  MediaWriter writer(path, wo);
  const auto n_frames = static_cast<std::int64_t>(std::llround(o.seconds * o.fps));
  std::size_t audio_pos = 0;
  for (std::int64_t k = 0; k < n_frames; ++k) {
    const double t = static_cast<double>(k) / o.fps;
    const FacePose pose = face_pose_at(face, t);
    cv::Mat frame = draw_face_frame(face, pose, mouth_opening(utterance, t + video_from_s), video_rng);
    if (has_fake_video(kind)) apply_face_swap(frame, pose, swap);
    writer.write_frame(frame);
    // This frame's share of the audio, so the muxer interleaves without buffering the clip.
    const auto audio_end = std::min(audio.size(), static_cast<std::size_t>(std::llround(static_cast<double>(k + 1) * o.sample_rate / o.fps)));
    if (audio_end > audio_pos) writer.write_audio(audio.data() + audio_pos, audio_end - audio_pos);
    audio_pos = std::max(audio_pos, audio_end);
  }
  if (audio_pos < audio.size()) writer.write_audio(audio.data() + audio_pos, audio.size() - audio_pos);
  writer.finish();
  return writer.video_codec_name();
}

SynthResult generate_synth_dataset(const SynthOptions& o, const SynthProgress& progress) {
  o.validate();
  prepare_out_dir(o);
  const fs::path root(o.out_dir);

  SynthResult result;
  std::vector<std::uint64_t> clip_seeds;
  std::set<std::string> names;
  const SplitSpec specs[] = {{"train", "trainset", o.n_train}, {"val", "valset", o.n_val}, {"test", "testset", o.n_test}};
  for (const auto& spec : specs) {
    const auto kinds = split_kinds(o.seed, spec.split, spec.n, o.kinds);
    for (int i = 0; i < spec.n; ++i) {
      SynthClip c;
      std::uint64_t salt = 0;
      do {
        c.name = hex16(derive_seed(o.seed, std::string("name:") + spec.split, static_cast<std::uint64_t>(i) + (salt++ << 32))) + ".mp4";
      } while (!names.insert(c.name).second);
      c.split = spec.split;
      c.path = (root / spec.folder / c.name).string();
      c.kind = kinds[static_cast<std::size_t>(i)];
      c.target = target_of(c.kind);
      clip_seeds.push_back(derive_seed(o.seed, std::string("clip:") + spec.split, static_cast<std::uint64_t>(i)));
      c.audio_shift_s = audio_shift_s(c.kind, clip_seeds.back());
      result.clips.push_back(c);
    }
  }

  // Clips in parallel: workers take the next index; the first error stops the rest.
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex mutex;
  std::string codec;
  auto worker = [&] {
    while (!failed) {
      const std::size_t i = next++;
      if (i >= result.clips.size()) return;
      try {
        const std::string used = write_synth_clip(result.clips[i].path, result.clips[i].kind, clip_seeds[i], o);
        std::lock_guard<std::mutex> lock(mutex);
        codec = used;
        if (progress) progress(result.clips[i]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  const int n_threads = std::max(1, std::min<int>(o.threads, static_cast<int>(result.clips.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < n_threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
  result.video_codec = codec;

  // Lists last: a dataset whose lists exist has all its clips.
  std::string train = "video_name,target\n", val = train, truth = train, test = "video_name\n";
  std::string kinds = "video_name,split,kind,video,audio,target,audio_shift_s\n";
  for (const auto& c : result.clips) {
    const std::string row = c.name + "," + std::to_string(c.target) + "\n";
    if (c.split == "train") train += row;
    else if (c.split == "val") val += row;
    else {
      truth += row;
      test += c.name + "\n";
    }
    kinds += c.name + "," + c.split + "," + to_string(c.kind) + "," + (has_fake_video(c.kind) ? "fake" : "real") + "," +
             (has_fake_audio(c.kind) ? "fake" : "real") + "," + std::to_string(c.target) + "," + shift_text(c.audio_shift_s) + "\n";
  }
  auto write_list = [&](const char* name, const std::string& text) {
    write_file_atomically((root / name).string(), text);   // a reader never sees half a list
    result.lists.push_back((root / name).string());
  };
  if (o.n_train > 0) write_list("trainset_label.txt", train);
  if (o.n_val > 0) write_list("valset_label.txt", val);
  if (o.n_test > 0) {
    write_list("prediction.csv", test);
    write_list("testset_truth.txt", truth);
  }
  write_list("kinds.csv", kinds);
  char info[512];
  std::snprintf(info, sizeof info,
                "# made by `dflab synth` (datasets/synth/synth_dataset.h)\nseed = %llu\nn_train = %d\nn_val = %d\n"
                "n_test = %d\nseconds = %g\nwidth = %d\nheight = %d\nfps = %d\nsample_rate = %d\ncrf = %d\n"
                "video_codec = %s\naudio_codec = aac\n",
                static_cast<unsigned long long>(o.seed), o.n_train, o.n_val, o.n_test, o.seconds, o.width, o.height,
                o.fps, o.sample_rate, o.crf, result.video_codec.c_str());
  std::string options_text = info;
  options_text += "kinds =";
  for (SynthKind k : o.kinds) options_text += std::string(" ") + to_string(k);
  options_text += "\n";
  write_list("synth.txt", options_text);
  return result;
}

}  // namespace dflab::synth
