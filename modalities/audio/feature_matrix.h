#pragma once
// A 2-D float feature: rows are features (frequency bins, mel bands, coefficients), columns are
// frames — the (n_features, n_frames) layout of librosa, row-major like a C-ordered numpy array.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace dflab {

struct FeatureMatrix {
  int n_rows = 0;             // features
  int n_cols = 0;             // frames
  std::vector<float> data;    // [n_rows][n_cols]

  FeatureMatrix() = default;
  FeatureMatrix(int rows, int cols, float fill = 0.0f)
      : n_rows(rows), n_cols(cols), data(static_cast<std::size_t>(rows) * cols, fill) {
    if (rows < 0 || cols < 0) throw std::invalid_argument("FeatureMatrix: negative shape");
  }

  float& at(int r, int c) { return data[static_cast<std::size_t>(r) * n_cols + c]; }
  float at(int r, int c) const { return data[static_cast<std::size_t>(r) * n_cols + c]; }
  float* row(int r) { return data.data() + static_cast<std::size_t>(r) * n_cols; }
  const float* row(int r) const { return data.data() + static_cast<std::size_t>(r) * n_cols; }
  bool empty() const { return data.empty(); }
  std::string shape_text() const { return std::to_string(n_rows) + "x" + std::to_string(n_cols); }
};

}  // namespace dflab
