#include "experiments/experiment_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "experiments/builtin_plugins.h"
#include "modalities/augment/augmentation.h"
#include "modalities/video/face_align.h"
#include "registry/diagnostics.h"

namespace dflab {
namespace {

namespace fs = std::filesystem;

struct FakeModel : Plugin {
  explicit FakeModel(const Params&) {}
};

// Built-ins plus stand-ins for plugin kinds whose real implementations live elsewhere, so the
// loader is tested on its own.
Registry test_registry() {
  Registry reg = builtin_registry();
  if (!reg.contains(kind::model, "tiny_cnn"))
    reg.add<FakeModel>({kind::model, "tiny_cnn", "test model",
                        {ParamSpec::integer("width", 8, "channels").range(1, 512),
                         ParamSpec::string("weights", "", "TorchScript file").as_path(PathRole::input_file)}});
  if (!reg.contains(kind::face_detector, "haar"))
    reg.add<FakeModel>({kind::face_detector, "haar", "test detector", {ParamSpec::integer("min_face", 40, "px")}});
  if (!reg.contains(kind::audio_feature, "mel"))
    reg.add<FakeModel>({kind::audio_feature, "mel", "test feature", {ParamSpec::integer("n_mels", 128, "bands")}});
  return reg;
}

class ExperimentConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("dflab_cfg_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data" / "trainset");
    std::ofstream(dir_ / "data" / "trainset_label.txt") << "video_name,target\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text, const std::string& name = "exp.toml") {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p.string();
  }
  // The ConfigError text of loading `path` ("" when it loads).
  static std::string config_errors(const std::string& path, Registry& reg) {
    try {
      load_experiment(path, reg);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

// The head of the av tests' files: lines 1-8, then [[models]] from line 9.
const std::string kAvHead = "[experiment]\nname = \"au\"\n[data]\nformat = \"ffdv\"\nroot = \"data\"\n"
                            "[video]\ncrop = { landmarks = \"detector\" }\n[av]\n";
const std::string kAvSyncModel = "[[models]]\nname = \"s\"\nplugin = \"av_sync\"\nmodality = \"av\"\n";   // lines 9-12

const char* valid_toml = R"([experiment]
name = "unit"
seed = 7
db = "out/runs.sqlite"

[data]
format = "ffdv"
root = "data"
train = "trainset_label.txt"

[video]
sampling = { strategy = "uniform", frames = 8 }
detector = { plugin = "haar", min_face = 30 }
crop = { size = 112, margin = 1.4 }

[[models]]
name = "v"
plugin = "tiny_cnn"
modality = "video"
width = 16
train = { epochs = 2, lr = 1e-3 }
aggregate = { plugin = "topk_mean", k = 3 }

[[models]]
name = "a"
plugin = "tiny_cnn"
modality = "audio"

[fusion]
plugin = "weighted_mean"
weights = [1.0, 2.0]
)";

TEST_F(ExperimentConfigTest, LoadsAValidFileWithDefaultsAndResolvedPaths) {
  Registry reg = test_registry();
  const std::string path = write(valid_toml);
  ExperimentConfig exp = load_experiment(path, reg);
  EXPECT_EQ(exp.experiment.string("name"), "unit");
  EXPECT_EQ(exp.experiment.integer("seed"), 7);
  EXPECT_EQ(exp.experiment.integer("threads"), 0) << "default";
  EXPECT_EQ(exp.experiment.string("db"), (dir_ / "out" / "runs.sqlite").string()) << "relative to the TOML's folder";
  EXPECT_EQ(exp.data.string("root"), (dir_ / "data").string());
  EXPECT_EQ(exp.data.string("train"), (dir_ / "data" / "trainset_label.txt").string()) << "relative to root";
  EXPECT_EQ(exp.sampling.integer("frames"), 8);
  EXPECT_EQ(exp.sampling.integer("every"), 10) << "default filled";
  EXPECT_EQ(exp.crop.integer("size"), 112);
  EXPECT_EQ(exp.detector.plugin, "haar");
  EXPECT_EQ(exp.detector.params.integer("min_face"), 30);
  EXPECT_EQ(exp.audio_feature.plugin, "mel") << "default feature for audio models";
  ASSERT_EQ(exp.models.size(), 2u);
  EXPECT_EQ(exp.models[0].model.params.integer("width"), 16);
  EXPECT_EQ(exp.models[0].train.integer("epochs"), 2);
  EXPECT_EQ(exp.models[0].train.string("optimizer"), "adamw");
  EXPECT_EQ(exp.models[0].aggregate.plugin, "topk_mean");
  EXPECT_EQ(exp.models[0].aggregate.params.integer("k"), 3);
  EXPECT_EQ(exp.models[1].aggregate.plugin, "mean") << "default aggregator";
  ASSERT_EQ(exp.fusions.size(), 1u);
  EXPECT_EQ(exp.fusions[0].params.reals("weights"), (std::vector<double>{1.0, 2.0}));
  EXPECT_NE(exp.text.find("tiny_cnn"), std::string::npos) << "full text kept for the store";
  EXPECT_TRUE(exp.has_video_models());
}

TEST_F(ExperimentConfigTest, ReportsEveryProblemAtOnceWithLines) {
  Registry reg = test_registry();
  const std::string path = write(R"([experiment]
name = "bad"
seeed = 3
threads = -1

[data]
format = "kaggle"
root = "nowhere"

[video]
detector = { plugin = "mtcnnn" }

[[models]]
name = "m"
plugin = "tiny_cnn"
modality = "video"
widht = 3
train = { epochs = 0, optimizer = "lion" }

[[models]]
name = "m"
plugin = "resnet1000"
modality = "text"

[fusion]
plugin = "mean"
extra = 1

[extras]
x = 1
)");
  try {
    load_experiment(path, reg);
    FAIL() << "invalid file accepted";
  } catch (const ConfigError& e) {
    const std::string all = e.what();
    auto has = [&](const std::string& needle) {
      EXPECT_NE(all.find(needle), std::string::npos) << "missing: " << needle << "\nin:\n" << all;
    };
    has(path + ":3: unknown key 'seeed' in [experiment] (allowed: name, description, seed, db, work_dir, threads)");
    has(path + ":4: [experiment]: 'threads' = -1 is outside [0, 1024]");
    has(path + ":7: [data]: 'format' = \"kaggle\" is not one of: ffdv, dfdc, csv");
    has(path + ":8: [data] root: no such folder: " + (dir_ / "nowhere").string());
    has(path + ":11: [video] detector: unknown face_detector plugin 'mtcnnn' (registered: ");
    has("mtcnn, res10_ssd");
    has(path + ":17: unknown key 'widht' in model 'tiny_cnn' (allowed: width, weights, name, plugin, modality, train, augment, aggregate, pretrained)");
    has(path + ":18: [models.train]: 'epochs' = 0 is outside [1, 10000]");
    has(path + ":18: [models.train]: 'optimizer' = \"lion\" is not one of: adamw, adam, sgd");
    has(path + ":21: [[models]] #2: model name 'm' is used twice");
    has(path + ":22: [[models]] 'm': unknown model plugin 'resnet1000' (registered: ");
    has("resnet18, resnet34, resnet50");
    has(path + ":23: [[models]] 'm': 'modality' must be \"video\", \"audio\" or \"av\"");
    has(path + ":27: unknown key 'extra' in fusion 'mean' (allowed: plugin)");
    has(path + ":29: unknown section [extras]");
    EXPECT_EQ(e.diagnostics().size(), 13u) << all;
  }
}

TEST_F(ExperimentConfigTest, SyntaxErrorNamesFileAndLine) {
  Registry reg = test_registry();
  const std::string path = write("[experiment]\nname = \"x\"\nseed = = 3\n");
  try {
    load_experiment(path, reg);
    FAIL();
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics().items()[0].line, 3);
    EXPECT_NE(std::string(e.what()).find(path + ":3: TOML syntax error"), std::string::npos) << e.what();
  }
}

// Found by tests/fuzz/experiment_config_fuzz: a byte that is not UTF-8 inside a 'literal string'
// made toml11 3.7.1 count lines over the wrong buffer (an out-of-bounds read ASan reports as a
// heap-buffer-overflow; without ASan a garbage line number or a crash). The loader now rejects such
// bytes itself, with file, line and column, before toml11 parses anything.
TEST_F(ExperimentConfigTest, BytesThatAreNotUtf8AreReportedWithFileAndLine) {
  Registry reg = test_registry();
  for (const std::string value : {"'r\xe9sum\xe9'", "'''\nab\xff'''", "\"\xc3\""}) {
    const std::string path = write("[experiment]\nname = \"x\"\ndescription = " + value + "\n");
    try {
      load_experiment(path, reg);
      FAIL() << value;
    } catch (const ConfigError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u) << e.what();
      const Diagnostic& d = e.diagnostics().items()[0];
      EXPECT_EQ(d.file, path);
      EXPECT_EQ(d.line, value.find('\n') == std::string::npos ? 3 : 4) << e.what();
      EXPECT_NE(d.message.find("not valid UTF-8 (byte 0x"), std::string::npos) << e.what();
    }
  }
  // The first bad byte's column, counted in bytes from 1.
  const std::string path = write("[experiment]\nname = 'caf\xe9'\n");
  try {
    load_experiment(path, reg);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2: not valid UTF-8 (byte 0xE9 at column 12); TOML files must be UTF-8"),
              std::string::npos) << e.what();
  }
}

