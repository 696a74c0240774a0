#pragma once
// The `dflab` Python module (pybind11): one add_<area>() per submodule, each in <area>_bindings.cpp,
// called from module.cpp. Every function that decodes, extracts or trains runs without the GIL, so a
// Python thread pool runs several at once; conversions to Python objects hold it.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

#include "registry/registry.h"

namespace dflab::python {

namespace py = pybind11;

void add_audio(py::module_& m);     // dflab.audio.features
void add_video(py::module_& m);     // dflab.video.faces
void add_metrics(py::module_& m);   // dflab.metrics.evaluate
void add_store(py::module_& m);     // dflab.Store (as _core.Store; dflab/__init__.py adds as_frame)
void add_runner(py::module_& m);    // dflab.run, dflab.predict

// The built-in plugins, built once (with the GIL held) and only read afterwards, so threads share it.
const Registry& shared_registry();

// A JSON document (the CLI's --json views) as Python dicts, lists, str, int, float, bool, None.
py::object to_python(const nlohmann::json& value);

// Keyword arguments as the CLI's `--param key=value` items: Python bool/int/float/str/list become
// TOML literals, so values are typed, validated and reported exactly as the CLI's.
std::vector<std::string> param_pairs(const py::kwargs& kwargs);

// Raises Python's FileNotFoundError with `message` when `path` does not exist, else RuntimeError.
[[noreturn]] void raise_unreadable(const std::string& path, const std::string& message);

}  // namespace dflab::python
