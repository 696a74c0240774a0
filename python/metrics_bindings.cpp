// dflab.metrics.evaluate(labels, scores, ...) -> dict: every metric of metrics/binary_metrics.h, the
// "report" that `dflab score --json` prints, from the same evaluate() call.
#include <algorithm>
#include <cmath>
#include <limits>

#include <pybind11/numpy.h>

#include "metrics/binary_metrics.h"
#include "metrics/roc.h"
#include "python/bindings.h"

namespace dflab::python {

namespace {

// Labels as ints for evaluate(), which says what is wrong with any that is not 0 or 1. A label an
// int cannot hold unchanged (0.5, 2**40) is reported here in evaluate()'s words.
std::vector<int> label_vector(const py::handle& labels) {
  const py::array any = py::array::ensure(labels);
  if (!any) throw py::error_already_set();
  const char k = any.dtype().kind();
  std::vector<int> out;
  if (k == 'b' || k == 'i' || k == 'u') {
    const auto a = py::array_t<std::int64_t, py::array::forcecast>::ensure(any);
    for (py::ssize_t i = 0; i < a.size(); ++i) {
      const std::int64_t v = a.data()[i];
      if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
        throw std::invalid_argument("evaluate: label " + std::to_string(v) + " at index " + std::to_string(i) +
                                    " is not 0 (real) or 1 (fake)");
      out.push_back(static_cast<int>(v));
    }
    return out;
  }
  if (k == 'f') {
    const auto a = py::array_t<double, py::array::forcecast>::ensure(any);
    for (py::ssize_t i = 0; i < a.size(); ++i) {
      const double v = a.data()[i];
      if (v != 0.0 && v != 1.0)
        throw std::invalid_argument("evaluate: label " + std::string(py::repr(py::float_(v))) + " at index " +
                                    std::to_string(i) + " is not 0 (real) or 1 (fake)");
      out.push_back(static_cast<int>(v));
    }
    return out;
  }
  throw py::type_error("evaluate: labels must be numbers 0 (real) or 1 (fake), got an array of dtype " +
                       std::string(py::str(any.dtype())));
}

py::dict metrics_evaluate(const py::handle& labels, const py::handle& scores, double threshold, double target_fpr,
                          int bootstrap, std::uint64_t seed, bool dfdc_clip, double logloss_eps) {
  EvaluateOptions o;
  o.threshold = threshold;
  o.target_fpr = target_fpr;
  o.bootstrap_samples = bootstrap;
  o.seed = seed;
  o.dfdc_clip = dfdc_clip;
  o.logloss_eps = logloss_eps;
  const std::vector<int> y = label_vector(labels);
  const auto s = py::array_t<double, py::array::forcecast>::ensure(scores);
  if (!s) throw py::error_already_set();
  const std::vector<double> p(s.data(), s.data() + s.size());
  BinaryReport report;
  {
    py::gil_scoped_release no_gil;   // the bootstrap is the costly part
    report = evaluate(y, p, o);
  }
  return to_python(to_json(report));
}

py::array_t<double> double_array(const std::vector<double>& v) {
  py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::dict metrics_roc(const py::handle& labels, const py::handle& scores) {
  const std::vector<int> y = label_vector(labels);
  const auto s = py::array_t<double, py::array::forcecast>::ensure(scores);
  if (!s) throw py::error_already_set();
  const std::vector<double> p(s.data(), s.data() + s.size());
  RocCurve roc;
  try {
    roc = roc_curve(y, p);
  } catch (const std::domain_error& e) {
    throw std::invalid_argument(std::string("roc: ") + e.what());   // one class only
  }
  py::dict out;
  out["fpr"] = double_array(roc.fpr);
  out["tpr"] = double_array(roc.tpr);
  out["thresholds"] = double_array(roc.thresholds);
  out["auc"] = roc_auc(roc);
  return out;
}

}  // namespace

void add_metrics(py::module_& m) {
  py::module_ metrics = m.def_submodule("metrics", "Binary metrics of scores against labels");
  metrics.def("evaluate", &metrics_evaluate, py::arg("labels"), py::arg("scores"), py::kw_only(),
              py::arg("threshold") = 0.5, py::arg("target_fpr") = 1e-3, py::arg("bootstrap") = 1000,
              py::arg("seed") = 42, py::arg("dfdc_clip") = false, py::arg("logloss_eps") = 1e-15,
              R"(Every metric of labels (0 real / 1 fake) and scores (P(fake)): logloss, auc, tpr_at_fpr, tpr,
fpr, precision, recall, f1, accuracy, eer, eer_threshold, confusion counts and bootstrap intervals.

Returns the dict `dflab score --json` prints as "report": {n, n_positive, n_negative, options,
metrics: {name: value or None}, notes: {name: why}, metric_order}. Options are the CLI's
(--threshold, --target-fpr, --bootstrap, --seed, --dfdc-clip). Raises ValueError for labels that
are not 0/1, scores outside [0, 1] or not finite, different lengths or no samples.)");
  metrics.def("roc", &metrics_roc, py::arg("labels"), py::arg("scores"),
              R"(The ROC curve: {fpr, tpr, thresholds (numpy float64 arrays), auc}, one point per distinct
score plus (0, 0), as sklearn.metrics.roc_curve(drop_intermediate=False) (metrics/roc.h). Raises
ValueError for bad input or when only one class is present.)");
}

}  // namespace dflab::python
