#pragma once
// What `dflab predict` and `dflab av sync` show while the runner works: a "== stage" line per
// stage, warnings as "dflab: warning: ...", and a bar with ETA over the files being preprocessed.
//
//   std::unique_ptr<ProgressBar> bar;
//   req.callbacks = stage_lines_and_preprocess_bar(bar);
//   run(req);  if (bar) bar->finish();

#include <iostream>
#include <memory>

#include "apps/cli.h"
#include "apps/progress.h"
#include "experiments/runner.h"

namespace dflab::cli {

inline RunnerCallbacks stage_lines_and_preprocess_bar(std::unique_ptr<ProgressBar>& bar) {
  RunnerCallbacks c;
  c.on_stage = [&bar](const std::string& s) {
    if (bar) bar->finish();
    bar.reset();
    std::cerr << "== " << s << "\n";
  };
  c.on_warning = [](const std::string& m) { warn(m); };
  c.on_preprocess = [&bar](std::size_t done, std::size_t total, const VideoPrep&) {
    if (!bar) bar = std::make_unique<ProgressBar>("preprocess", total);
    bar->tick();
    if (done == total) bar->finish();
  };
  return c;
}

}  // namespace dflab::cli
