#include "registry/params.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace dflab {

const char* to_string(ParamType type) {
  switch (type) {
    case ParamType::boolean: return "bool";
    case ParamType::integer: return "int";
    case ParamType::real: return "float";
    case ParamType::string: return "string";
    case ParamType::integer_list: return "int list";
    case ParamType::real_list: return "float list";
    case ParamType::string_list: return "string list";
  }
  return "?";
}

namespace {

std::string format_real(double v) {
  std::ostringstream out;
  out.precision(10);
  out << v;
  std::string s = out.str();
  // Keep it a TOML float: 1 -> 1.0 (but leave 1e-05, inf, nan alone).
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

template <class T, class F>
std::string format_list(const std::vector<T>& items, F&& format_one) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += format_one(items[i]);
  }
  return out + "]";
}

ParamType type_of(const ParamValue& v) {
  switch (v.index()) {
    case 0: return ParamType::boolean;
    case 1: return ParamType::integer;
    case 2: return ParamType::real;
    case 3: return ParamType::string;
    case 4: return ParamType::integer_list;
    case 5: return ParamType::real_list;
    default: return ParamType::string_list;
  }
}

ParamSpec make(std::string name, ParamType type, ParamValue def, std::string doc) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(def);
  s.doc = std::move(doc);
  return s;
}

}  // namespace

std::string format_value(const ParamValue& value) {
  switch (value.index()) {
    case 0: return std::get<bool>(value) ? "true" : "false";
    case 1: return std::to_string(std::get<std::int64_t>(value));
    case 2: return format_real(std::get<double>(value));
    case 3: return quote(std::get<std::string>(value));
    case 4: return format_list(std::get<4>(value), [](std::int64_t v) { return std::to_string(v); });
    case 5: return format_list(std::get<5>(value), format_real);
    default: return format_list(std::get<6>(value), quote);
  }
}

ParamSpec ParamSpec::boolean(std::string n, bool def, std::string doc) {
  return make(std::move(n), ParamType::boolean, def, std::move(doc));
}
ParamSpec ParamSpec::integer(std::string n, std::int64_t def, std::string doc) {
  return make(std::move(n), ParamType::integer, def, std::move(doc));
}
ParamSpec ParamSpec::real(std::string n, double def, std::string doc) {
  return make(std::move(n), ParamType::real, def, std::move(doc));
}
ParamSpec ParamSpec::string(std::string n, std::string def, std::string doc) {
  return make(std::move(n), ParamType::string, std::move(def), std::move(doc));
}
ParamSpec ParamSpec::integers(std::string n, std::vector<std::int64_t> def, std::string doc) {
  return make(std::move(n), ParamType::integer_list, std::move(def), std::move(doc));
}
ParamSpec ParamSpec::reals(std::string n, std::vector<double> def, std::string doc) {
  return make(std::move(n), ParamType::real_list, std::move(def), std::move(doc));
}
ParamSpec ParamSpec::strings(std::string n, std::vector<std::string> def, std::string doc) {
  return make(std::move(n), ParamType::string_list, std::move(def), std::move(doc));
}
ParamSpec ParamSpec::required(std::string n, ParamType type, std::string doc) {
  ParamSpec s;
  s.name = std::move(n);
  s.type = type;
  s.doc = std::move(doc);
  return s;
}

ParamSpec& ParamSpec::range(std::optional<double> lo, std::optional<double> hi) {
  min = lo;
  max = hi;
  return *this;
}
ParamSpec& ParamSpec::one_of(std::vector<std::string> allowed) {
  choices = std::move(allowed);
  return *this;
}
ParamSpec& ParamSpec::with_unit(std::string u) {
  unit = std::move(u);
  return *this;
}
ParamSpec& ParamSpec::as_path(PathRole role) {
  path = role;
  return *this;
}

