#pragma once
// What the fuzz targets share: the readers under test take paths, as dflab's commands do, so each
// input is written to a file in a private temp folder (made once per process, removed at exit)
// and the bytes reach exactly the code a user's file reaches.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     const std::string path = dflab::fuzz::write_input(data, size, "labels.csv");
//     try { read_csv_dataset(path); } catch (const dflab::ConfigError&) {}   // documented errors
//     return 0;
//   }
//
// Only the exceptions a reader documents are caught; anything else (std::out_of_range from a
// stray .at(), a bad_alloc from a size read out of the file) escapes and libFuzzer reports it.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace dflab::fuzz {

inline const std::string& temp_dir() {
  // Never destroyed (the exit handler below runs after static destructors).
  static const std::string& dir = *new std::string([] {
    const char* tmp = std::getenv("TMPDIR");
    std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/dflab-fuzz-XXXXXX";
    if (!mkdtemp(templ.data())) {
      std::perror("dflab fuzz: mkdtemp");
      std::abort();
    }
    return templ;
  }());
  static const bool cleanup = [] {
    return std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(temp_dir(), ec);
    }) == 0;
  }();
  (void)cleanup;
  return dir;
}

// Writes the input to `name` inside the temp folder (overwriting the previous one); returns its path.
inline std::string write_input(const std::uint8_t* data, std::size_t size, const std::string& name) {
  const std::string path = temp_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) {
    std::perror(("dflab fuzz: cannot write " + path).c_str());
    std::abort();
  }
  return path;
}

}  // namespace dflab::fuzz
