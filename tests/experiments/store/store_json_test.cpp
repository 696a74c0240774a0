// The JSON views of store records (experiments/store/store_json.h).
#include "experiments/store/store_json.h"

#include <gtest/gtest.h>

#include <cmath>

namespace dflab::store {
namespace {

// Found by tests/fuzz/store_json_fuzz: stored strings are bytes from the user's files and need
// not be UTF-8; dumping them threw nlohmann's type_error 316. They come out as U+FFFD now, and
// undefined values (NaN, inf) as null.
TEST(StoreJson, DumpReplacesBytesThatAreNotUtf8) {
  RunDetail d;
  d.run.name = "caf\xe9";                                   // Latin-1
  d.config_toml = "title = \"\xff\xfe\"\n# ok: caf\xC3\xA9\n";  // stray bytes; valid UTF-8 kept
  d.params = {{"k\x80", "v\xc3"}};                          // lone continuation, cut sequence
  d.metrics = {{"val", "auc", std::nan(""), "n\xe9"}, {"val", "f1", HUGE_VAL, ""}};
  const std::string text = dump_json(to_json(d));
  const auto doc = nlohmann::json::parse(text);   // valid JSON, valid UTF-8
  EXPECT_EQ(doc["run"]["name"], "caf\xEF\xBF\xBD");
  EXPECT_EQ(doc["config_toml"], "title = \"\xEF\xBF\xBD\xEF\xBF\xBD\"\n# ok: caf\xC3\xA9\n");
  EXPECT_EQ(doc["params"]["k\xEF\xBF\xBD"], "v\xEF\xBF\xBD");
  EXPECT_TRUE(doc["metrics"]["val"]["auc"].is_null());
  EXPECT_TRUE(doc["metrics"]["val"]["f1"].is_null());
  EXPECT_EQ(doc["notes"]["val"]["auc"], "n\xEF\xBF\xBD");
  EXPECT_EQ(dump_json(nlohmann::json{{"a", 1}}, -1), "{\"a\":1}");
}

}  // namespace
}  // namespace dflab::store
