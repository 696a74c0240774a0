#include "registry/toml_params.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace dflab {

std::size_t first_invalid_utf8(const std::string& text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    // ref: Unicode 15, table 3-7 (well-formed UTF-8 byte sequences): the second byte's range
    // depends on the first; later bytes are 0x80-0xBF.
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;
    else return i;
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    i += len;
  }
  return std::string::npos;
}

toml::value parse_toml(const std::string& text, const std::string& file) {
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string::npos) {
    const std::size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const std::size_t column = line_start == std::string::npos || bad == 0 ? bad + 1 : bad - line_start;
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    throw ConfigError(file, line, std::string("not valid UTF-8 (byte ") + byte + " at column " +
                                      std::to_string(column) + "); TOML files must be UTF-8");
  }
  std::istringstream in(text);
  try {
    return toml::parse(in, file);
  } catch (const toml::syntax_error& e) {
    throw ConfigError(file, static_cast<int>(e.location().line()), "TOML syntax error:\n" + std::string(e.what()));
  } catch (const toml::exception& e) {
    throw ConfigError(file, static_cast<int>(e.location().line()), e.what());
  } catch (const std::exception& e) {   // anything else toml11 may throw while reading
    throw ConfigError(file, 0, e.what());
  }
}

std::string file_of(const toml::value& v) {
  std::string f = v.location().file_name();
  return f == "unknown file" ? std::string() : f;
}

int line_of(const toml::value& v) { return static_cast<int>(v.location().line()); }

namespace {

template <class T, class Convert>
bool convert_list(const toml::array& arr, std::vector<T>& out, Convert&& one) {
  out.clear();
  for (const auto& e : arr) {
    T t;
    if (!one(e, t)) return false;
    out.push_back(std::move(t));
  }
  return true;
}

const char* toml_type_name(const toml::value& v) {
  switch (v.type()) {
    case toml::value_t::boolean: return "bool";
    case toml::value_t::integer: return "int";
    case toml::value_t::floating: return "float";
    case toml::value_t::string: return "string";
    case toml::value_t::array: return "array";
    case toml::value_t::table: return "table";
    default: return "date/time";
  }
}

}  // namespace

bool toml_to_param(const toml::value& v, const ParamSpec& spec, ParamValue& out, std::string& why) {
  auto mismatch = [&]() {
    why = "'" + spec.name + "' must be " + to_string(spec.type) + ", got " + toml_type_name(v);
    if (v.is_array()) why += " with elements of another type";
    return false;
  };
  auto as_int = [](const toml::value& e, std::int64_t& t) {
    if (!e.is_integer()) return false;
    t = e.as_integer();
    return true;
  };
  auto as_real = [](const toml::value& e, double& t) {
    if (e.is_integer()) t = static_cast<double>(e.as_integer());
    else if (e.is_floating()) t = e.as_floating();
    else return false;
    return true;
  };
  auto as_string = [](const toml::value& e, std::string& t) {
    if (!e.is_string()) return false;
    t = e.as_string().str;
    return true;
  };
  switch (spec.type) {
    case ParamType::boolean:
      if (!v.is_boolean()) return mismatch();
      out = v.as_boolean();
      break;
    case ParamType::integer: {
      std::int64_t i;
      if (!as_int(v, i)) return mismatch();
      out = i;
      break;
    }
    case ParamType::real: {
      double d;
      if (!as_real(v, d)) return mismatch();
      out = d;
      break;
    }
    case ParamType::string: {
      std::string s;
      if (!as_string(v, s)) return mismatch();
      out = s;
      break;
    }
    case ParamType::integer_list: {
      std::vector<std::int64_t> l;
      if (!v.is_array() || !convert_list(v.as_array(), l, as_int)) return mismatch();
      out = l;
      break;
    }
    case ParamType::real_list: {
      std::vector<double> l;
      if (!v.is_array() || !convert_list(v.as_array(), l, as_real)) return mismatch();
      out = l;
      break;
    }
    case ParamType::string_list: {
      std::vector<std::string> l;
      if (!v.is_array() || !convert_list(v.as_array(), l, as_string)) return mismatch();
      out = l;
      break;
    }
  }
  why = spec.check(out);
  return why.empty();
}

Params params_from_toml(const std::string& who, const std::vector<ParamSpec>& specs,
                        const toml::value& table, Diagnostics& diags,
                        const std::vector<std::string>& reserved) {
  Params params = Params::defaults(specs);
  const std::string file = file_of(table);
  params.origin = file.empty() ? who : file + ":" + std::to_string(line_of(table));
  if (!table.is_table()) {
    diags.error(file, line_of(table), who + ": expected a table");
    return params;
  }
  auto find_spec = [&](const std::string& key) -> const ParamSpec* {
    for (const auto& s : specs)
      if (s.name == key) return &s;
    return nullptr;
  };
  auto allowed = [&]() {
    std::string names;
    for (const auto& s : specs) names += (names.empty() ? "" : ", ") + s.name;
    for (const auto& r : reserved) names += (names.empty() ? "" : ", ") + r;
    return names.empty() ? std::string("it takes no keys") : "allowed: " + names;
  };
  for (const auto& [key, value] : table.as_table()) {
    if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) continue;
    const ParamSpec* spec = find_spec(key);
    if (!spec) {
      diags.error(file_of(value), line_of(value), "unknown key '" + key + "' in " + who + " (" + allowed() + ")");
      continue;
    }
    ParamValue converted;
    std::string why;
    if (toml_to_param(value, *spec, converted, why)) params.set(key, std::move(converted));
    else diags.error(file_of(value), line_of(value), who + ": " + why);
  }
  for (const auto& s : specs) {
    if (!s.default_value && !table.as_table().count(s.name))
      diags.error(file, line_of(table), who + ": required key '" + s.name + "' (" + to_string(s.type) +
                                            ", " + s.doc + ") is missing");
  }
  return params;
}

Params params_from_toml(const PluginInfo& info, const toml::value& table, Diagnostics& diags,
                        const std::vector<std::string>& reserved) {
  return params_from_toml(info.kind + " '" + info.name + "'", info.params, table, diags, reserved);
}

}  // namespace dflab
