#include "registry/plugin_loader.h"

#include <gtest/gtest.h>

#include "experiments/builtin_plugins.h"
#include "modalities/aggregators/aggregator.h"
#include "registry/registry.h"

namespace dflab {
namespace {

TEST(PluginLoader, LoadsSamplePluginAndRunsIt) {
  Registry reg = builtin_registry();
  EXPECT_EQ(load_plugin_library(SAMPLE_PLUGIN_PATH, reg), 1);
  const PluginInfo& info = reg.info(kind::aggregator, "geometric_mean");
  EXPECT_NE(info.source.find("libdflab_sample_plugin.so"), std::string::npos);
  auto agg = reg.create<Aggregator>(kind::aggregator, "geometric_mean", reg.defaults(kind::aggregator, "geometric_mean"));
  EXPECT_NEAR(agg->aggregate({0.25, 1.0}), 0.5, 1e-12);
  // Loading the same library again changes nothing and is not a duplicate error.
  EXPECT_EQ(load_plugin_library(SAMPLE_PLUGIN_PATH, reg), 0);
}

TEST(PluginLoader, WrongAbiVersionIsAClearError) {
  Registry reg;
  try {
    load_plugin_library(WRONG_ABI_PLUGIN_PATH, reg);
    FAIL() << "wrong ABI accepted";
  } catch (const PluginLoadError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(WRONG_ABI_PLUGIN_PATH), std::string::npos) << msg;
    EXPECT_NE(msg.find("ABI version 101"), std::string::npos) << msg;
  }
  EXPECT_TRUE(reg.list().empty());
}

TEST(PluginLoader, MissingEntrySymbolIsAClearError) {
  Registry reg;
  try {
    load_plugin_library(NO_ENTRY_PLUGIN_PATH, reg);
    FAIL();
  } catch (const PluginLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("missing entry symbol 'dflab_plugin_descriptor'"), std::string::npos)
        << e.what();
  }
}

TEST(PluginLoader, MissingFileAndNonLibrary) {
  Registry reg;
  EXPECT_THROW(load_plugin_library("/nonexistent/plugin.so", reg), PluginLoadError);
  // A file that is not a shared library: dlopen's own message comes through.
  try {
    load_plugin_library(DFLAB_SOURCE_DIR "/CMakeLists.txt", reg);
    FAIL();
  } catch (const PluginLoadError& e) {
    EXPECT_NE(std::string(e.what()).find("CMakeLists.txt"), std::string::npos);
  }
}

}  // namespace
}  // namespace dflab
