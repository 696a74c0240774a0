#include "registry/plugin_info_json.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace dflab {

namespace {

const char* path_role_name(PathRole role) {
  switch (role) {
    case PathRole::none: return "none";
    case PathRole::input_file: return "input_file";
    case PathRole::input_dir: return "input_dir";
    case PathRole::output: return "output";
  }
  return "none";
}

PathRole path_role_from(const std::string& s) {
  for (PathRole r : {PathRole::none, PathRole::input_file, PathRole::input_dir, PathRole::output})
    if (s == path_role_name(r)) return r;
  throw std::invalid_argument("unknown path role '" + s + "'");
}

ParamType param_type_from(const std::string& s) {
  for (ParamType t : {ParamType::boolean, ParamType::integer, ParamType::real, ParamType::string,
                      ParamType::integer_list, ParamType::real_list, ParamType::string_list})
    if (s == to_string(t)) return t;
  throw std::invalid_argument("unknown parameter type '" + s + "'");
}

// JSON has no infinities; a bound of ±inf is written as the string "inf" / "-inf".
nlohmann::json bound_json(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return v;
}

double bound_from(const nlohmann::json& j) {
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    throw std::invalid_argument("bad bound '" + s + "'");
  }
  return j.get<double>();
}

nlohmann::json value_json(const ParamValue& v) {
  return std::visit([](const auto& x) { return nlohmann::json(x); }, v);
}

ParamValue value_from(ParamType type, const nlohmann::json& j) {
  switch (type) {
    case ParamType::boolean: return j.get<bool>();
    case ParamType::integer: return j.get<std::int64_t>();
    case ParamType::real: return j.get<double>();
    case ParamType::string: return j.get<std::string>();
    case ParamType::integer_list: return j.get<std::vector<std::int64_t>>();
    case ParamType::real_list: return j.get<std::vector<double>>();
    case ParamType::string_list: return j.get<std::vector<std::string>>();
  }
  throw std::invalid_argument("unknown parameter type");
}

}  // namespace

nlohmann::json plugin_info_to_json(const PluginInfo& info) {
  nlohmann::json params = nlohmann::json::array();
  for (const ParamSpec& s : info.params) {
    nlohmann::json p = {{"name", s.name}, {"type", to_string(s.type)}, {"doc", s.doc}};
    if (s.default_value) p["default"] = value_json(*s.default_value);
    if (s.min) p["min"] = bound_json(*s.min);
    if (s.max) p["max"] = bound_json(*s.max);
    if (!s.choices.empty()) p["choices"] = s.choices;
    if (!s.unit.empty()) p["unit"] = s.unit;
    if (s.path != PathRole::none) p["path"] = path_role_name(s.path);
    params.push_back(std::move(p));
  }
  return {{"kind", info.kind}, {"name", info.name}, {"doc", info.doc}, {"params", params}};
}

PluginInfo plugin_info_from_json(const nlohmann::json& doc) {
  PluginInfo info;
  const std::string who = doc.is_object() ? doc.value("kind", "?") + "/" + doc.value("name", "?") : "?";
  try {
    info.kind = doc.at("kind").get<std::string>();
    info.name = doc.at("name").get<std::string>();
    info.doc = doc.at("doc").get<std::string>();
    for (const auto& p : doc.at("params")) {
      ParamSpec s;
      s.name = p.at("name").get<std::string>();
      s.type = param_type_from(p.at("type").get<std::string>());
      s.doc = p.at("doc").get<std::string>();
      if (p.contains("default")) s.default_value = value_from(s.type, p["default"]);
      if (p.contains("min")) s.min = bound_from(p["min"]);
      if (p.contains("max")) s.max = bound_from(p["max"]);
      if (p.contains("choices")) s.choices = p["choices"].get<std::vector<std::string>>();
      if (p.contains("unit")) s.unit = p["unit"].get<std::string>();
      if (p.contains("path")) s.path = path_role_from(p["path"].get<std::string>());
      info.params.push_back(std::move(s));
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("plugin declaration " + who + ": " + e.what());
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("plugin declaration " + who + ": " + e.what());
  }
  return info;
}

}  // namespace dflab
