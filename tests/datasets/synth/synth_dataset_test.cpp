// generate_synth_dataset: FFDV layout the project's reader accepts, balanced kinds, labels that
// follow the kinds, determinism (same seed → same bytes, whatever the thread count), refusal of a
// non-empty folder, and real/fake pairs that differ only in the manipulated track.
#include "datasets/synth/synth_dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "datasets/ffdv.h"
#include "datasets/synth/synth_rng.h"
#include "modalities/audio/audio_decoder.h"
#include "modalities/media/probe.h"
#include "modalities/video/video_decoder.h"

namespace fs = std::filesystem;

namespace dflab::synth {
namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "dflab_synth_ds_XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Small and short: the detector-level checks are in cartoon_face_test.
SynthOptions tiny(const fs::path& out) {
  SynthOptions o;
  o.out_dir = out.string();
  o.n_train = 8;
  o.n_val = 4;
  o.n_test = 5;
  o.seconds = 0.6;
  o.width = 128;
  o.height = 96;
  o.fps = 10;
  o.threads = 2;
  o.seed = 11;
  return o;
}

cv::Mat first_frame(const std::string& path) {
  cv::Mat out;
  decode_video(path, FrameSampling::all(), [&](VideoFrame& f) {
    out = f.bgr.clone();
    return false;
  });
  return out;
}

std::size_t count_mp4(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().extension() == ".mp4";
  return n;
}

TEST(SynthDataset, WritesAnFfdvLayoutTheReaderAccepts) {
  TempDir d;
  const SynthOptions o = tiny(d.path / "ds");
  std::vector<std::string> progressed;
  const SynthResult r = generate_synth_dataset(o, [&](const SynthClip& c) { progressed.push_back(c.name); });
  ASSERT_EQ(r.clips.size(), 17u);
  EXPECT_EQ(progressed.size(), 17u);
  EXPECT_EQ(count_mp4(d.path / "ds/trainset"), 8u);
  EXPECT_EQ(count_mp4(d.path / "ds/valset"), 4u);
  EXPECT_EQ(count_mp4(d.path / "ds/testset"), 5u);
  EXPECT_FALSE(r.video_codec.empty());

  const Dataset ds = read_ffdv(o.out_dir);   // ProblemPolicy::stop: throws on any problem
  EXPECT_TRUE(ds.skipped.empty());
  EXPECT_EQ(ds.count("train", std::nullopt, true), 8u);
  EXPECT_EQ(ds.count("val", std::nullopt, true), 4u);
  EXPECT_EQ(ds.count("test", std::nullopt, true), 5u);
  EXPECT_EQ(ds.count("test", std::nullopt, false), 5u) << "test clips are unlabeled";
  EXPECT_EQ(ds.count("train", 0), 2u);   // one real kind of four
  EXPECT_EQ(ds.count("train", 1), 6u);

  // Labels follow the kinds, and kinds.csv agrees with the label files; every clip is readable.
  std::map<std::string, int> target_of_name;
  for (const auto& c : r.clips) {
    EXPECT_EQ(c.target, target_of(c.kind));
    target_of_name[c.name] = c.target;
    EXPECT_TRUE(fs::exists(c.path)) << c.path;
  }
  for (const auto& v : ds.items) {
    ASSERT_TRUE(target_of_name.count(v.id)) << v.id;
    if (v.label) {
      EXPECT_EQ(*v.label, target_of_name[v.id]) << v.id;
    }
    EXPECT_TRUE(fs::exists(v.path)) << v.path;
  }
  const Dataset truth = read_ffdv_label_file(o.out_dir + "/testset_truth.txt", "test", o.out_dir + "/testset");
  ASSERT_EQ(truth.items.size(), 5u);
  for (const auto& v : truth.items) EXPECT_EQ(*v.label, target_of_name[v.id]);
  const std::string kinds = slurp(d.path / "ds/kinds.csv");
  EXPECT_EQ(kinds.rfind("video_name,split,kind,video,audio,target,audio_shift_s\n", 0), 0u);
  for (const auto& c : r.clips)
    EXPECT_NE(kinds.find(c.name + "," + c.split + "," + to_string(c.kind) + ","), std::string::npos) << c.name;
  for (const auto& c : r.clips) EXPECT_EQ(c.audio_shift_s, 0.0) << "the default mix is in sync";
  EXPECT_EQ(r.count("", SynthKind::out_of_sync), 0) << "out of sync is opt-in";

  const MediaInfo m = probe_media(r.clips.front().path);
  ASSERT_TRUE(m.ok) << m.error;
  EXPECT_EQ(m.width, 128);
  EXPECT_EQ(m.height, 96);
  EXPECT_TRUE(m.has_audio);
  EXPECT_EQ(m.audio_codec, "aac");
  EXPECT_NEAR(m.duration_s, 0.6, 0.1);
}

TEST(SynthDataset, KindsAreBalancedInEverySplit) {
  for (int n : {4, 8, 24, 7}) {
    TempDir d;
    SynthOptions o = tiny(d.path);
    o.overwrite = true;   // mkdtemp made it; it is empty anyway
    o.n_train = n;
    o.n_val = 0;
    o.n_test = 0;
    o.seconds = 0.2;
    o.width = o.height = 64;
    const SynthResult r = generate_synth_dataset(o);
    for (int k = 0; k < 4; ++k) {   // the default mix: FakeAVCeleb's four
      const int c = r.count("train", static_cast<SynthKind>(k));
      EXPECT_GE(c, n / 4) << "n=" << n << " kind " << k;
      EXPECT_LE(c, (n + 3) / 4) << "n=" << n << " kind " << k;
    }
  }
}

// --kinds with OutOfSync: five kinds balanced; an out-of-sync clip is fake with both tracks real,
// its shift (seeded, |shift| in [0.2, 1] s, both signs) is in kinds.csv and SynthClip.
TEST(SynthDataset, OutOfSyncKindIsOptInBalancedAndRecordsItsShift) {
  TempDir d;
  SynthOptions o = tiny(d.path / "ds");
  o.kinds = {SynthKind::real_video_real_audio, SynthKind::out_of_sync};
  o.n_train = 6;
  o.n_val = 2;
  o.n_test = 2;
  o.seconds = 1.5;
  const SynthResult r = generate_synth_dataset(o);
  EXPECT_EQ(r.count("train", SynthKind::out_of_sync), 3);
  EXPECT_EQ(r.count("train", SynthKind::real_video_real_audio), 3);
  EXPECT_EQ(r.count("", SynthKind::fake_video_real_audio), 0);
  const std::string kinds = slurp(d.path / "ds/kinds.csv");
  for (const auto& c : r.clips) {
    if (c.kind != SynthKind::out_of_sync) {
      EXPECT_EQ(c.audio_shift_s, 0.0);
      EXPECT_NE(kinds.find(c.name + "," + c.split + ",RealVideo-RealAudio,real,real,0,0\n"), std::string::npos) << kinds;
      continue;
    }
    EXPECT_EQ(c.target, 1);
    EXPECT_GE(std::abs(c.audio_shift_s), 0.2) << c.name;
    EXPECT_LE(std::abs(c.audio_shift_s), 1.0) << c.name;
    const auto row = kinds.find(c.name + "," + c.split + ",OutOfSync,real,real,1,");
    ASSERT_NE(row, std::string::npos) << kinds;
    const auto shift_at = kinds.find(",1,", row + c.name.size()) + 3;
    EXPECT_NEAR(std::stod(kinds.substr(shift_at)), c.audio_shift_s, 1e-6);
    // The clip is as long as any other (the voice is cut from a longer utterance, not padded).
    AudioDecodeOptions ao;
    ao.sample_rate = 16000;
    const DecodedAudio a = decode_audio(c.path, ao);
    ASSERT_TRUE(a.ok()) << a.error;
    EXPECT_NEAR(a.duration_s(), 1.5, 0.1);
  }
  int late = 0, early = 0;
  for (std::uint64_t s = 0; s < 200; ++s) {
    const double shift = audio_shift_s(SynthKind::out_of_sync, derive_seed(5, "shift-test", s));
    EXPECT_EQ(shift, audio_shift_s(SynthKind::out_of_sync, derive_seed(5, "shift-test", s))) << "seeded";
    (shift > 0 ? late : early)++;
    EXPECT_EQ(audio_shift_s(SynthKind::fake_video_real_audio, derive_seed(5, "shift-test", s)), 0.0);
  }
  EXPECT_GT(late, 60);
  EXPECT_GT(early, 60);
  EXPECT_NE(slurp(d.path / "ds/synth.txt").find("kinds = RealVideo-RealAudio OutOfSync\n"), std::string::npos);
}

TEST(SynthDataset, SameSeedSameFilesWhateverTheThreads) {
  TempDir d;
  SynthOptions a = tiny(d.path / "a"), b = tiny(d.path / "b"), c = tiny(d.path / "c");
  a.threads = 1;
  b.threads = 3;
  c.seed = 12;
  const SynthResult ra = generate_synth_dataset(a), rb = generate_synth_dataset(b), rc = generate_synth_dataset(c);
  for (const char* f : {"trainset_label.txt", "valset_label.txt", "prediction.csv", "testset_truth.txt", "kinds.csv"})
    EXPECT_EQ(slurp(d.path / "a" / f), slurp(d.path / "b" / f)) << f;
  EXPECT_NE(slurp(d.path / "a/kinds.csv"), slurp(d.path / "c/kinds.csv")) << "another seed, other names";
  ASSERT_EQ(ra.clips.size(), rb.clips.size());
  for (std::size_t i = 0; i < ra.clips.size(); ++i) {
    EXPECT_EQ(ra.clips[i].name, rb.clips[i].name);
    EXPECT_EQ(slurp(ra.clips[i].path), slurp(rb.clips[i].path)) << ra.clips[i].name << " differs between runs";
  }
  const cv::Mat fa = first_frame(ra.clips[0].path), fb = first_frame(rb.clips[0].path), fc = first_frame(rc.clips[0].path);
  ASSERT_FALSE(fa.empty());
  EXPECT_EQ(cv::norm(fa, fb, cv::NORM_INF), 0.0);
  EXPECT_GT(cv::norm(fa, fc, cv::NORM_L1), 0.0);
}

// Two clips encoded at once must not change each other's bytes. At 320x240 libx264's AVX-512
// kernels read uninitialised heap that reached the bitstream (media_writer.cpp); tiny()'s 128x96
// did not show it. Without the fix this test failed in 20 of 20 runs.
TEST(SynthDataset, ParallelRunsWriteTheSameBytes) {
  TempDir d;
  std::vector<SynthResult> runs;
  for (const char* run : {"a", "b", "c"}) {
    SynthOptions o = tiny(d.path / run);
    o.n_train = 6;
    o.n_val = o.n_test = 0;
    o.width = 320;
    o.height = 240;
    o.threads = 2;
    runs.push_back(generate_synth_dataset(o));
  }
  for (std::size_t r = 1; r < runs.size(); ++r) {
    ASSERT_EQ(runs[r].clips.size(), runs[0].clips.size());
    for (std::size_t i = 0; i < runs[0].clips.size(); ++i)
      EXPECT_TRUE(slurp(runs[r].clips[i].path) == slurp(runs[0].clips[i].path))
          << runs[0].clips[i].name << " differs between run 0 and run " << r;
  }
}

TEST(SynthDataset, RefusesANonEmptyFolderUnlessOverwriting) {
  TempDir d;
  std::ofstream(d.path / "notes.txt") << "mine\n";
  SynthOptions o = tiny(d.path);
  o.n_train = 4;
  o.n_val = o.n_test = 0;
  try {
    generate_synth_dataset(o);
    FAIL() << "wrote into a non-empty folder";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(d.path.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(d.path / "trainset"));
  o.overwrite = true;
  generate_synth_dataset(o);
  std::ofstream(d.path / "trainset/stale.mp4") << "old";
  o.n_train = 8;
  generate_synth_dataset(o);
  EXPECT_EQ(count_mp4(d.path / "trainset"), 8u) << "a previous dataset's clips are replaced";
  EXPECT_EQ(slurp(d.path / "notes.txt"), "mine\n") << "other files are left alone";
}

TEST(SynthDataset, BadOptionsAreRejected) {
  SynthOptions o;
  o.out_dir = "/tmp/x";
  o.width = 101;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.width = 320;
  o.n_train = o.n_val = o.n_test = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.n_train = 4;
  o.fps = 0;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.fps = 15;
  o.kinds = {SynthKind::out_of_sync, SynthKind::out_of_sync};
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.kinds.clear();
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.kinds = default_synth_kinds();
  o.out_dir.clear();
  EXPECT_THROW(o.validate(), std::invalid_argument);
  EXPECT_EQ(parse_synth_kind("OutOfSync"), SynthKind::out_of_sync);
  try {
    parse_synth_kind("Lipsync");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("FakeVideo-FakeAudio"), std::string::npos) << "lists the kinds: " << e.what();
  }
}

// Same clip seed: a fake-video clip has the real clip's audio and differs only inside the face; a
// fake-audio clip has the real clip's frames and other audio.
TEST(SynthDataset, RealAndFakeFromOneSeedDifferOnlyInTheFakeTrack) {
  TempDir d;
  SynthOptions o = tiny(d.path);
  o.width = 320;
  o.height = 240;
  const std::uint64_t seed = derive_seed(3, "pair", 0);
  const auto rr = (d.path / "rr.mp4").string(), fr = (d.path / "fr.mp4").string(), rf = (d.path / "rf.mp4").string();
  write_synth_clip(rr, SynthKind::real_video_real_audio, seed, o);
  write_synth_clip(fr, SynthKind::fake_video_real_audio, seed, o);
  write_synth_clip(rf, SynthKind::real_video_fake_audio, seed, o);

  const cv::Mat v_rr = first_frame(rr), v_fr = first_frame(fr), v_rf = first_frame(rf);
  // Same drawn scene, same encoder input: the audio fake's frames decode to exactly the real
  // clip's (they used to differ by ~0.8 grey levels: libx264's AVX-512 kernels, see
  // x264_asm_without_avx512 in modalities/media/av_handles.h).
  cv::Mat diff;
  cv::absdiff(v_rr, v_fr, diff);
  const double video_fake_change = cv::mean(diff)[0] + cv::mean(diff)[1] + cv::mean(diff)[2];
  EXPECT_GT(video_fake_change, 0.3) << "the fake face differs";
  EXPECT_EQ(cv::norm(v_rr, v_rf, cv::NORM_INF), 0.0) << "audio fakes keep the real frames";
  // The frame's border (background) is the same up to compression noise.
  EXPECT_LT(cv::mean(diff(cv::Rect(0, 0, 320, 12)))[0], 2.0);

  AudioDecodeOptions ao;
  ao.sample_rate = 16000;
  const DecodedAudio a_rr = decode_audio(rr, ao), a_fr = decode_audio(fr, ao), a_rf = decode_audio(rf, ao);
  ASSERT_TRUE(a_rr.ok() && a_fr.ok() && a_rf.ok());
  EXPECT_EQ(a_rr.samples, a_fr.samples) << "video fakes keep the real audio";
  EXPECT_NE(a_rr.samples, a_rf.samples);
}

}  // namespace
}  // namespace dflab::synth
