// Fuzzes the experiment file loader (experiments/experiment_config.h): TOML syntax (toml11), the
// fixed sections' schemas, TOML → Params for every parameter type, plugin choices, path
// resolution and the cross-section checks. load_experiment documents ConfigError for every
// problem; anything else escaping is a bug.
//
// The registry holds stand-ins named like the built-in plugins (the real ones live in libraries
// that need libtorch) whose parameters cover every ParamType, range, choice list and path role.
// Inputs that mention `plugins` are skipped: [plugins] load = [...] dlopens the named libraries.
#include <cstdint>
#include <cstring>
#include <string>

#include "experiments/experiment_config.h"
#include "fuzz_input.h"
#include "registry/diagnostics.h"

namespace {

using dflab::ParamSpec;
using dflab::PathRole;

struct StandIn : dflab::Plugin {
  explicit StandIn(const dflab::Params&) {}
};

dflab::Registry make_registry() {
  namespace kind = dflab::kind;
  dflab::Registry reg;
  const std::vector<ParamSpec> detector = {
      ParamSpec::integer("min_face", 40, "px").range(1, 4096),
      ParamSpec::real("scale", 1.1, "pyramid step").range(1.01, 4.0),
      ParamSpec::string("model", "", "weights file").as_path(PathRole::input_file)};
  for (const char* name : {"dlib_hog", "haar", "lbp", "yunet"}) reg.add<StandIn>({kind::face_detector, name, "stand-in", detector});
  reg.add<StandIn>({kind::audio_feature, "mel", "stand-in",
                    {ParamSpec::integer("sample_rate", 16000, "Hz").range(1000, 192000),
                     ParamSpec::integer("n_fft", 2048, "samples").range(16, 65536),
                     ParamSpec::integer("hop_length", 512, "samples").range(1, 65536),
                     ParamSpec::integer("n_mels", 128, "bands").range(1, 512),
                     ParamSpec::boolean("to_db", true, "log scale"),
                     ParamSpec::string("window", "hann", "window").one_of({"hann", "hamming"})}});
  const std::vector<ParamSpec> model = {
      ParamSpec::integer("input_size", 224, "px").range(16, 1024),
      ParamSpec::integer("n_mels", 64, "bands").range(1, 512),
      ParamSpec::integer("frames", 64, "frames").range(1, 4096),
      ParamSpec::real("width", 1.0, "channel multiplier").range(0.1, 4.0),
      ParamSpec::integers("channels", {8, 16}, "per stage").range(1, 4096),
      ParamSpec::strings("pool", {"time"}, "pooled axes").one_of({"time", "freq"}),
      ParamSpec::string("weights", "", "TorchScript file").as_path(PathRole::input_file)};
  for (const char* name : {"tiny_cnn", "meso4", "mel_cnn", "resnet18"}) reg.add<StandIn>({kind::model, name, "stand-in", model});
  reg.add<StandIn>({kind::aggregator, "mean", "stand-in", {}});
  reg.add<StandIn>({kind::aggregator, "topk_mean", "stand-in", {ParamSpec::integer("k", 3, "frames").range(1, 1000)}});
  reg.add<StandIn>({kind::augmentation, "jpeg", "stand-in",
                    {ParamSpec::integers("quality", {30, 95}, "range").range(1, 100),
                     ParamSpec::real("p", 0.5, "probability").range(0, 1)}});
  for (const char* name : {"mean", "max"}) reg.add<StandIn>({kind::fusion, name, "stand-in", {}});
  reg.add<StandIn>({kind::fusion, "weighted_mean", "stand-in", {ParamSpec::reals("weights", {1.0, 1.0}, "per model").range(0, 1e6)}});
  reg.add<StandIn>({kind::fusion, "stacking", "stand-in", {ParamSpec::real("c", 1.0, "inverse L2").range(1e-6, 1e6)}});
  return reg;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const char kPlugins[] = "plugins";
  if (memmem(data, size, kPlugins, std::strlen(kPlugins))) return 0;
  const std::string path = dflab::fuzz::write_input(data, size, "exp.toml");
  static dflab::Registry registry = make_registry();   // unchanged by loading (no [plugins])
  try {
    dflab::load_experiment(path, registry);
  } catch (const dflab::ConfigError&) {
  }
  return 0;
}
