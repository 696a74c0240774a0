#include "reports/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "reports/html.h"

namespace dflab::reports {

namespace {

constexpr const char* k_font = "font-family=\"sans-serif\"";
constexpr int k_legend_row = 18;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

// Tick label with as many decimals as the step needs.
std::string tick_label(double v, double step) {
  int decimals = 0;
  if (step > 0 && step < 1) decimals = static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  decimals = std::clamp(decimals, 0, 6);
  if (std::fabs(v) < step * 1e-6) v = 0.0;   // no "-0.0"
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

std::string log_tick_label(int exponent) {
  switch (exponent) {
    case 0: return "1";
    case 1: return "10";
    case 2: return "100";
    case -1: return "0.1";
    case -2: return "0.01";
    default: return "1e" + std::to_string(exponent);
  }
}

// Maps data values to pixels along one axis.
struct Scale {
  Axis axis;
  double from_px = 0, to_px = 0;   // pixel of axis.min and of axis.max
  double operator()(double v) const {
    double t;
    if (axis.log) {
      const double lo = std::log10(axis.min), hi = std::log10(axis.max);
      t = (std::log10(std::max(v, axis.min)) - lo) / (hi - lo);
    } else {
      t = (v - axis.min) / (axis.max - axis.min);
    }
    t = std::clamp(t, -0.02, 1.02);
    return from_px + t * (to_px - from_px);
  }
};

void check_axis(const Axis& a, const char* which) {
  if (!(a.max > a.min) || !std::isfinite(a.min) || !std::isfinite(a.max))
    throw std::invalid_argument(std::string("chart ") + which + " axis needs min < max");
  if (a.log && !(a.min > 0)) throw std::invalid_argument(std::string("chart ") + which + " log axis needs min > 0");
}

struct Tick {
  double value;
  std::string label;
};

std::vector<Tick> axis_ticks(const Axis& a) {
  std::vector<Tick> out;
  if (a.log) {
    const int lo = static_cast<int>(std::ceil(std::log10(a.min) - 1e-9));
    const int hi = static_cast<int>(std::floor(std::log10(a.max) + 1e-9));
    for (int e = lo; e <= hi; ++e) out.push_back({std::pow(10.0, e), log_tick_label(e)});
    return out;
  }
  auto ticks = nice_ticks(a.min, a.max);
  if (a.integer && ticks.size() > 1 && ticks[1] - ticks[0] < 1.0) ticks = nice_ticks(a.min, a.max, static_cast<int>(a.max - a.min) + 1);
  const double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  for (double t : ticks) out.push_back({t, tick_label(t, step)});
  return out;
}

void svg_open(std::ostringstream& out, const std::string& id, int width, int height, const std::string& title) {
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"" << html_escape(id) << "\" class=\"chart\" width=\""
      << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << ' ' << height << "\" role=\"img\">"
      << "<title>" << html_escape(title) << "</title>"
      << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"#ffffff\"/>";
  if (!title.empty())
    out << "<text x=\"" << width / 2 << "\" y=\"18\" text-anchor=\"middle\" " << k_font
        << " font-size=\"14\" font-weight=\"bold\" fill=\"#222\">" << html_escape(title) << "</text>";
}

// Axes frame, grid, ticks and labels of a plot area [left, left + pw] x [top, top + ph].
void draw_axes(std::ostringstream& out, const Scale& sx, const Scale& sy, double left, double top, double pw,
               double ph) {
  for (const Tick& t : axis_ticks(sx.axis)) {
    const double x = sx(t.value);
    out << "<line x1=\"" << num(x) << "\" y1=\"" << num(top) << "\" x2=\"" << num(x) << "\" y2=\"" << num(top + ph)
        << "\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>"
        << "<text x=\"" << num(x) << "\" y=\"" << num(top + ph + 15) << "\" text-anchor=\"middle\" " << k_font
        << " font-size=\"11\" fill=\"#444\">" << html_escape(t.label) << "</text>";
  }
  for (const Tick& t : axis_ticks(sy.axis)) {
    const double y = sy(t.value);
    out << "<line x1=\"" << num(left) << "\" y1=\"" << num(y) << "\" x2=\"" << num(left + pw) << "\" y2=\"" << num(y)
        << "\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>"
        << "<text x=\"" << num(left - 6) << "\" y=\"" << num(y + 4) << "\" text-anchor=\"end\" " << k_font
        << " font-size=\"11\" fill=\"#444\">" << html_escape(t.label) << "</text>";
  }
  out << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(pw) << "\" height=\"" << num(ph)
      << "\" fill=\"none\" stroke=\"#888\" stroke-width=\"1\"/>";
  out << "<text x=\"" << num(left + pw / 2) << "\" y=\"" << num(top + ph + 34) << "\" text-anchor=\"middle\" "
      << k_font << " font-size=\"12\" fill=\"#222\">" << html_escape(sx.axis.label) << "</text>";
  const double cy = top + ph / 2;
  out << "<text x=\"14\" y=\"" << num(cy) << "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " << num(cy)
      << ")\" " << k_font << " font-size=\"12\" fill=\"#222\">" << html_escape(sy.axis.label) << "</text>";
}

void legend_entry(std::ostringstream& out, double x, double y, const std::string& color, const std::string& text,
                  bool dashed, bool box) {
  if (box) {
    out << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 6) << "\" width=\"22\" height=\"12\" fill=\"" << color
        << "\" fill-opacity=\"0.55\" stroke=\"" << color << "\"/>";
  } else {
    out << "<line x1=\"" << num(x) << "\" y1=\"" << num(y) << "\" x2=\"" << num(x + 22) << "\" y2=\"" << num(y)
        << "\" stroke=\"" << color << "\" stroke-width=\"3\"" << (dashed ? " stroke-dasharray=\"6 3\"" : "")
        << "/>";
  }
  out << "<text class=\"legend\" x=\"" << num(x + 28) << "\" y=\"" << num(y + 4) << "\" " << k_font
      << " font-size=\"12\" fill=\"#222\">" << html_escape(text) << "</text>";
}

}  // namespace

std::vector<double> nice_ticks(double min, double max, int target_count) {
  if (!(max > min) || target_count < 2) return {min};
  const double raw = (max - min) / (target_count - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * mag;
  std::vector<double> out;
  const double first = std::ceil(min / step - 1e-9) * step;
  for (int i = 0; i < 1000; ++i) {
    const double v = first + i * step;
    if (v > max + step * 1e-9) break;
    out.push_back(v);
  }
  return out;
}

std::pair<double, double> nice_range(double min, double max, int target_count) {
  if (!std::isfinite(min) || !std::isfinite(max)) return {0.0, 1.0};
  if (max - min < 1e-12) {
    const double pad = std::max(std::fabs(min) * 0.1, 0.05);
    min -= pad;
    max += pad;
  }
  const double raw = (max - min) / (target_count - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1.0 : norm < 3.0 ? 2.0 : norm < 7.0 ? 5.0 : 10.0) * mag;
  return {std::floor(min / step + 1e-9) * step, std::ceil(max / step - 1e-9) * step};
}

const std::string& palette_color(std::size_t index) {
  static const std::vector<std::string> colors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return colors[index % colors.size()];
}

std::string line_chart_svg(const LineChart& chart) {
  check_axis(chart.x, "x");
  check_axis(chart.y, "y");
  const double left = 64, right = 18, top = 30;
  const double pw = chart.width - left - right, ph = chart.plot_height;
  const double legend_top = top + ph + 54;
  const int height = static_cast<int>(legend_top + chart.series.size() * k_legend_row + 6);
  const Scale sx{chart.x, left, left + pw};
  const Scale sy{chart.y, top + ph, top};
  const std::string clip = (chart.id.empty() ? std::string("chart") : chart.id) + "-clip";

  std::ostringstream out;
  svg_open(out, chart.id, chart.width, height, chart.title);
  draw_axes(out, sx, sy, left, top, pw, ph);
  out << "<defs><clipPath id=\"" << html_escape(clip) << "\"><rect x=\"" << num(left) << "\" y=\"" << num(top)
      << "\" width=\"" << num(pw) << "\" height=\"" << num(ph) << "\"/></clipPath></defs>";
  out << "<g clip-path=\"url(#" << html_escape(clip) << ")\">";
  if (chart.diagonal) {
    // y = x, sampled so it is straight on a linear axis and curved on a log one.
    out << "<polyline fill=\"none\" stroke=\"#aaaaaa\" stroke-width=\"1\" stroke-dasharray=\"4 4\" points=\"";
    const int n = chart.x.log ? 64 : 1;
    for (int i = 0; i <= n; ++i) {
      double v;
      if (chart.x.log) {
        const double lo = std::log10(chart.x.min), hi = std::log10(chart.x.max);
        v = std::pow(10.0, lo + (hi - lo) * i / n);
      } else {
        v = chart.x.min + (chart.x.max - chart.x.min) * i / n;
      }
      out << num(sx(v)) << ',' << num(sy(v)) << ' ';
    }
    out << "\"/>";
  }
  for (const LineSeries& s : chart.series) {
    const std::size_t n = std::min(s.x.size(), s.y.size());
    // Non-finite values break the line into segments. A point within a quarter pixel of the last
    // one drawn adds nothing visible and is left out (a ROC of 100k videos has 100k points).
    std::vector<std::string> segments(1);
    double last_px = -1e9, last_py = -1e9;
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        if (!segments.back().empty()) segments.emplace_back();
        last_px = last_py = -1e9;
        continue;
      }
      const double px = sx(s.x[i]), py = sy(s.y[i]);
      const bool last = i + 1 == n || !std::isfinite(s.x[i + 1]) || !std::isfinite(s.y[i + 1]);
      if (!last && std::fabs(px - last_px) < 0.25 && std::fabs(py - last_py) < 0.25) continue;
      segments.back() += num(px) + ',' + num(py) + ' ';
      last_px = px;
      last_py = py;
    }
    for (const std::string& pts : segments) {
      if (pts.empty()) continue;
      out << "<polyline fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\" stroke-opacity=\"0.85\" stroke-linejoin=\"round\""
          << (s.dashed ? " stroke-dasharray=\"6 3\"" : "") << " points=\"" << pts << "\"/>";
    }
    if (s.markers)
      for (std::size_t i = 0; i < n; ++i)
        if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
          out << "<circle cx=\"" << num(sx(s.x[i])) << "\" cy=\"" << num(sy(s.y[i])) << "\" r=\"3\" fill=\""
              << s.color << "\"/>";
  }
  out << "</g>";
  for (std::size_t i = 0; i < chart.series.size(); ++i) {
    const LineSeries& s = chart.series[i];
    legend_entry(out, left, legend_top + i * k_legend_row, s.color, s.name, s.dashed, false);
  }
  out << "</svg>";
  return out.str();
}

