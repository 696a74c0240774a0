#pragma once
// The plugin registry: named plugins of several kinds, each with a one-line doc and declared
// parameters, built from validated Params.
//
//   Registry reg;
//   reg.add<MeanAggregator>({kind::aggregator, "mean", "mean of frame scores", {}});
//   auto agg = reg.create<Aggregator>(kind::aggregator, "mean", reg.defaults(kind::aggregator, "mean"));
//
// A duplicate (kind, name) is an error; an unknown name throws with the list of what exists.
// Built-in plugins are added by one explicit list (experiments/builtin_plugins.cpp), so static
// linking cannot drop them; runtime plugins come from shared libraries (registry/plugin_loader.h).

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "registry/params.h"

namespace dflab {

namespace kind {
inline constexpr const char* face_detector = "face_detector";
inline constexpr const char* audio_feature = "audio_feature";
inline constexpr const char* model = "model";
inline constexpr const char* fusion = "fusion";
inline constexpr const char* augmentation = "augmentation";
inline constexpr const char* aggregator = "aggregator";
}  // namespace kind

// Every kind the registry accepts, sorted.
const std::vector<std::string>& known_kinds();

// Base of every plugin object; each kind has its own interface deriving from this.
class Plugin {
 public:
  virtual ~Plugin() = default;
};

struct PluginInfo {
  std::string kind;
  std::string name;
  std::string doc;                 // one line
  std::vector<ParamSpec> params;
  std::string source = "builtin";  // or the path of the shared library that added it

  const ParamSpec* param(const std::string& param_name) const;
};

using PluginFactory = std::function<std::unique_ptr<Plugin>(const Params&)>;

class UnknownPluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Registry {
 public:
  // Throws std::invalid_argument on an unknown kind, an empty name or a duplicate (kind, name).
  void add(PluginInfo info, PluginFactory factory);

  template <class Impl>
  void add(PluginInfo info) {
    add(std::move(info), [](const Params& p) -> std::unique_ptr<Plugin> {
      return std::make_unique<Impl>(p);
    });
  }

  bool contains(const std::string& kind, const std::string& name) const;
  const PluginInfo* find(const std::string& kind, const std::string& name) const;
  // Like find, but throws UnknownPluginError naming the kind and every plugin of it.
  const PluginInfo& info(const std::string& kind, const std::string& name) const;
  // Sorted by kind then name; an empty kind lists all.
  std::vector<const PluginInfo*> list(const std::string& kind = "") const;
  std::vector<std::string> names(const std::string& kind) const;

  Params defaults(const std::string& kind, const std::string& name) const;
  std::unique_ptr<Plugin> create_plugin(const std::string& kind, const std::string& name,
                                        const Params& params) const;

  // Builds the plugin and checks it implements Interface.
  // While a SourceScope lives, plugins added without a source are marked as coming from `source`
  // (the loader uses it so `dflab plugins` can say which .so added what).
  class SourceScope {
   public:
    SourceScope(Registry& r, std::string source) : r_(r), previous_(std::move(r.adding_source_)) {
      r_.adding_source_ = std::move(source);
    }
    ~SourceScope() { r_.adding_source_ = std::move(previous_); }
    SourceScope(const SourceScope&) = delete;
    SourceScope& operator=(const SourceScope&) = delete;

   private:
    Registry& r_;
    std::string previous_;
  };
  bool has_library(const std::string& path) const;
  void add_library(const std::string& path) { libraries_.push_back(path); }
  const std::vector<std::string>& libraries() const { return libraries_; }

  template <class Interface>
  std::unique_ptr<Interface> create(const std::string& kind, const std::string& name,
                                    const Params& params) const {
    std::unique_ptr<Plugin> p = create_plugin(kind, name, params);
    auto* typed = dynamic_cast<Interface*>(p.get());
    if (!typed) throw std::logic_error("plugin " + kind + "/" + name + " has the wrong interface");
    p.release();
    return std::unique_ptr<Interface>(typed);
  }

 private:
  struct Entry {
    PluginInfo info;
    PluginFactory factory;
  };
  std::map<std::pair<std::string, std::string>, Entry> entries_;
  std::string adding_source_;
  std::vector<std::string> libraries_;
};

}  // namespace dflab
