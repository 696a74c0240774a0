// _core.Store(db): read access to the run store, the same records `dflab runs / show / leaderboard
// --json` print (experiments/store/store_json.h), plus long-format metric and prediction rows.
// dflab/__init__.py wraps it as dflab.Store, adding as_frame=True (pandas). One SQLite connection
// per object: use one Store per thread.
#include <optional>

#include <pybind11/stl.h>

#include "experiments/store/run_store.h"
#include "experiments/store/store_json.h"
#include "python/bindings.h"

namespace dflab::python {

namespace {

using namespace dflab::store;

class PyStore {
 public:
  explicit PyStore(const std::string& path) : store_(open(path)) {}

  const std::string& path() const { return store_.path(); }

  py::list runs(const std::optional<std::string>& experiment, const std::optional<std::string>& status) const {
    require_experiment(experiment);
    RunFilter filter;
    filter.experiment = experiment;
    if (status) filter.status = parse_run_status(*status);
    py::list out;
    for (const RunSummary& r : store_.list_runs(filter)) out.append(to_python(to_json(r)));
    return out;
  }

  py::dict run(const std::string& ref) const { return to_python(to_json(store_.get_run(store_.resolve_run(ref)))); }

  // One row per (split, source, metric); source "" is the whole split.
  py::list metrics(const std::string& ref, const std::optional<std::string>& split) const {
    const RunDetail d = store_.get_run(store_.resolve_run(ref));
    py::list out;
    for (const auto* rows : {&d.metrics, &d.source_metrics})
      for (const MetricRow& m : *rows) {
        if (split && m.split != *split) continue;
        py::dict row;
        row["run"] = d.run.id;
        row["split"] = m.split;
        row["source"] = m.source;
        row["name"] = m.name;
        row["value"] = m.value ? py::object(py::float_(*m.value)) : py::object(py::none());
        row["note"] = m.note;
        out.append(row);
      }
    return out;
  }

  // One row per (split, video), splits in name order.
  py::list predictions(const std::string& ref, const std::optional<std::string>& split) const {
    const RunId id = store_.resolve_run(ref);
    std::vector<std::string> splits;
    if (split) {
      splits.push_back(*split);
    } else {
      for (const auto& [s, n] : store_.get_run(id).prediction_counts) splits.push_back(s);
    }
    py::list out;
    for (const std::string& s : splits)
      for (const Prediction& p : store_.predictions(id, s)) {
        py::dict row;
        row["run"] = id;
        row["split"] = s;
        row["video"] = p.video;
        row["label"] = p.label ? py::object(py::int_(*p.label)) : py::object(py::none());
        row["score"] = p.score;
        out.append(row);
      }
    return out;
  }

  py::list leaderboard(const std::string& metric, const std::string& split,
                       const std::optional<std::string>& experiment) const {
    require_experiment(experiment);
    LeaderboardQuery q;
    q.metric = metric;
    q.split = split;
    q.experiment = experiment;
    return to_python(to_json(store_.leaderboard(q))["rows"]);
  }

 private:
  static RunStore open(const std::string& path) {
    StoreOptions options;
    options.create = false;   // as the CLI's read commands: a missing file is an error, not a new store
    try {
      return RunStore::open(path, options);
    } catch (const StoreError& e) {
      raise_unreadable(path, e.what());
    }
  }

  // As `dflab runs --experiment`: a name that is not there is an error listing those that are.
  void require_experiment(const std::optional<std::string>& name) const {
    if (name) store_.require_experiment(*name);
  }

  RunStore store_;
};

}  // namespace

void add_store(py::module_& m) {
  py::class_<PyStore>(m, "Store", "The SQLite run store, read only (see dflab.Store)")
      .def(py::init<const std::string&>(), py::arg("db"))
      .def_property_readonly("path", &PyStore::path)
      .def("runs", &PyStore::runs, py::arg("experiment") = py::none(), py::arg("status") = py::none())
      .def("run", &PyStore::run, py::arg("run"))
      .def("metrics", &PyStore::metrics, py::arg("run"), py::arg("split") = py::none())
      .def("predictions", &PyStore::predictions, py::arg("run"), py::arg("split") = py::none())
      .def("leaderboard", &PyStore::leaderboard, py::arg("metric") = "auc", py::arg("split") = "val",
           py::arg("experiment") = py::none());
}

}  // namespace dflab::python