TEST_F(ExperimentConfigTest, MissingFileAndMissingRequiredSections) {
  Registry reg = test_registry();
  EXPECT_THROW(load_experiment((dir_ / "none.toml").string(), reg), ConfigError);
  const std::string path = write("[output]\nclip = [0.9, 0.1]\n");
  try {
    load_experiment(path, reg);
    FAIL();
  } catch (const ConfigError& e) {
    const std::string all = e.what();
    EXPECT_NE(all.find("missing section [experiment] with required key 'name'"), std::string::npos) << all;
    EXPECT_NE(all.find("missing section [data] with required key 'format'"), std::string::npos) << all;
    EXPECT_NE(all.find(":2: [output] clip must be [low, high] with low < high"), std::string::npos) << all;
  }
}

// crop.align cannot be combined with fixed_box (it used to be accepted and ignored then).
TEST_F(ExperimentConfigTest, AlignWithFixedBoxIsAnErrorAtItsLine) {
  Registry reg = test_registry();
  const std::string path = write(R"([experiment]
name = "al"
[data]
format = "ffdv"
root = "data"
[video.crop]
fixed_box = true
align = true
)");
  try {
    load_experiment(path, reg);
    FAIL() << "align with fixed_box accepted";
  } catch (const ConfigError& e) {
    const std::string all = e.what();
    EXPECT_NE(all.find(path + ":8: [video] crop: align = true and fixed_box = true exclude each other"),
              std::string::npos) << all;
  }
  const std::string ok = write("[experiment]\nname = \"al\"\n[data]\nformat = \"ffdv\"\nroot = \"data\"\n"
                               "[video]\ncrop = { align = true }\n", "ok.toml");
  if (fs::exists(kDlibLandmarkModel)) EXPECT_TRUE(load_experiment(ok, reg).crop.boolean("align"));
  else EXPECT_THROW(load_experiment(ok, reg), ConfigError);   // names the missing model file
}

