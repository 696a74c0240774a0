// Fuzzes the DFDC metadata.json reader (datasets/dfdc.h): JSON syntax errors with their line,
// entries of every shape, labels, splits and `original` pairs; either problem policy.
#include <cstdint>
#include <string>

#include "datasets/dfdc.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string path = dflab::fuzz::write_input(data + 1, size - 1, "metadata.json");
  dflab::ReadOptions options;
  options.policy = (mode & 1) ? dflab::ProblemPolicy::skip : dflab::ProblemPolicy::stop;
  options.check_files = false;
  try {
    dflab::read_dfdc_metadata(path, options);
  } catch (const dflab::ConfigError&) {
  }
  return 0;
}
