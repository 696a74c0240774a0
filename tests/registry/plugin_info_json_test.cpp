// registry/plugin_info_json.h: a plugin's declaration survives JSON whole; the model catalog the
// build writes (modalities/models/model_catalog.h) is exactly what the model plugins declare.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "experiments/builtin_plugins.h"
#include "modalities/models/model_catalog.h"
#include "modalities/models/register_models.h"
#include "registry/plugin_info_json.h"

namespace dflab {
namespace {

void expect_same(const PluginInfo& a, const PluginInfo& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.doc, b.doc);
  ASSERT_EQ(a.params.size(), b.params.size()) << a.name;
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    const ParamSpec& x = a.params[i];
    const ParamSpec& y = b.params[i];
    const std::string where = a.kind + "/" + a.name + "." + x.name;
    EXPECT_EQ(x.name, y.name) << where;
    EXPECT_EQ(x.type, y.type) << where;
    EXPECT_EQ(x.default_value, y.default_value) << where;   // the variant: type and value
    EXPECT_EQ(x.doc, y.doc) << where;
    EXPECT_EQ(x.min, y.min) << where;
    EXPECT_EQ(x.max, y.max) << where;
    EXPECT_EQ(x.choices, y.choices) << where;
    EXPECT_EQ(x.unit, y.unit) << where;
    EXPECT_EQ(x.path, y.path) << where;
  }
}

TEST(PluginInfoJson, EveryBuiltinPluginSurvivesTheRoundTrip) {
  const Registry registry = builtin_registry();
  int n = 0;
  for (const PluginInfo* info : registry.list()) {
    expect_same(*info, plugin_info_from_json(plugin_info_to_json(*info)));
    ++n;
  }
  EXPECT_GT(n, 50);
}

TEST(PluginInfoJson, InfiniteBoundsRequiredParamsAndPathRolesSurvive) {
  PluginInfo info{kind::model, "toy", "a toy", {}};
  info.params.push_back(ParamSpec::real("gain", 0.5, "gain").range(-std::numeric_limits<double>::infinity(),
                                                                   std::numeric_limits<double>::infinity()));
  info.params.push_back(ParamSpec::required("weights", ParamType::string, "a file").as_path(PathRole::input_file));
  info.params.push_back(ParamSpec::reals("mean", {0.485, 0.456, 0.406}, "per channel"));
  info.params.push_back(ParamSpec::integer("size", 224, "px").range(32, std::nullopt).with_unit("px"));
  info.params.push_back(ParamSpec::real("whole", 1.0, "a real with an integral value stays real"));
  const PluginInfo back = plugin_info_from_json(plugin_info_to_json(info));
  expect_same(info, back);
  EXPECT_TRUE(std::isinf(*back.params[0].min) && *back.params[0].min < 0);
  EXPECT_FALSE(back.params[1].default_value.has_value());
  EXPECT_TRUE(std::holds_alternative<double>(*back.params[4].default_value));
}

TEST(PluginInfoJson, ADocumentItDidNotWriteIsRefusedNamingThePlugin) {
  nlohmann::json doc = plugin_info_to_json({kind::model, "toy", "a toy", {ParamSpec::integer("n", 3, "count")}});
  doc["params"][0]["type"] = "complex";
  try {
    plugin_info_from_json(doc);
    FAIL() << "accepted an unknown type";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("model/toy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("complex"), std::string::npos) << e.what();
  }
  doc = plugin_info_to_json({kind::model, "toy", "a toy", {ParamSpec::integer("n", 3, "count")}});
  doc["params"][0]["default"] = "three";
  EXPECT_THROW(plugin_info_from_json(doc), std::invalid_argument);
}

TEST(ModelCatalog, IsWhatTheModelPluginsDeclare) {
  Registry models;
  register_model_plugins(models);
  const std::vector<PluginInfo> catalog = model_catalog();
  const auto declared = models.list(kind::model);
  ASSERT_EQ(catalog.size(), declared.size());
  for (std::size_t i = 0; i < catalog.size(); ++i) expect_same(*declared[i], catalog[i]);
}

}  // namespace
}  // namespace dflab
