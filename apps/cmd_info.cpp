// dflab info [--json]: versions of dflab and every library it runs on, threads, BLAS, CUDA.
#include <fftw3.h>
#include <sqlite3.h>
#include <sndfile.h>

#include <fstream>
#include <iostream>
#include <thread>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}
#include <opencv2/core/version.hpp>

#include "apps/cli.h"
#include "apps/command_libraries.h"
#include "experiments/torch_runtime.h"

namespace dflab::cli {

namespace {

// Which shared library libblas.so.3 resolves to in this process (OpenBLAS vs reference BLAS
// makes a ~12x difference to matrix products).
std::string blas_library() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    auto pos = line.find('/');
    if (pos == std::string::npos) continue;
    std::string path = line.substr(pos);
    if (path.find("libblas") != std::string::npos || path.find("libopenblas") != std::string::npos)
      return path;
  }
  return "not loaded";
}

int run_info(bool json) {
  const TorchRuntime torch = torch_runtime();
  char sndfile_version[128];
  sf_command(nullptr, SFC_GET_LIB_VERSION, sndfile_version, sizeof(sndfile_version));
  nlohmann::json doc = {
      {"dflab", DFLAB_VERSION},
      {"hardware_threads", std::thread::hardware_concurrency()},
      {"torch", {{"version", torch.version},
                 {"intra_op_threads", torch.intra_op_threads},
                 {"cuda_available", torch.cuda_available},
                 {"cuda_devices", torch.cuda_devices}}},
      {"blas", blas_library()},
      {"opencv", CV_VERSION},
      {"libavformat", AV_STRINGIFY(LIBAVFORMAT_VERSION)},
      {"libavcodec", AV_STRINGIFY(LIBAVCODEC_VERSION)},
      {"fftw", std::string(fftwf_version)},
      {"sqlite", std::string(sqlite3_libversion())},
      {"sndfile", std::string(sndfile_version)},
  };
  if (json) {
    print_json(doc);
    return exit_ok;
  }
  for (const auto& [k, v] : doc.items()) {
    if (v.is_object()) {
      for (const auto& [k2, v2] : v.items())
        std::cout << k << "." << k2 << ": " << (v2.is_string() ? v2.get<std::string>() : v2.dump()) << "\n";
    } else {
      std::cout << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
    }
  }
  return exit_ok;
}

}  // namespace

void add_info_command(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("info", command_description("info"));
  auto json = std::make_shared<bool>(false);
  add_json_flag(cmd, *json);
  cmd->callback([&ctx, json] { ctx.action = [json] { return run_info(*json); }; });
}

}  // namespace dflab::cli