std::string histogram_svg(const HistogramChart& chart) {
  const int bins = std::max(1, chart.bins);
  auto fractions = [&](const std::vector<double>& scores) {
    std::vector<double> f(bins, 0.0);
    for (double s : scores) {
      if (!std::isfinite(s)) continue;
      const int b = std::clamp(static_cast<int>(std::floor(s * bins)), 0, bins - 1);
      f[b] += 1.0;
    }
    if (!scores.empty())
      for (double& v : f) v /= static_cast<double>(scores.size());
    return f;
  };
  const auto real = fractions(chart.real), fake = fractions(chart.fake);
  double peak = 0.0;
  for (int b = 0; b < bins; ++b) peak = std::max({peak, real[b], fake[b]});
  const double ymax = peak > 0 ? nice_range(0.0, peak, 5).second : 1.0;

  const double left = 56, right = 12, top = 30;
  const double pw = chart.width - left - right, ph = chart.plot_height;
  const double legend_top = top + ph + 54;
  const int height = static_cast<int>(legend_top + k_legend_row + 6);
  const Scale sx{{"score (probability of fake)", 0.0, 1.0, false}, left, left + pw};
  const Scale sy{{"fraction of class", 0.0, ymax, false}, top + ph, top};

  std::ostringstream out;
  svg_open(out, chart.id, chart.width, height, chart.title);
  draw_axes(out, sx, sy, left, top, pw, ph);
  auto bars = [&](const std::vector<double>& f, const char* color) {
    for (int b = 0; b < bins; ++b) {
      if (f[b] <= 0) continue;
      const double x0 = sx(static_cast<double>(b) / bins), x1 = sx(static_cast<double>(b + 1) / bins);
      const double y = sy(f[b]);
      out << "<rect x=\"" << num(x0) << "\" y=\"" << num(y) << "\" width=\"" << num(x1 - x0) << "\" height=\""
          << num(top + ph - y) << "\" fill=\"" << color << "\" fill-opacity=\"0.55\" stroke=\"" << color
          << "\" stroke-width=\"0.5\"/>";
    }
  };
  bars(real, "#1f77b4");
  bars(fake, "#d62728");
  if (chart.threshold) {
    const double x = sx(*chart.threshold);
    out << "<line x1=\"" << num(x) << "\" y1=\"" << num(top) << "\" x2=\"" << num(x) << "\" y2=\"" << num(top + ph)
        << "\" stroke=\"#222\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>";
  }
  legend_entry(out, left, legend_top, "#1f77b4", "real (n=" + std::to_string(chart.real.size()) + ")", false, true);
  legend_entry(out, left + pw / 2, legend_top, "#d62728", "fake (n=" + std::to_string(chart.fake.size()) + ")",
               false, true);
  out << "</svg>";
  return out.str();
}

