// Fuzzes the prediction-file reader behind `dflab score` (datasets/predictions.h): FFDV
// video_name,score and DFDC filename,label lists; either problem policy.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "datasets/predictions.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string path = dflab::fuzz::write_input(data + 1, size - 1, "prediction.csv");
  const auto policy = (mode & 1) ? dflab::ProblemPolicy::skip : dflab::ProblemPolicy::stop;
  try {
    const dflab::PredictionList p = dflab::read_predictions(path, policy);
    for (const auto& x : p.items)   // what the header promises
      if (!std::isfinite(x.score) || x.score < 0 || x.score > 1 || x.id.empty()) std::abort();
  } catch (const dflab::ConfigError&) {
  }
  return 0;
}
