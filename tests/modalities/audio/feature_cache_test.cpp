#include "modalities/audio/feature_cache.h"

#include <algorithm>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "audio_test_util.h"
#include "modalities/audio/sound_file.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<AudioFeature> mel(int n_mels = 32) {
  Registry reg;
  register_audio_feature_plugins(reg);
  Params p = reg.defaults(kind::audio_feature, "mel");
  p.set("n_mels", std::int64_t{n_mels});
  p.set("sample_rate", std::int64_t{16000});
  p.set("n_fft", std::int64_t{512});
  p.set("hop_length", std::int64_t{160});
  return reg.create<AudioFeature>(kind::audio_feature, "mel", p);
}

class FeatureCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 4; ++i) {
      wavs.push_back(dir.file("clip" + std::to_string(i) + ".wav"));
      write_sound_file(wavs.back(), test::sine(200.0 * (i + 1), 16000, 0.5 + 0.25 * i), 16000);
    }
  }
  test::TempDir dir;
  std::vector<std::string> wavs;
};

TEST_F(FeatureCacheTest, StoreLoadRoundTripAndKeyCheck) {
  FeatureCache cache(dir.file("cache"));
  FeatureMatrix m(3, 4);
  for (std::size_t i = 0; i < m.data.size(); ++i) m.data[i] = float(i) * 0.5f;
  const auto f = mel();
  const std::string key = FeatureCache::key(file_identity(wavs[0]), *f, {});
  EXPECT_FALSE(cache.load(key).has_value());
  cache.store(key, m);
  const auto back = cache.load(key);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->n_rows, 3);
  EXPECT_EQ(back->n_cols, 4);
  EXPECT_EQ(back->data, m.data);
  EXPECT_NE(cache.entry_path(key).find("/mel/"), std::string::npos);
  // No temporary files left behind.
  for (const auto& e : fs::recursive_directory_iterator(cache.dir()))
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
}

// The key is stored line by line and its third line names the entry's folder: a path holding a
// newline (here one that would name "../escaped" as the folder) must stay on its own line.
TEST_F(FeatureCacheTest, PathWithNewlineNeverPutsARawNewlineIntoTheKey) {
  FeatureCache cache(dir.file("cache"));
  FileIdentity id = file_identity(wavs[0]);
  const std::string plain_text = id.text();
  id.canonical_path = "/data/a\n../escaped:x.wav";
  const auto f = mel();
  const std::string key = FeatureCache::key(id, *f, {});
  EXPECT_EQ(std::count(key.begin(), key.end(), '\n'), 3) << key;
  EXPECT_EQ(id.text().find('\n'), std::string::npos) << id.text();
  EXPECT_EQ(fs::path(cache.entry_path(key)).parent_path(), fs::path(cache.dir()) / "mel") << cache.entry_path(key);
  EXPECT_EQ(plain_text.find('\\'), std::string::npos) << "a plain path is written as it is: " << plain_text;
  FeatureMatrix m(1, 2);
  cache.store(key, m);
  EXPECT_TRUE(cache.load(key).has_value());
  EXPECT_FALSE(fs::exists(dir.file("escaped"))) << "nothing written outside the cache folder";
}

TEST_F(FeatureCacheTest, SecondRunIsServedFromTheCache) {
  FeatureCache cache(dir.file("cache"));
  const auto f = mel();
  const FeatureResult first = extract_feature(wavs[1], *f, {}, &cache);
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_FALSE(first.from_cache);
  EXPECT_NEAR(first.duration_s, 0.75, 1e-9);
  const FeatureResult second = extract_feature(wavs[1], *f, {}, &cache);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(second.feature.data, first.feature.data);
  EXPECT_EQ(second.feature.n_rows, 32);
  EXPECT_EQ(first.feature.data, f->compute(decode_audio(wavs[1], {16000}).samples).data);
}

TEST_F(FeatureCacheTest, ParameterChangeInvalidatesOnlyItsEntries) {
  FeatureCache cache(dir.file("cache"));
  const auto a = mel(32), b = mel(40);
  ASSERT_TRUE(extract_feature(wavs[0], *a, {}, &cache).ok());
  const FeatureResult other = extract_feature(wavs[0], *b, {}, &cache);
  EXPECT_FALSE(other.from_cache);
  EXPECT_EQ(other.feature.n_rows, 40);
  EXPECT_TRUE(extract_feature(wavs[0], *a, {}, &cache).from_cache);   // the first is untouched
  EXPECT_TRUE(extract_feature(wavs[0], *b, {}, &cache).from_cache);
  AudioDecodeOptions window;
  window.max_duration_s = 0.25;   // decode options are part of the key too
  const FeatureResult part = extract_feature(wavs[0], *a, window, &cache);
  EXPECT_FALSE(part.from_cache);
  EXPECT_LT(part.feature.n_cols, extract_feature(wavs[0], *a, {}, &cache).feature.n_cols);
}

