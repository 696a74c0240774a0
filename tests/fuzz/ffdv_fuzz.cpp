// Fuzzes the FFDV list reader (datasets/ffdv.h): the bytes are a label file (video_name,target)
// or an unlabelled list (video_name[,score]); read with either problem policy. Media files are not
// checked (the reader's check_files = false), so only the list's text matters.
#include <cstdint>
#include <string>

#include "datasets/ffdv.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string path = dflab::fuzz::write_input(data + 1, size - 1, "valset_label.txt");
  dflab::ReadOptions options;
  options.policy = (mode & 1) ? dflab::ProblemPolicy::skip : dflab::ProblemPolicy::stop;
  options.check_files = false;
  try {
    dflab::read_ffdv_list(path, "val", /*labeled=*/(mode & 2) != 0, "", options);
  } catch (const dflab::ConfigError&) {   // bad rows under ProblemPolicy::stop
  }
  return 0;
}