std::string confusion_svg(const ConfusionChart& chart) {
  const double label_w = 92, cell_w = (chart.width - label_w - 12) / 2.0, cell_h = 58;
  const double top = 30, grid_top = top + 22;
  const int height = static_cast<int>(grid_top + 2 * cell_h + 26);
  std::ostringstream out;
  svg_open(out, chart.id, chart.width, height, chart.title);
  out << "<text x=\"" << num(label_w + cell_w / 2) << "\" y=\"" << num(grid_top - 8) << "\" text-anchor=\"middle\" "
      << k_font << " font-size=\"12\" fill=\"#222\">predicted real</text>"
      << "<text x=\"" << num(label_w + cell_w * 1.5) << "\" y=\"" << num(grid_top - 8)
      << "\" text-anchor=\"middle\" " << k_font << " font-size=\"12\" fill=\"#222\">predicted fake</text>";
  const std::uint64_t counts[2][2] = {{chart.tn, chart.fp}, {chart.fn, chart.tp}};
  const char* row_names[2] = {"actual real", "actual fake"};
  for (int r = 0; r < 2; ++r) {
    const double y = grid_top + r * cell_h;
    const std::uint64_t row_total = counts[r][0] + counts[r][1];
    out << "<text x=\"" << num(label_w - 8) << "\" y=\"" << num(y + cell_h / 2 + 4) << "\" text-anchor=\"end\" "
        << k_font << " font-size=\"12\" fill=\"#222\">" << row_names[r] << "</text>";
    for (int c = 0; c < 2; ++c) {
      const double x = label_w + c * cell_w;
      const double frac = row_total ? static_cast<double>(counts[r][c]) / row_total : 0.0;
      const bool correct = r == c;
      // Correct cells green, errors red; intensity = share of the row.
      const char* color = correct ? "#2ca02c" : "#d62728";
      out << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(cell_w) << "\" height=\""
          << num(cell_h) << "\" fill=\"" << color << "\" fill-opacity=\"" << num(0.08 + 0.6 * frac)
          << "\" stroke=\"#888\"/>";
      char pct[32];
      std::snprintf(pct, sizeof(pct), "%.1f%%", 100.0 * frac);
      out << "<text x=\"" << num(x + cell_w / 2) << "\" y=\"" << num(y + cell_h / 2 - 2)
          << "\" text-anchor=\"middle\" " << k_font << " font-size=\"16\" font-weight=\"bold\" fill=\"#111\">"
          << counts[r][c] << "</text>"
          << "<text x=\"" << num(x + cell_w / 2) << "\" y=\"" << num(y + cell_h / 2 + 15)
          << "\" text-anchor=\"middle\" " << k_font << " font-size=\"11\" fill=\"#333\">"
          << (row_total ? std::string(pct) + " of row" : std::string("no videos")) << "</text>";
    }
  }
  char thr[64];
  std::snprintf(thr, sizeof(thr), "fake when score \xE2\x89\xA5 %g", chart.threshold);
  out << "<text x=\"" << num(label_w) << "\" y=\"" << num(grid_top + 2 * cell_h + 18) << "\" " << k_font
      << " font-size=\"11\" fill=\"#444\">" << thr << "</text>";
  out << "</svg>";
  return out.str();
}

}  // namespace dflab::reports
