// Fuzzes the generic CSV dataset reader (datasets/csv_dataset.h): path,label[,split] with an
// optional header naming any columns; either problem policy, media files not checked.
#include <cstdint>
#include <string>

#include "datasets/csv_dataset.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string path = dflab::fuzz::write_input(data + 1, size - 1, "labels.csv");
  dflab::ReadOptions options;
  options.policy = (mode & 1) ? dflab::ProblemPolicy::skip : dflab::ProblemPolicy::stop;
  options.check_files = false;
  try {
    dflab::read_csv_dataset(path, options);
  } catch (const dflab::ConfigError&) {
  }
  return 0;
}
