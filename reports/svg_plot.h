#pragma once
// Our own small SVG charts for the HTML report and `--figures DIR`: line charts (ROC, training
// curves) with linear or log10 axes, per-class score histograms and a 2x2 confusion matrix.
// Each function returns one self-contained <svg> element (xmlns set, no external fonts, styles
// inline) that works inline in HTML and as a standalone .svg file.
//
//   LineChart roc;
//   roc.id = "fig-roc"; roc.title = "ROC (val)";
//   roc.x = {"false positive rate", 0, 1}; roc.y = {"true positive rate", 0, 1};
//   roc.diagonal = true;
//   roc.series.push_back({"video-effnet (AUC 0.9312)", "#1f77b4", fpr, tpr});
//   std::string svg = line_chart_svg(roc);
//
// Legends go below the plot area, one entry per row, so long run names never cover a curve.
// Every text comes in raw and is escaped here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dflab::reports {

struct Axis {
  std::string label{};
  double min = 0.0, max = 1.0;
  bool log = false;   // log10 scale (min > 0); values at or below min are drawn at min
  bool integer = false;   // ticks at whole numbers only (epochs)
};

struct LineSeries {
  std::string name{};    // legend text
  std::string color{};   // CSS colour, e.g. "#1f77b4"
  std::vector<double> x{}, y{};
  bool dashed = false;
  bool markers = false;  // a dot at every point (curves of a few epochs)
};

struct LineChart {
  std::string id{};      // id of the <svg> element
  std::string title{};
  Axis x{}, y{};
  std::vector<LineSeries> series{};
  bool diagonal = false;     // the y = x chance line of a ROC chart
  int width = 640;           // pixels
  int plot_height = 360;     // pixels of the plot area; the legend adds rows below
};

struct HistogramChart {
  std::string id{}, title{};
  std::vector<double> real{}, fake{};  // scores in [0, 1] of each class
  int bins = 20;
  std::optional<double> threshold{};   // drawn as a dashed vertical line
  int width = 380, plot_height = 190;
};

struct ConfusionChart {
  std::string id{}, title{};
  std::uint64_t tp = 0, fp = 0, tn = 0, fn = 0;   // positive = fake
  double threshold = 0.5;
  int width = 300;
};

std::string line_chart_svg(const LineChart& chart);
// Bars are the fraction of each class's videos per bin, so unbalanced classes compare.
std::string histogram_svg(const HistogramChart& chart);
// Rows: actual real / fake; columns: predicted real / fake; cells shaded by the row fraction.
std::string confusion_svg(const ConfusionChart& chart);

// "Nice" tick values (steps of 1, 2 or 5 times a power of ten) covering [min, max].
std::vector<double> nice_ticks(double min, double max, int target_count = 6);
// [min, max] widened to the nice ticks around the data range (for a y axis fitted to data).
std::pair<double, double> nice_range(double min, double max, int target_count = 6);

// A categorical palette of 10 colours (matplotlib's tab10); index wraps around.
const std::string& palette_color(std::size_t index);

}  // namespace dflab::reports
