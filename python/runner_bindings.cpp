// dflab.run(toml_path) and dflab.predict(run, path): `dflab run --json` and `dflab predict` from
// Python, through the same load_experiment / run_experiment / predict_with_run calls. Each call
// builds its own registry, since an experiment's [plugins] may load more into it.
#include <signal.h>

#include <cstring>
#include <filesystem>
#include <iostream>

#include <pybind11/stl.h>

#include "experiments/builtin_plugins.h"
#include "experiments/experiment_config.h"
#include "experiments/runner.h"
#include "experiments/runner_json.h"
#include "experiments/store/run_store.h"
#include "python/bindings.h"
#include "registry/interrupt.h"

namespace dflab::python {

namespace {

extern "C" void request_stop(int signal) { request_interrupt(signal); }

// While the GIL is released Python cannot run its own SIGINT handler, so Ctrl-C would wait for the
// whole experiment. In the main thread, when SIGINT has Python's default meaning (KeyboardInterrupt;
// not ignored, not a handler of the program's own), this puts the CLI's behaviour in its place for
// the call: the work stops at its next safe point (registry/interrupt.h) and the call raises
// KeyboardInterrupt; Python's handler is restored afterwards.
class StopOnCtrlC {
 public:
  StopOnCtrlC() {
    const py::module_ threading = py::module_::import("threading");
    const py::module_ signal = py::module_::import("signal");
    active_ = threading.attr("current_thread")().is(threading.attr("main_thread")()) &&
              signal.attr("getsignal")(signal.attr("SIGINT")).is(signal.attr("default_int_handler"));
    if (!active_) return;
    clear_interrupt();
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = request_stop;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &previous_);
  }
  ~StopOnCtrlC() {
    if (!active_) return;
    sigaction(SIGINT, &previous_, nullptr);
    clear_interrupt();
  }
  StopOnCtrlC(const StopOnCtrlC&) = delete;
  StopOnCtrlC& operator=(const StopOnCtrlC&) = delete;

 private:
  bool active_ = false;
  struct sigaction previous_ {};
};

RunnerCallbacks stderr_callbacks(bool verbose) {
  RunnerCallbacks c;
  c.on_warning = [](const std::string& m) { std::cerr << "dflab: warning: " << m << std::endl; };
  if (verbose) c.on_stage = [](const std::string& s) { std::cerr << "== " << s << std::endl; };
  return c;
}

py::dict run(const std::string& toml_path, bool resume, int threads, bool verbose) {
  if (threads < 0) throw std::invalid_argument("threads must be >= 0, got " + std::to_string(threads));
  StopOnCtrlC stop;
  nlohmann::json doc;
  {
    py::gil_scoped_release no_gil;
    Registry registry = builtin_registry();
    ExperimentConfig exp = load_experiment(toml_path, registry);
    if (threads > 0) exp.experiment.set("threads", ParamValue{static_cast<std::int64_t>(threads)});
    RunnerOptions opt;
    opt.resume = resume;
    opt.version = DFLAB_VERSION;
    opt.callbacks = stderr_callbacks(verbose);
    doc = to_json(run_experiment(exp, registry, opt));
  }
  return to_python(doc);
}

PredictOutcome predict_videos(const std::string& run_ref, std::vector<std::string> videos, const std::string& db,
                              int threads, bool prior_on_error, bool verbose) {
  PredictRequest req;
  req.db = db.empty() ? store::default_db_path() : db;
  req.run = run_ref;
  req.videos = std::move(videos);
  req.threads = threads;
  req.prior_on_error = prior_on_error;
  req.callbacks = stderr_callbacks(verbose);
  StopOnCtrlC stop;
  py::gil_scoped_release no_gil;
  Registry registry = builtin_registry();
  return predict_with_run(registry, req);
}

// One path: its score, or an exception with the message the CLI prints (no number where the video
// could not be read). Several: one dict per video, in order, each with its status (`predict --json`).
py::object predict(const std::string& run_ref, const py::object& videos, const std::string& db, int threads,
                   const std::string& on_error, bool verbose) {
  if (on_error != "error" && on_error != "prior")
    throw std::invalid_argument("on_error must be 'error' or 'prior', got '" + on_error + "'");
  const bool prior = on_error == "prior";
  const py::module_ os = py::module_::import("os");
  if (py::isinstance<py::str>(videos) || py::hasattr(videos, "__fspath__")) {
    const std::string path = py::str(os.attr("fspath")(videos));
    const PredictOutcome r = predict_videos(run_ref, {path}, db, threads, prior, verbose);
    const PredictedVideo& v = r.videos.at(0);
    if (!v.score) raise_unreadable(path, v.message + " (" + v.status + "): not scored");
    if (v.status != "ok") {
      const std::string note = v.message + " (" + v.status + "): scored with " + v.substitute + " in its place";
      if (PyErr_WarnEx(PyExc_RuntimeWarning, note.c_str(), 1) != 0) throw py::error_already_set();
    }
    return py::float_(*v.score);
  }
  std::vector<std::string> paths;
  for (const auto& item : videos) paths.push_back(py::str(os.attr("fspath")(item)));
  if (paths.empty()) throw std::invalid_argument("no videos to score");
  const PredictOutcome r = predict_videos(run_ref, std::move(paths), db, threads, prior, verbose);
  py::list out;
  for (const PredictedVideo& v : r.videos) out.append(to_python(to_json(v)));
  return std::move(out);
}

}  // namespace

void add_runner(py::module_& m) {
  m.def("run", &run, py::arg("toml_path"), py::kw_only(), py::arg("resume") = false, py::arg("threads") = 0,
        py::arg("verbose") = false,
        R"(Run an experiment file: `dflab run TOML [--resume] [--threads N] --json`.

Returns the document the CLI prints with --json: {experiment, db, rows: [{name, kind, status,
val: {metric: value}, test: {...}, run_id, ...}], prediction_csv, warnings, preprocess_failed, ...}.
Warnings go to stderr as the CLI's; verbose=True also prints each stage. Raises ValueError listing
every problem of an invalid file (as `dflab check`), KeyboardInterrupt after Ctrl-C (finished work
is kept; continue with resume=True). Runs without the GIL.)");
  m.def("predict", &predict, py::arg("run"), py::arg("videos"), py::kw_only(), py::arg("db") = "",
        py::arg("threads") = 0, py::arg("on_error") = "error", py::arg("verbose") = false,
        R"(Score videos with a trained run of the store: `dflab predict --run RUN ...`.

run: "experiment/run", a run id or a unique run name; db: the store (default: $DFLAB_DB, else
runs/dflab.sqlite). With one path, returns its score P(fake) as a float, or raises
FileNotFoundError / RuntimeError with the CLI's message when it cannot be scored (a substitute such
as a centre crop gives a RuntimeWarning). With a list of paths, returns one dict per video in order,
as `predict --json`: {video, path, status, substitute, score (None when not scored), message}.
on_error="prior" gives unscorable videos the run's prior, marked in `substitute`.)");
}

}  // namespace dflab::python