std::string ParamSpec::range_text() const {
  if (!min && !max) return {};
  const bool integral = type == ParamType::integer || type == ParamType::integer_list;
  auto bound = [&](const std::optional<double>& b, const char* inf) {
    if (!b) return std::string(inf);
    return integral ? std::to_string(static_cast<std::int64_t>(*b)) : format_real(*b);
  };
  return "[" + bound(min, "-inf") + ", " + bound(max, "inf") + "]";
}

std::string ParamSpec::check(const ParamValue& value) const {
  ParamType got = type_of(value);
  bool type_ok = got == type || (type == ParamType::real && got == ParamType::integer) ||
                 (type == ParamType::real_list && got == ParamType::integer_list);
  if (!type_ok) {
    return "'" + name + "' must be " + to_string(type) + ", got " + to_string(got) + " " +
           format_value(value);
  }
  auto check_number = [&](double v) -> std::string {
    if (std::isnan(v) || (min && v < *min) || (max && v > *max)) {
      const bool integral = type == ParamType::integer || type == ParamType::integer_list;
      return "'" + name + "' = " + (integral ? std::to_string(static_cast<std::int64_t>(v)) : format_real(v)) +
             " is outside " + range_text();
    }
    return {};
  };
  auto check_choice = [&](const std::string& v) -> std::string {
    if (choices.empty()) return {};
    for (const auto& c : choices)
      if (c == v) return {};
    std::string allowed;
    for (const auto& c : choices) allowed += (allowed.empty() ? "" : ", ") + c;
    return "'" + name + "' = \"" + v + "\" is not one of: " + allowed;
  };
  std::string why;
  switch (value.index()) {
    case 1: why = check_number(static_cast<double>(std::get<1>(value))); break;
    case 2: why = check_number(std::get<2>(value)); break;
    case 3: why = check_choice(std::get<3>(value)); break;
    case 4:
      for (auto v : std::get<4>(value))
        if (why.empty()) why = check_number(static_cast<double>(v));
      break;
    case 5:
      for (auto v : std::get<5>(value))
        if (why.empty()) why = check_number(v);
      break;
    case 6:
      for (const auto& v : std::get<6>(value))
        if (why.empty()) why = check_choice(v);
      break;
    default: break;
  }
  return why;
}

Params Params::defaults(const std::vector<ParamSpec>& specs) {
  Params p;
  for (const auto& s : specs)
    if (s.default_value) p.values_[s.name] = *s.default_value;
  return p;
}

const ParamValue& Params::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::out_of_range("no parameter '" + name + "'");
  return it->second;
}

namespace {
template <class T>
const T& get_as(const Params& p, const std::string& name, const char* want) {
  const ParamValue& v = p.get(name);
  if (const T* t = std::get_if<T>(&v)) return *t;
  throw std::invalid_argument("parameter '" + name + "' is not " + want + ": " + format_value(v));
}
}  // namespace

bool Params::boolean(const std::string& name) const { return get_as<bool>(*this, name, "bool"); }
std::int64_t Params::integer(const std::string& name) const {
  return get_as<std::int64_t>(*this, name, "int");
}
double Params::real(const std::string& name) const {
  const ParamValue& v = get(name);
  if (auto i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return get_as<double>(*this, name, "float");
}
const std::string& Params::string(const std::string& name) const {
  return get_as<std::string>(*this, name, "string");
}
std::vector<std::int64_t> Params::integers(const std::string& name) const {
  return get_as<std::vector<std::int64_t>>(*this, name, "int list");
}
std::vector<double> Params::reals(const std::string& name) const {
  const ParamValue& v = get(name);
  if (auto i = std::get_if<std::vector<std::int64_t>>(&v)) return {i->begin(), i->end()};
  return get_as<std::vector<double>>(*this, name, "float list");
}
std::vector<std::string> Params::strings(const std::string& name) const {
  return get_as<std::vector<std::string>>(*this, name, "string list");
}

std::string Params::canonical() const {
  std::string out;
  for (const auto& [k, v] : values_) {
    if (!out.empty()) out += ';';
    out += k + "=" + format_value(v);
  }
  return out;
}

}  // namespace dflab
