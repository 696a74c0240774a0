#pragma once
// Loads tests/metrics/fixtures/binary_cases.json (made by fixtures/make_fixtures.py).

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace dflab::test {

inline const nlohmann::json& metric_fixtures() {
  static const nlohmann::json j = [] {
    const std::string path = std::string(DFLAB_TEST_DATA_DIR) + "/metrics/fixtures/binary_cases.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open fixture " + path);
    return nlohmann::json::parse(in);
  }();
  return j;
}

inline const nlohmann::json& fixture_case(const std::string& name) {
  for (const auto& c : metric_fixtures().at("cases"))
    if (c.at("name") == name) return c;
  throw std::runtime_error("no fixture case " + name);
}

}  // namespace dflab::test