// real_only = true (train on real videos, half of each batch blended) needs a blending
// augmentation on a video model; the blend's p would be ignored then, so giving it is an error.
TEST_F(ExperimentConfigTest, RealOnlyNeedsABlendingAugmentationOnAVideoModel) {
  Registry reg = test_registry();
  auto file = [&](const std::string& models, const std::string& name) {
    return write("[experiment]\nname = \"ro\"\n[data]\nformat = \"ffdv\"\nroot = \"data\"\n"
                 "[video]\ncrop = { landmarks = \"detector\" }\n" + models, name);
  };
  auto errors_of = [&](const std::string& path) { return config_errors(path, reg); };
  const std::string none = file("[[models]]\nname = \"v\"\nplugin = \"tiny_cnn\"\nmodality = \"video\"\n"
                                "train = { real_only = true }\naugment = [{ plugin = \"hflip\" }]\n", "none.toml");
  std::string all = errors_of(none);
  EXPECT_NE(all.find(none + ":12: [[models]] 'v': real_only = true needs a blending augmentation"), std::string::npos) << all;
  EXPECT_NE(all.find("self_blend"), std::string::npos) << all;

  const std::string audio = file("[[models]]\nname = \"a\"\nplugin = \"tiny_cnn\"\nmodality = \"audio\"\n"
                                 "train = { real_only = true }\naugment = [{ plugin = \"self_blend\" }]\n", "audio.toml");
  all = errors_of(audio);
  EXPECT_NE(all.find("real_only = true forges the fake half of each batch from faces (video) or from audio-visual units "
                     "(av); it does not apply to modality = \"audio\""), std::string::npos) << all;

  const std::string with_p = file("[[models]]\nname = \"v\"\nplugin = \"tiny_cnn\"\nmodality = \"video\"\n"
                                  "train = { real_only = true }\naugment = [\n  { plugin = \"self_blend\", p = 0.3 },\n]\n",
                                  "p.toml");
  all = errors_of(with_p);
  EXPECT_NE(all.find(with_p + ":14: [[models]] 'v' augment self_blend: p is not used with real_only = true"),
            std::string::npos) << all;

  const std::string ok = file("[[models]]\nname = \"v\"\nplugin = \"tiny_cnn\"\nmodality = \"video\"\n"
                              "train = { real_only = true }\naugment = [{ plugin = \"self_blend\" }, { plugin = \"hflip\" }]\n",
                              "ok.toml");
  const ExperimentConfig exp = load_experiment(ok, reg);
  EXPECT_TRUE(exp.models[0].train.boolean("real_only"));
  EXPECT_TRUE(exp.models[0].blends_faces());
  EXPECT_FALSE(exp.wants_landmarks68()) << "crop.landmarks = \"detector\" keeps the detector's";
  EXPECT_FALSE(load_experiment(write(valid_toml, "valid.toml"), reg).models[0].train.boolean("real_only")) << "default";
}

