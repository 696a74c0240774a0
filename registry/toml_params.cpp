#include "registry/toml_params.h"

#include <algorithm>

namespace dflab {

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
