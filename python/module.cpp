// PYBIND11_MODULE(_core): the compiled part of the `dflab` Python package (python/dflab/ holds the
// Python part: submodule names, Store's pandas frames). Errors become Python exceptions carrying the
// CLI's messages: bad parameters, unknown plugins and invalid files → ValueError, a missing file →
// FileNotFoundError, an unreadable one → RuntimeError, Ctrl-C during run()/predict() →
// KeyboardInterrupt.
#include <cmath>
#include <filesystem>
#include <sstream>

#include <pybind11/stl.h>

#include "experiments/builtin_plugins.h"
#include "python/bindings.h"
#include "registry/diagnostics.h"
#include "registry/interrupt.h"
#include "registry/param_args.h"

#ifndef DFLAB_VERSION
#define DFLAB_VERSION "0.0.0"
#endif

namespace dflab::python {

const Registry& shared_registry() {
  static const Registry registry = builtin_registry();
  return registry;
}

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return py::none();
    case nlohmann::json::value_t::boolean: return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: return py::float_(j.get<double>());
    // Stored strings may hold bytes that are not UTF-8 (store_json.h): replace them, never fail.
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      return py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace"));
    }
    case nlohmann::json::value_t::array: {
      py::list out;
      for (const auto& item : j) out.append(to_python(item));
      return std::move(out);
    }
    case nlohmann::json::value_t::object: {
      py::dict out;
      for (const auto& [key, item] : j.items()) out[py::str(key)] = to_python(item);
      return std::move(out);
    }
    default: return py::none();   // binary, discarded: never produced by the views used here
  }
}

namespace {

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

std::string toml_literal(const py::handle& v, const std::string& key) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::int_>(v)) return py::str(v);
  if (py::isinstance<py::float_>(v)) {
    const double x = v.cast<double>();
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    std::string text = py::repr(v);   // shortest round-trip form; TOML needs a '.' or an exponent
    if (text.find_first_of(".eE") == std::string::npos) text += ".0";
    return text;
  }
  if (py::isinstance<py::str>(v)) return toml_string(v.cast<std::string>());
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    std::string out = "[";
    bool first = true;
    for (const auto& item : v) {
      out += (first ? "" : ", ") + toml_literal(item, key);
      first = false;
    }
    return out + "]";
  }
  throw py::type_error("parameter '" + key + "': " + std::string(py::str(py::type::of(v).attr("__name__"))) +
                       " is not a TOML value (bool, int, float, str or a list of them)");
}

}  // namespace

std::vector<std::string> param_pairs(const py::kwargs& kwargs) {
  std::vector<std::string> pairs;
  for (const auto& [key, value] : kwargs) {
    const std::string k = py::str(key);
    pairs.push_back(k + "=" + toml_literal(value, k));
  }
  return pairs;
}

void raise_unreadable(const std::string& path, const std::string& message) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    PyErr_SetString(PyExc_FileNotFoundError, message.c_str());
    throw py::error_already_set();
  }
  throw std::runtime_error(message);
}

}  // namespace dflab::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  using namespace dflab::python;
  m.doc() = "dflab's C++ core: audio features, face crops, metrics, the run store, run and predict";
  m.attr("__version__") = DFLAB_VERSION;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const dflab::ConfigError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const dflab::UnknownPluginError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const dflab::Interrupted& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    }
  });
  add_audio(m);
  add_video(m);
  add_metrics(m);
  add_store(m);
  add_runner(m);
}
