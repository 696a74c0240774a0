#include "registry/registry.h"

#include <gtest/gtest.h>

namespace dflab {
namespace {

struct Doubler : Plugin {
  explicit Doubler(const Params& p) : factor(p.integer("factor")) {}
  std::int64_t factor;
};
struct Other : Plugin {};

PluginInfo doubler_info(const std::string& name = "doubler") {
  return {kind::aggregator, name, "test plugin", {ParamSpec::integer("factor", 2, "factor").range(1, 10)}};
}

TEST(Registry, AddFindCreate) {
  Registry reg;
  reg.add<Doubler>(doubler_info());
  ASSERT_TRUE(reg.contains(kind::aggregator, "doubler"));
  EXPECT_EQ(reg.info(kind::aggregator, "doubler").doc, "test plugin");
  Params p = reg.defaults(kind::aggregator, "doubler");
  p.set("factor", std::int64_t{7});
  auto d = reg.create<Doubler>(kind::aggregator, "doubler", p);
  EXPECT_EQ(d->factor, 7);
  EXPECT_THROW(reg.create<Other>(kind::aggregator, "doubler", p), std::logic_error);
}

TEST(Registry, DuplicateNameIsAnError) {
  Registry reg;
  reg.add<Doubler>(doubler_info());
  try {
    reg.add<Doubler>(doubler_info());
    FAIL() << "duplicate accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("already registered"), std::string::npos);
  }
  // Same name under another kind is a different plugin.
  PluginInfo fusion = doubler_info();
  fusion.kind = kind::fusion;
  EXPECT_NO_THROW(reg.add<Doubler>(fusion));
}

TEST(Registry, RejectsUnknownKindAndBadDefaults) {
  Registry reg;
  PluginInfo bad = doubler_info();
  bad.kind = "detector";
  EXPECT_THROW(reg.add<Doubler>(bad), std::invalid_argument);
  PluginInfo bad_default = doubler_info();
  bad_default.params[0].default_value = std::int64_t{99};
  EXPECT_THROW(reg.add<Doubler>(bad_default), std::invalid_argument);
}

TEST(Registry, UnknownNameListsWhatExists) {
  Registry reg;
  reg.add<Doubler>(doubler_info("b_plugin"));
  reg.add<Doubler>(doubler_info("a_plugin"));
  try {
    reg.info(kind::aggregator, "c_plugin");
    FAIL();
  } catch (const UnknownPluginError& e) {
    EXPECT_STREQ(e.what(), "unknown aggregator plugin 'c_plugin' (registered: a_plugin, b_plugin)");
  }
  EXPECT_EQ(reg.names(kind::aggregator), (std::vector<std::string>{"a_plugin", "b_plugin"}));
}

TEST(Registry, CreateRefusesMissingParameters) {
  Registry reg;
  reg.add<Doubler>(doubler_info());
  EXPECT_THROW(reg.create_plugin(kind::aggregator, "doubler", Params{}), std::invalid_argument);
}

}  // namespace
}  // namespace dflab
