#pragma once
// Parameter declarations and validated parameter values of a plugin.
//
// A plugin declares its parameters once; that one list drives TOML validation, defaults,
// `dflab plugins` and the docs:
//
//   std::vector<ParamSpec> specs = {
//       ParamSpec::integer("n_fft", 2048, "FFT size").range(16, 65536).with_unit("samples"),
//       ParamSpec::string("window", "hann", "analysis window").one_of({"hann", "hamming"}),
//   };
//   Params p = Params::defaults(specs);
//   p.integer("n_fft");   // 2048

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dflab {

enum class ParamType { boolean, integer, real, string, integer_list, real_list, string_list };
// What a string parameter names on disk. Experiment loading resolves such paths against the TOML
// file's folder and checks inputs exist before any work starts.
enum class PathRole { none, input_file, input_dir, output };
const char* to_string(ParamType type);

using ParamValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                                std::vector<double>, std::vector<std::string>>;
// TOML-like text of a value: true, 3, 0.5, "hann", [1, 2]
std::string format_value(const ParamValue& value);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::string;
  std::optional<ParamValue> default_value;   // nullopt: the parameter is required
  std::string doc;
  std::optional<double> min;                 // inclusive; for lists, applies to each element
  std::optional<double> max;
  std::vector<std::string> choices;          // allowed strings (string / string_list)
  std::string unit;
  PathRole path = PathRole::none;

  static ParamSpec boolean(std::string name, bool def, std::string doc);
  static ParamSpec integer(std::string name, std::int64_t def, std::string doc);
  static ParamSpec real(std::string name, double def, std::string doc);
  static ParamSpec string(std::string name, std::string def, std::string doc);
  static ParamSpec integers(std::string name, std::vector<std::int64_t> def, std::string doc);
  static ParamSpec reals(std::string name, std::vector<double> def, std::string doc);
  static ParamSpec strings(std::string name, std::vector<std::string> def, std::string doc);
  // A parameter with no default that every configuration must give.
  static ParamSpec required(std::string name, ParamType type, std::string doc);

  ParamSpec& range(std::optional<double> lo, std::optional<double> hi);
  ParamSpec& one_of(std::vector<std::string> allowed);
  ParamSpec& with_unit(std::string u);
  ParamSpec& as_path(PathRole role);

  // "[16, 65536]", "[0.0, inf]"; empty when unbounded.
  std::string range_text() const;
  // Empty when `value` satisfies type, range and choices; otherwise why not.
  std::string check(const ParamValue& value) const;
};

// Validated values, defaults filled in. Getters throw std::out_of_range for an undeclared name
// and std::invalid_argument for a type mismatch: both are programming errors, not user errors.
class Params {
 public:
  static Params defaults(const std::vector<ParamSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) != 0; }
  void set(const std::string& name, ParamValue value) { values_[name] = std::move(value); }
  const ParamValue& get(const std::string& name) const;

  bool boolean(const std::string& name) const;
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;   // an integer value is widened
  const std::string& string(const std::string& name) const;
  std::vector<std::int64_t> integers(const std::string& name) const;
  std::vector<double> reals(const std::string& name) const;   // integers are widened
  std::vector<std::string> strings(const std::string& name) const;

  const std::map<std::string, ParamValue>& values() const { return values_; }
  // Canonical "a=1;b=\"x\"" (sorted by name): for cache keys, the run store and logs.
  std::string canonical() const;

  // Where these values were read ("exp.toml:12"), for error messages of the plugin itself.
  std::string origin;

 private:
  std::map<std::string, ParamValue> values_;
};

}  // namespace dflab