TEST_F(FeatureCacheTest, TouchingAFileInvalidatesOnlyThatFile) {
  FeatureCache cache(dir.file("cache"));
  const auto f = mel();
  ASSERT_TRUE(extract_feature(wavs[0], *f, {}, &cache).ok());
  ASSERT_TRUE(extract_feature(wavs[1], *f, {}, &cache).ok());
  fs::last_write_time(wavs[0], fs::last_write_time(wavs[0]) + std::chrono::seconds(5));
  EXPECT_FALSE(extract_feature(wavs[0], *f, {}, &cache).from_cache);
  EXPECT_TRUE(extract_feature(wavs[1], *f, {}, &cache).from_cache);
  // New content of another length: size and mtime change, the feature follows.
  write_sound_file(wavs[1], test::sine(300, 16000, 2.0), 16000);
  const FeatureResult changed = extract_feature(wavs[1], *f, {}, &cache);
  EXPECT_FALSE(changed.from_cache);
  EXPECT_EQ(changed.feature.n_cols, 1 + 32000 / 160);
}

TEST_F(FeatureCacheTest, TruncatedOrCorruptEntriesAreRecomputed) {
  FeatureCache cache(dir.file("cache"));
  const auto f = mel();
  const FeatureResult good = extract_feature(wavs[2], *f, {}, &cache);
  ASSERT_TRUE(good.ok());
  const std::string key = FeatureCache::key(file_identity(wavs[2]), *f, AudioDecodeOptions{16000});
  const std::string entry = cache.entry_path(key);
  ASSERT_TRUE(fs::exists(entry));
  const auto full_size = fs::file_size(entry);

  // An interrupted write: the file is cut short.
  fs::resize_file(entry, full_size - 100);
  EXPECT_FALSE(cache.load(key).has_value());
  FeatureResult again = extract_feature(wavs[2], *f, {}, &cache);
  EXPECT_FALSE(again.from_cache);
  EXPECT_EQ(again.feature.data, good.feature.data);
  EXPECT_EQ(fs::file_size(entry), full_size);   // rewritten whole
  EXPECT_TRUE(extract_feature(wavs[2], *f, {}, &cache).from_cache);

  // A flipped payload byte: the checksum catches it.
  {
    std::fstream io(entry, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(static_cast<std::streamoff>(full_size - 10));
    io.put('\x7f');
  }
  EXPECT_FALSE(cache.load(key).has_value());
  // Only the header: also rejected.
  fs::resize_file(entry, 20);
  EXPECT_FALSE(cache.load(key).has_value());
  // Garbage: rejected.
  std::ofstream(entry, std::ios::binary | std::ios::trunc) << "not a cache entry";
  EXPECT_FALSE(cache.load(key).has_value());
  EXPECT_FALSE(extract_feature(wavs[2], *f, {}, &cache).from_cache);
  EXPECT_TRUE(extract_feature(wavs[2], *f, {}, &cache).from_cache);
}

TEST_F(FeatureCacheTest, ParallelExtractionKeepsOrderReportsProgressAndBadFiles) {
  FeatureCache cache(dir.file("cache"));
  const auto f = mel();
  std::vector<std::string> paths = wavs;
  paths.push_back(dir.file("missing.wav"));
  std::ofstream(dir.file("junk.mp4")) << "definitely not media";
  paths.push_back(dir.file("junk.mp4"));
  paths.push_back(dir.file("tiny.wav"));
  write_sound_file(paths.back(), {}, 16000);   // zero samples: decodes, but no feature

  std::vector<std::size_t> dones;
  std::set<std::string> reported;
  const auto r = extract_features(paths, *f, {}, &cache, 3, [&](std::size_t done, std::size_t total, const FeatureResult& last) {
    EXPECT_EQ(total, paths.size());
    dones.push_back(done);
    reported.insert(last.path);
  });
  ASSERT_EQ(r.size(), paths.size());
  EXPECT_EQ(dones.size(), paths.size());
  for (std::size_t i = 0; i < dones.size(); ++i) EXPECT_EQ(dones[i], i + 1);
  EXPECT_EQ(reported.size(), paths.size());
  for (std::size_t i = 0; i < wavs.size(); ++i) {
    EXPECT_EQ(r[i].path, wavs[i]);
    ASSERT_TRUE(r[i].ok()) << r[i].error;
    EXPECT_EQ(r[i].feature.n_cols, 1 + int(16000 * (0.5 + 0.25 * i)) / 160);
  }
  EXPECT_EQ(r[4].status, ExtractStatus::unreadable);
  EXPECT_NE(r[4].error.find("missing.wav"), std::string::npos);
  EXPECT_EQ(r[5].status, ExtractStatus::unreadable);
  EXPECT_NE(r[5].error.find("junk.mp4"), std::string::npos);
  EXPECT_EQ(r[6].status, ExtractStatus::feature_error);
  EXPECT_NE(r[6].error.find("tiny.wav"), std::string::npos);

  const auto again = extract_features(paths, *f, {}, &cache, 2, {}, /*keep_features=*/false);
  for (std::size_t i = 0; i < wavs.size(); ++i) {
    EXPECT_TRUE(again[i].from_cache) << i;
    EXPECT_TRUE(again[i].feature.empty());
  }
  // Without a cache, many threads: same numbers.
  const auto nocache = extract_features(wavs, *f, {}, nullptr, 4);
  for (std::size_t i = 0; i < wavs.size(); ++i) EXPECT_EQ(nocache[i].feature.data, r[i].feature.data);
}

}  // namespace
}  // namespace dflab
