#include "registry/registry.h"

#include <algorithm>

namespace dflab {

const std::vector<std::string>& known_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k = {kind::face_detector, kind::audio_feature, kind::model,
                                  kind::fusion,        kind::augmentation,  kind::aggregator};
    std::sort(k.begin(), k.end());
    return k;
  }();
  return kinds;
}

const ParamSpec* PluginInfo::param(const std::string& param_name) const {
  for (const auto& p : params)
    if (p.name == param_name) return &p;
  return nullptr;
}

void Registry::add(PluginInfo info, PluginFactory factory) {
  const auto& kinds = known_kinds();
  if (std::find(kinds.begin(), kinds.end(), info.kind) == kinds.end())
    throw std::invalid_argument("plugin '" + info.name + "' has unknown kind '" + info.kind + "'");
  if (info.name.empty()) throw std::invalid_argument("a plugin of kind " + info.kind + " has no name");
  if (!factory) throw std::invalid_argument("plugin " + info.kind + "/" + info.name + " has no factory");
  for (std::size_t i = 0; i < info.params.size(); ++i) {
    const ParamSpec& s = info.params[i];
    for (std::size_t j = 0; j < i; ++j)
      if (info.params[j].name == s.name)
        throw std::invalid_argument("plugin " + info.kind + "/" + info.name +
                                    " declares parameter '" + s.name + "' twice");
    if (s.default_value) {
      std::string why = s.check(*s.default_value);
      if (!why.empty())
        throw std::invalid_argument("plugin " + info.kind + "/" + info.name + ": default " + why);
    }
  }
  if (!adding_source_.empty() && info.source == "builtin") info.source = adding_source_;
  auto key = std::make_pair(info.kind, info.name);
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    throw std::invalid_argument("plugin " + info.kind + "/" + info.name + " from " + info.source +
                                " is already registered (from " + it->second.info.source + ")");
  }
  entries_.emplace(std::move(key), Entry{std::move(info), std::move(factory)});
}

bool Registry::has_library(const std::string& path) const {
  return std::find(libraries_.begin(), libraries_.end(), path) != libraries_.end();
}

bool Registry::contains(const std::string& k, const std::string& name) const {
  return entries_.count({k, name}) != 0;
}

const PluginInfo* Registry::find(const std::string& k, const std::string& name) const {
  auto it = entries_.find({k, name});
  return it == entries_.end() ? nullptr : &it->second.info;
}

const PluginInfo& Registry::info(const std::string& k, const std::string& name) const {
  if (const PluginInfo* p = find(k, name)) return *p;
  std::string known;
  for (const auto& n : names(k)) known += (known.empty() ? "" : ", ") + n;
  throw UnknownPluginError("unknown " + k + " plugin '" + name + "' (registered: " +
                           (known.empty() ? std::string("none") : known) + ")");
}

std::vector<const PluginInfo*> Registry::list(const std::string& k) const {
  std::vector<const PluginInfo*> out;
  for (const auto& [key, entry] : entries_)   // std::map: already sorted by (kind, name)
    if (k.empty() || key.first == k) out.push_back(&entry.info);
  return out;
}

std::vector<std::string> Registry::names(const std::string& k) const {
  std::vector<std::string> out;
  for (const auto& [key, entry] : entries_)
    if (key.first == k) out.push_back(key.second);
  return out;
}

Params Registry::defaults(const std::string& k, const std::string& name) const {
  return Params::defaults(info(k, name).params);
}

std::unique_ptr<Plugin> Registry::create_plugin(const std::string& k, const std::string& name,
                                                const Params& params) const {
  info(k, name);   // throws a helpful error for an unknown name
  const Entry& e = entries_.at({k, name});
  for (const auto& spec : e.info.params) {
    if (!params.has(spec.name))
      throw std::invalid_argument(k + "/" + name + ": parameter '" + spec.name + "' is missing");
  }
  return e.factory(params);
}

}  // namespace dflab