// The config names the forging augmentations without their code; the lists must be exactly the
// registered plugins that forge faces (video) and audio-visual units (av).
TEST(BlendingAugmentations, TheConfigListIsWhatForges) {
  const Registry reg = builtin_registry();
  std::vector<std::string> faces, av;
  for (const std::string& name : reg.names(kind::augmentation)) {
    const auto aug = reg.create<Augmentation>(kind::augmentation, name, reg.defaults(kind::augmentation, name));
    if (!aug->forges()) continue;
    if (aug->applies_to(AugmentModality::video)) faces.push_back(name);
    if (aug->applies_to(AugmentModality::av)) av.push_back(name);
  }
  std::sort(faces.begin(), faces.end());
  std::sort(av.begin(), av.end());
  EXPECT_EQ(faces, kBlendingAugmentations);
  EXPECT_EQ(av, kAvForgingAugmentations);
}

// An augmentation that does not act on the model's units is an error at its line, not a setting
// accepted and never applied; an av model takes av_shift, and real_only = true on it needs one.
TEST_F(ExperimentConfigTest, AugmentationsMustActOnTheModelsUnits) {
  Registry reg = builtin_registry();
  const std::string& head = kAvHead;
  auto errors_of = [&](const std::string& path) { return config_errors(path, reg); };
  const std::string& av_model = kAvSyncModel;
  const std::string spec = write(head + "[[models]]\nname = \"v\"\nplugin = \"meso4\"\nmodality = \"video\"\n"
                                        "augment = [\n  { plugin = \"hflip\" },\n  { plugin = \"spec_augment\" },\n]\n",
                                 "spec.toml");
  std::string all = errors_of(spec);
  EXPECT_NE(all.find(spec + ":15: [[models]] 'v' augment spec_augment does not act on video units (it takes "
                            "modality = \"audio\"); remove it"), std::string::npos) << all;
  const std::string flip = write(head + av_model + "augment = [{ plugin = \"hflip\" }]\n", "flip.toml");
  all = errors_of(flip);
  EXPECT_NE(all.find("'s' augment hflip does not act on av units (it takes modality = \"video\")"), std::string::npos) << all;
  const std::string shift_on_video = write(head + "[[models]]\nname = \"v\"\nplugin = \"meso4\"\nmodality = \"video\"\n"
                                                  "augment = [{ plugin = \"av_shift\" }]\n", "shiftvideo.toml");
  all = errors_of(shift_on_video);
  EXPECT_NE(all.find("'v' augment av_shift does not act on video units (it takes modality = \"av\")"), std::string::npos) << all;
  const std::string no_shift = write(head + av_model + "train = { real_only = true }\n", "noshift.toml");
  all = errors_of(no_shift);
  EXPECT_NE(all.find(no_shift + ":13: [[models]] 's': real_only = true needs av_shift"), std::string::npos) << all;
  const std::string with_p = write(head + av_model + "train = { real_only = true }\naugment = [{ plugin = \"av_shift\", p = 0.5 }]\n",
                                   "withp.toml");
  all = errors_of(with_p);
  EXPECT_NE(all.find("'s' augment av_shift: p is not used with real_only = true"), std::string::npos) << all;
  const std::string bad_range = write(head + av_model + "augment = [{ plugin = \"av_shift\", min_shift = 9, max_shift = 4 }]\n",
                                      "range.toml");
  all = errors_of(bad_range);
  EXPECT_NE(all.find("min_shift = 9 is above max_shift = 4"), std::string::npos) << all;
  const ExperimentConfig ok = load_experiment(
      write(head + av_model + "train = { real_only = true }\naugment = [{ plugin = \"av_shift\", max_shift = 20 }]\n", "ok.toml"), reg);
  EXPECT_TRUE(ok.models[0].shifts_av());
  EXPECT_TRUE(ok.models[0].train.boolean("real_only"));
}

