#pragma once
// `dflab synth`: a small audio-visual deepfake dataset in FFDV layout, generated from a seed — the
// data of the README's demo. Four kinds as in FakeAVCeleb, balanced within each split; a clip is
// fake (target 1) when either track is fake, so a video-only or an audio-only detector misses one
// fake kind each and only fusing both finds all three. A fifth kind, out of sync (a real face and
// its own real voice, the voice shifted by 0.2-1 s), is opt-in (SynthOptions::kinds, `--kinds`):
// neither track alone is fake, so only an audio-visual consistency model can find it.
//
//   out/trainset/<name>.mp4   out/trainset_label.txt   video_name,target
//   out/valset/<name>.mp4     out/valset_label.txt     video_name,target
//   out/testset/<name>.mp4    out/prediction.csv       video_name            (names to predict)
//   out/testset_truth.txt     video_name,target of the test clips (not a *_label.txt, so readers
//                             keep the test split unlabeled; `dflab score --labels` reads it)
//   out/kinds.csv             video_name,split,kind,video,audio,target,audio_shift_s
//                             (group results by kind; audio_shift_s: > 0 when the voice comes
//                             late, 0 for the in-sync kinds)
//   out/synth.txt             the options that made it (key = value)
//
// Each clip: H.264 + AAC mp4 (media_writer.h) with a cartoon face (cartoon_face.h; fake: a
// re-sampled, colour-shifted inner face pasted back with a seam) and a voice (synthetic_voice.h;
// fake: a vocoded, band-limited copy of the same utterance). Names are neutral hashes: nothing in a
// file name gives its label away.
//
//   SynthOptions o;  o.out_dir = "data/synth";  o.seed = 7;
//   SynthResult r = generate_synth_dataset(o, [](const SynthClip& c) { bar.tick(); });
//
// Deterministic: the same options give byte-identical files, whatever the thread count (each clip
// draws from its own random stream, and encoders run single-threaded and, in media_writer.cpp,
// without libx264's AVX-512 kernels, whose output depended on uninitialised memory).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dflab::synth {

enum class SynthKind {
  real_video_real_audio,   // target 0
  fake_video_real_audio,   // target 1
  real_video_fake_audio,   // target 1
  fake_video_fake_audio,   // target 1
  out_of_sync,             // target 1: real face, its own real voice shifted in time
};
inline constexpr int n_synth_kinds = 5;
// FakeAVCeleb's names: "RealVideo-RealAudio", "FakeVideo-RealAudio", ...; "OutOfSync".
const char* to_string(SynthKind kind);
// The name of to_string, or std::invalid_argument listing the names.
SynthKind parse_synth_kind(const std::string& name);
// The demo's default mix: FakeAVCeleb's four kinds (out_of_sync is opt-in).
std::vector<SynthKind> default_synth_kinds();
bool has_fake_video(SynthKind kind);
bool has_fake_audio(SynthKind kind);
int target_of(SynthKind kind);   // 1 when either track is fake, or when they are out of sync

// out_of_sync: how late the voice comes, in seconds (negative: early); |shift| in [0.2, 1.0],
// drawn from its own stream of the clip seed, so the other draws of a clip are those of its
// in-sync twin. 0 for every other kind.
double audio_shift_s(SynthKind kind, std::uint64_t clip_seed);

struct SynthOptions {
  std::string out_dir;
  int n_train = 80, n_val = 24, n_test = 24;   // clips per split
  double seconds = 2.0;                        // clip length
  int width = 320, height = 240;               // even; faces are ~40 % of the height
  int fps = 15;
  int sample_rate = 16000;                     // Hz, mono AAC
  int crf = 20;                                // libx264 quality: the fakes' seam must survive it
  std::uint64_t seed = 1;
  int threads = 2;                             // clips written in parallel
  // Kinds to make, each equally often in every split (distinct; at least one).
  std::vector<SynthKind> kinds = default_synth_kinds();
  // A non-empty out_dir is refused unless set; then only what the generator writes (the split
  // folders, lists, kinds.csv, synth.txt) is replaced, and other files are left alone.
  bool overwrite = false;

  // Throws std::invalid_argument naming the bad option.
  void validate() const;
};

struct SynthClip {
  std::string name;    // "<16 hex>.mp4"
  std::string split;   // "train", "val", "test"
  std::string path;    // where it was written
  SynthKind kind = SynthKind::real_video_real_audio;
  int target = 0;
  double audio_shift_s = 0;   // out_of_sync: > 0 when the voice comes late
};

struct SynthResult {
  std::vector<SynthClip> clips;    // train, then val, then test; in list order
  std::string video_codec;         // encoder used: "libx264", or "mpeg4" where libx264 is absent
  std::vector<std::string> lists;  // label/name files written
  // Counts of `kind` in `split` ("" for all splits).
  int count(const std::string& split, SynthKind kind) const;
};

// Called once per finished clip, from worker threads but never concurrently.
using SynthProgress = std::function<void(const SynthClip&)>;

// Throws std::invalid_argument for bad options, std::runtime_error naming out_dir when it is not
// empty (without overwrite) or cannot be written, MediaError naming a clip that fails to encode.
SynthResult generate_synth_dataset(const SynthOptions& options, const SynthProgress& progress = {});

// One clip of `kind` drawn from `clip_seed` (what generate_synth_dataset writes for each entry).
// Returns the video encoder used.
std::string write_synth_clip(const std::string& path, SynthKind kind, std::uint64_t clip_seed,
                             const SynthOptions& options);

}  // namespace dflab::synth
