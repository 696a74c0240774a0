#pragma once
// NumPy .npy files (format 1.0) for float32 features: what `dflab audio features --npy` writes and
// what the tests read their fixtures from.
//
//   write_npy("mel.npy", mel);           // np.load gives float32 shape (n_rows, n_cols)
//   FeatureMatrix m = read_npy("ref.npy");

#include <cstdint>
#include <string>
#include <vector>

#include "modalities/audio/feature_matrix.h"

namespace dflab {

// Throws std::runtime_error naming the path when the file cannot be written.
void write_npy(const std::string& path, const FeatureMatrix& m);

// Reads a little-endian float32 or float64 C-ordered array of 1 or 2 dimensions (1-D → 1 row).
// Throws std::runtime_error naming the path for anything else or a truncated file.
FeatureMatrix read_npy(const std::string& path);

// Any number of dimensions (`dflab model forward` reads model inputs and writes outputs with these).
struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<float> data;   // C order, product of shape values
};
void write_npy_array(const std::string& path, const NpyArray& a);
NpyArray read_npy_array(const std::string& path);

}  // namespace dflab