// score = "sync" (the calibrated offset search) needs an av model; sync_max_offset without it
// would be read and ignored, so both are errors at their lines.
TEST_F(ExperimentConfigTest, SyncScoreIsForAvModelsOnly) {
  Registry reg = builtin_registry();
  const std::string& head = kAvHead;
  auto errors_of = [&](const std::string& path) { return config_errors(path, reg); };
  const std::string video = write(head + "[[models]]\nname = \"v\"\nplugin = \"meso4\"\nmodality = \"video\"\n"
                                         "[models.train]\nscore = \"sync\"\n", "video.toml");
  std::string all = errors_of(video);
  EXPECT_NE(all.find(video + ":14: [[models]] 'v': score = \"sync\" slides a voice against mouths, which only an "
                             "audio-visual model scores (modality = \"av\"), not modality = \"video\""), std::string::npos) << all;
  const std::string& av_model = kAvSyncModel;
  const std::string stray = write(head + av_model + "[models.train]\nsync_max_offset = 20\n", "stray.toml");
  all = errors_of(stray);
  EXPECT_NE(all.find(stray + ":14: [[models]] 's': sync_max_offset is used only with score = \"sync\""), std::string::npos) << all;
  const std::string range = write(head + av_model + "[models.train]\nscore = \"sync\"\nsync_max_offset = 0\n", "range.toml");
  EXPECT_NE(errors_of(range).find("'sync_max_offset' = 0 is outside [1, 50]"), std::string::npos) << errors_of(range);
  const ExperimentConfig ok = load_experiment(
      write(head + av_model + "[models.train]\nscore = \"sync\"\nsync_max_offset = 20\n", "ok.toml"), reg);
  EXPECT_EQ(ok.models[0].train.string("score"), "sync");
  EXPECT_EQ(ok.models[0].train.integer("sync_max_offset"), 20);
  EXPECT_EQ(load_experiment(write(head + av_model, "plain.toml"), reg).models[0].train.string("score"), "units");
}

