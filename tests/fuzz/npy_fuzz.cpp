// Fuzzes the .npy reader (modalities/audio/npy.h): magic, version, header dict, shape and data.
// read_npy documents std::runtime_error naming the path for anything it cannot read.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "fuzz_input.h"
#include "modalities/audio/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = dflab::fuzz::write_input(data, size, "feature.npy");
  try {
    const dflab::FeatureMatrix m = dflab::read_npy(path);
    if (m.data.size() != static_cast<std::size_t>(m.n_rows) * static_cast<std::size_t>(m.n_cols)) std::abort();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
