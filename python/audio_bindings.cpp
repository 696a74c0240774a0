// dflab.audio.features(path, feature="mel", *, offset_s=0, duration_s=0, cache_dir="", **params)
// -> float32 numpy array [n_features, n_frames]: the matrix `dflab audio features --npy` writes, from
// the same registry, parameter parsing (registry/param_args.h) and extract_feature call.
#include <memory>

#include <pybind11/numpy.h>

#include "modalities/audio/audio_feature.h"
#include "modalities/audio/feature_cache.h"
#include "python/bindings.h"
#include "registry/param_args.h"

namespace dflab::python {

namespace {

py::array_t<float> audio_features(const std::string& path, const std::string& feature_name, double offset_s,
                                  double duration_s, const std::string& cache_dir, const py::kwargs& kwargs) {
  const Registry& reg = shared_registry();
  const PluginInfo& info = reg.info(kind::audio_feature, feature_name);   // unknown: lists what exists
  const Params params = plugin_params_from_args(info, param_pairs(kwargs));
  std::unique_ptr<AudioFeature> feature;
  try {
    feature = reg.create<AudioFeature>(kind::audio_feature, feature_name, params);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(feature_name + ": " + e.what());   // as the CLI words it
  }
  if (offset_s < 0 || duration_s < 0) throw std::invalid_argument("offset_s and duration_s must be >= 0");
  AudioDecodeOptions decode;
  decode.sample_rate = feature->sample_rate();
  decode.offset_s = offset_s;
  decode.max_duration_s = duration_s;

  FeatureResult r;
  {
    py::gil_scoped_release no_gil;   // decoding, resampling and the FFTs need no Python objects
    std::unique_ptr<FeatureCache> cache;
    if (!cache_dir.empty()) cache = std::make_unique<FeatureCache>(cache_dir);
    r = extract_feature(path, *feature, decode, cache.get());
  }
  if (!r.ok()) raise_unreadable(path, r.failure_message());
  if (!r.error.empty() && PyErr_WarnEx(PyExc_RuntimeWarning, r.error.c_str(), 1) != 0)   // corrupt packets skipped
    throw py::error_already_set();   // warnings turned into errors

  // The array owns the matrix's buffer: no copy.
  FeatureMatrix& m = r.feature;
  auto* data = new std::vector<float>(std::move(m.data));
  py::capsule owner(data, [](void* p) { delete static_cast<std::vector<float>*>(p); });
  const auto rows = static_cast<py::ssize_t>(m.n_rows), cols = static_cast<py::ssize_t>(m.n_cols);
  return py::array_t<float>({rows, cols}, {cols * static_cast<py::ssize_t>(sizeof(float)), static_cast<py::ssize_t>(sizeof(float))},
                            data->data(), owner);
}

}  // namespace

void add_audio(py::module_& m) {
  py::module_ audio = m.def_submodule("audio", "Audio features of any file FFmpeg reads");
  audio.def("features", &audio_features, py::arg("path"), py::arg("feature") = "mel", py::kw_only(),
            py::arg("offset_s") = 0.0, py::arg("duration_s") = 0.0, py::arg("cache_dir") = "",
            R"(Decode `path`'s audio at the feature's sample rate and compute one audio_feature plugin.

Returns a float32 array [n_features, n_frames]: the same numbers as
`dflab audio features PATH --feature FEATURE --param k=v ... --npy out.npy`.
Keyword arguments other than offset_s / duration_s / cache_dir are the plugin's parameters
(`dflab plugins --kind audio_feature`), validated as the CLI's --param, e.g.
    dflab.audio.features("clip.mp4", "mel", n_mels=64, window="hamming")
Raises ValueError for an unknown feature or parameter, FileNotFoundError for a missing file and
RuntimeError for one without a readable audio stream. Runs without the GIL.)");
}

}  // namespace dflab::python