// crop.landmarks = "auto": dlib's 68 points are cached with the crops exactly when a video model
// blends faces; "dlib68" always; an unknown value is an error.
TEST_F(ExperimentConfigTest, CropLandmarksFollowTheBlendingAugmentations) {
  Registry reg = test_registry();
  auto file = [&](const std::string& crop, const std::string& augment, const std::string& name) {
    return write("[experiment]\nname = \"lm\"\n[data]\nformat = \"ffdv\"\nroot = \"data\"\n"
                 "[video]\ncrop = { " + crop + " }\n[[models]]\nname = \"v\"\nplugin = \"tiny_cnn\"\n"
                 "modality = \"video\"\naugment = [" + augment + "]\n", name);
  };
  const bool dlib = fs::exists(kDlibLandmarkModel);
  const std::string blend = file("size = 64", "{ plugin = \"self_blend\" }", "blend.toml");
  EXPECT_FALSE(load_experiment(file("size = 64", "{ plugin = \"hflip\" }", "plain.toml"), reg).wants_landmarks68());
  if (!dlib) {
    EXPECT_THROW(load_experiment(blend, reg), ConfigError);   // names the missing model file
  } else {
    EXPECT_TRUE(load_experiment(blend, reg).wants_landmarks68());
    EXPECT_TRUE(load_experiment(file("landmarks = \"dlib68\"", "", "on.toml"), reg).wants_landmarks68());
    EXPECT_FALSE(load_experiment(file("align = true, landmarks = \"dlib68\"", "", "al.toml"), reg).wants_landmarks68())
        << "aligned crops carry 68 points of their own";
  }
  EXPECT_THROW(load_experiment(file("landmarks = \"mtcnn\"", "", "bad.toml"), reg), ConfigError);
}

