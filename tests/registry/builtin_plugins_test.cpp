// Built-in plugins must all be present in a statically linked binary: this test binary links the
// static dflab libraries exactly as the dflab executable does, and checks every expected name.
// When you add a built-in plugin, add its name here.
#include "experiments/builtin_plugins.h"

#include <gtest/gtest.h>

namespace dflab {
namespace {

TEST(BuiltinPlugins, EveryInTreePluginSurvivesStaticLinking) {
  const Registry reg = builtin_registry();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {kind::aggregator, "max"},       {kind::aggregator, "mean"},   {kind::aggregator, "median"},
      {kind::aggregator, "topk_mean"}, {kind::fusion, "max"},        {kind::fusion, "mean"},
      {kind::fusion, "weighted_mean"},
  };
  for (const auto& [k, name] : expected) EXPECT_TRUE(reg.contains(k, name)) << k << "/" << name;
}

TEST(BuiltinPlugins, EveryPluginBuildsFromItsDefaults) {
  const Registry reg = builtin_registry();
  for (const PluginInfo* info : reg.list()) {
    bool all_defaulted = true;
    for (const auto& s : info->params) all_defaulted = all_defaulted && s.default_value.has_value();
    if (!all_defaulted) continue;   // required parameters: covered by the plugin's own test
    EXPECT_NO_THROW(reg.create_plugin(info->kind, info->name, reg.defaults(info->kind, info->name)))
        << info->kind << "/" << info->name;
    EXPECT_FALSE(info->doc.empty()) << info->kind << "/" << info->name;
  }
}

}  // namespace
}  // namespace dflab