// [av]: declared keys with defaults, the window's feature built from the real registry; unknown
// keys, a window shorter than the feature's FFT, a stack longer than the sampling and [av] without
// face crops are errors at their line.
TEST_F(ExperimentConfigTest, AvSectionIsValidatedWithLines) {
  Registry reg = builtin_registry();
  const std::string head = "[experiment]\nname = \"av\"\n[data]\nformat = \"ffdv\"\nroot = \"data\"\n";
  const bool dlib = fs::exists(kDlibLandmarkModel);
  const std::string ok = write(head + "[video]\ncrop = { landmarks = \"detector\" }\n"
                               "[av]\nwindow_s = 0.3\nfeature = { plugin = \"mfcc\", sample_rate = 16000, n_mfcc = 13 }\n",
                               "ok.toml");
  const ExperimentConfig e = load_experiment(ok, reg);
  EXPECT_TRUE(e.wants_av());
  EXPECT_TRUE(e.av_requested);
  EXPECT_EQ(e.av_feature.plugin, "mfcc");
  EXPECT_EQ(e.av_feature.params.integer("n_mfcc"), 13);
  EXPECT_DOUBLE_EQ(e.av.real("window_s"), 0.3);
  EXPECT_EQ(e.av.integer("mouth_width"), 96);
  EXPECT_EQ(e.av.integer("stack"), 5);
  EXPECT_FALSE(e.wants_landmarks68()) << "crop.landmarks = \"detector\" is kept";
  if (dlib) {
    EXPECT_TRUE(load_experiment(write(head + "[av]\n", "auto.toml"), reg).wants_landmarks68())
        << "auto: the mouth box comes from the lips";
  }
  EXPECT_FALSE(load_experiment(write(head + "[av]\nenabled = false\n", "off.toml"), reg).wants_av());
  EXPECT_FALSE(load_experiment(write(head, "none.toml"), reg).wants_av());

  const std::string bad = write(head +
                                "[video]\nsampling = { frames = 4 }\ncrop = { landmarks = \"detector\" }\n"   // 6, 7, 8
                                "[av]\n"                                                                     // 9
                                "mouth_size = 64\n"                                                          // 10
                                "window_s = 0.05\n"                                                          // 11
                                "stack = 6\n"                                                                // 12
                                "feature = { plugin = \"mel\", sample_rate = 16000, n_fft = 1024 }\n",       // 13
                                "bad.toml");
  try {
    load_experiment(bad, reg);
    FAIL() << "bad [av] accepted";
  } catch (const ConfigError& err) {
    const std::string all = err.what();
    auto has = [&](const std::string& needle) {
      EXPECT_NE(all.find(needle), std::string::npos) << "missing: " << needle << "\nin:\n" << all;
    };
    has(bad + ":10: unknown key 'mouth_size' in [av] (allowed: enabled, mouth_width, mouth_height, mouth_margin, window_s, stack");
    has(bad + ":11: [av] window_s = 0.050000 s is 800 samples at 16000 Hz, shorter than the feature's n_fft = 1024");
    has(bad + ":12: [av] stack = 6 frames, but [video] sampling takes only 4 per video");
  }
  try {
    load_experiment(write(head + "[video]\nenabled = false\n[av]\nwindow_s = 0.5\n", "novideo.toml"), reg);
    FAIL() << "[av] without face crops accepted";
  } catch (const ConfigError& err) {
    EXPECT_NE(std::string(err.what()).find("novideo.toml:7: [video] enabled = false, but [av] cuts its mouth crops"),
              std::string::npos) << err.what();
  }
  try {
    load_experiment(write(head + "[av]\nenabled = false\n[[models]]\nname = \"s\"\nplugin = \"resnet18\"\nmodality = \"av\"\n",
                          "avoff.toml"), reg);
    FAIL() << "an av model without [av] samples accepted";
  } catch (const ConfigError& err) {
    EXPECT_NE(std::string(err.what()).find("avoff.toml:7: [av] enabled = false but a [[models]] entry has modality = \"av\""),
              std::string::npos) << err.what();
  }
}

TEST_F(ExperimentConfigTest, PluginLibrariesLoadBeforeValidation) {
  Registry reg = test_registry();
  fs::copy_file(SAMPLE_PLUGIN_PATH, dir_ / "sample.so");
  const std::string path = write(R"([experiment]
name = "p"
[plugins]
load = ["sample.so"]
[data]
format = "csv"
root = "data"
[[models]]
name = "m"
plugin = "tiny_cnn"
modality = "audio"
aggregate = { plugin = "geometric_mean", eps = 1e-3 }
)");
  ExperimentConfig exp = load_experiment(path, reg);
  ASSERT_EQ(exp.plugin_libraries.size(), 1u);
  EXPECT_EQ(exp.models[0].aggregate.plugin, "geometric_mean");
  EXPECT_DOUBLE_EQ(exp.models[0].aggregate.params.real("eps"), 1e-3);

  const std::string bad = write("[experiment]\nname = \"p\"\n[plugins]\nload = [\"missing.so\"]\n"
                                "[data]\nformat = \"csv\"\nroot = \"data\"\n", "bad.toml");
  Registry reg2 = test_registry();
  try {
    load_experiment(bad, reg2);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(bad + ":4: plugin library"), std::string::npos) << e.what();
  }
}

TEST_F(ExperimentConfigTest, PluginPathParametersAreResolvedAndChecked) {
  Registry reg = test_registry();
  std::ofstream(dir_ / "w.pt") << "x";
  const std::string base = "[experiment]\nname = \"p\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                           "[[models]]\nname = \"m\"\nplugin = \"tiny_cnn\"\nmodality = \"audio\"\n";
  ExperimentConfig ok = load_experiment(write(base + "weights = \"w.pt\"\n"), reg);
  EXPECT_EQ(ok.models[0].model.params.string("weights"), (dir_ / "w.pt").string());
  try {
    load_experiment(write(base + "weights = \"nope.pt\"\n", "b.toml"), reg);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(":10: [[models]] 'm' weights: no such file"), std::string::npos) << e.what();
  }
}

TEST_F(ExperimentConfigTest, PretrainedIsAFileResolvedAndChecked) {
  Registry reg = test_registry();
  std::ofstream(dir_ / "imagenet.pth") << "x";
  const std::string base = "[experiment]\nname = \"p\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n"
                           "[[models]]\nname = \"m\"\nplugin = \"tiny_cnn\"\nmodality = \"video\"\n";
  ExperimentConfig ok = load_experiment(write(base + "pretrained = \"imagenet.pth\"\n"), reg);
  EXPECT_EQ(ok.models[0].pretrained, (dir_ / "imagenet.pth").string()) << "relative to the TOML's folder";
  EXPECT_FALSE(ok.models[0].model.params.has("pretrained")) << "a model-entry key, not a plugin parameter";
  for (const auto& [line, message] : std::vector<std::pair<std::string, std::string>>{
           {"pretrained = \"nope.pth\"", ":10: [[models]] 'm' pretrained: no such file"},
           {"pretrained = 3", ":10: [[models]] 'm': 'pretrained' must be the path of a weight file"}}) {
    try {
      load_experiment(write(base + line + "\n", "b.toml"), reg);
      ADD_FAILURE() << line;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

// Detector model files are checked as torchscript weights are: a missing one is a `dflab check`
// error at its line, before any video is decoded; relative paths resolve against the TOML's folder.
TEST_F(ExperimentConfigTest, DetectorModelFilesAreResolvedAndChecked) {
  Registry reg = builtin_registry();
  std::ofstream(dir_ / "yunet.onnx") << "x";
  fs::create_directories(dir_ / "mtcnn");
  const std::string base = "[experiment]\nname = \"p\"\n[data]\nformat = \"csv\"\nroot = \"data\"\n[video]\n";
  const ExperimentConfig ok = load_experiment(write(base + "detector = { plugin = \"yunet\", model = \"yunet.onnx\" }\n"), reg);
  EXPECT_EQ(ok.detector.params.string("model"), (dir_ / "yunet.onnx").string());
  for (const auto& [plugin, what] : {std::pair<std::string, std::string>{"yunet", "no such file"}, {"ultraface", "no such file"},
                                     {"res10_ssd", "no such file"}, {"blazeface", "no such file"}, {"mtcnn", "no such folder"}}) {
    const std::string bad = write(base + "detector = { plugin = \"" + plugin + "\", model = \"missing/model.bin\" }\n",
                                  plugin + ".toml");
    try {
      load_experiment(bad, reg);
      ADD_FAILURE() << plugin << ": a missing model file passed the check";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(bad + ":7: [video] detector model: " + what + ": " +
                                           (dir_ / "missing/model.bin").string()), std::string::npos) << e.what();
    }
  }
  const std::string cascade = write(base + "detector = { plugin = \"haar\", cascade = \"nope.xml\" }\n", "haar.toml");
  EXPECT_THROW(load_experiment(cascade, reg), ConfigError);
}

}  // namespace
}  // namespace dflab
