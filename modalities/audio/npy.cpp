#include "modalities/audio/npy.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <vector>

namespace dflab {

namespace {
constexpr char kMagic[] = "\x93NUMPY";
}

void write_npy_array(const std::string& path, const NpyArray& a) {
  std::string shape;
  for (const std::int64_t d : a.shape) shape += std::to_string(d) + ", ";
  if (a.shape.size() > 1) shape.resize(shape.size() - 2);   // (5,) keeps its comma, (3, 4) does not
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
  // Pad with spaces and a newline so magic + 2 + 2 + header is a multiple of 64 (the spec asks 16).
  const std::size_t unpadded = 6 + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(path + ": cannot create");
  out.write(kMagic, 6);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const std::uint16_t len = static_cast<std::uint16_t>(header.size());
  const unsigned char len_le[2] = {static_cast<unsigned char>(len & 0xff), static_cast<unsigned char>(len >> 8)};
  out.write(reinterpret_cast<const char*>(len_le), 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(a.data.data()), static_cast<std::streamsize>(a.data.size() * sizeof(float)));
  if (!out) throw std::runtime_error(path + ": write failed");
}

void write_npy(const std::string& path, const FeatureMatrix& m) {
  write_npy_array(path, {{m.n_rows, m.n_cols}, m.data});
}

namespace {

// The raw text of `key`'s value in the header dict ("'<f4'", "False", "(3, 4)"), or "" when absent.
// numpy writes the dict with repr(): single-quoted keys, a tuple for the shape.
std::string dict_value(const std::string& header, const std::string& key) {
  std::size_t i = header.find("'" + key + "'");
  if (i == std::string::npos) return "";
  i = header.find_first_not_of(" \t", i + key.size() + 2);
  if (i == std::string::npos || header[i] != ':') return "";
  i = header.find_first_not_of(" \t", i + 1);
  if (i == std::string::npos) return "";
  const char open = header[i];
  const char close = open == '(' ? ')' : open == '\'' ? '\'' : '\0';
  const std::size_t end = close ? header.find(close, i + 1) : header.find_first_of(",}", i);
  if (end == std::string::npos) return "";
  return header.substr(i, end - i + (close ? 1 : 0));
}

std::string trim(const std::string& s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// "(3, 4)" → {3, 4}; "(5,)" → {5}. Throws naming `path` for anything but non-negative integers.
std::vector<std::int64_t> parse_shape(const std::string& tuple, const std::string& path) {
  if (tuple.size() < 2 || tuple.front() != '(' || tuple.back() != ')')
    throw std::runtime_error(path + ": no shape tuple in the header");
  std::vector<std::int64_t> dims;
  const std::string inner = tuple.substr(1, tuple.size() - 2);
  std::size_t b = 0;
  while (b <= inner.size()) {
    std::size_t e = inner.find(',', b);
    if (e == std::string::npos) e = inner.size();
    std::string part = trim(inner.substr(b, e - b));
    if (!part.empty() && part.back() == 'L') part.pop_back();   // Python 2 longs: (3L, 4L)
    if (!part.empty()) {
      std::int64_t v = 0;
      for (const char c : part) {
        if (c < '0' || c > '9' || v > (std::numeric_limits<int>::max() - (c - '0')) / 10)
          throw std::runtime_error(path + ": bad dimension '" + part + "' in shape " + tuple);
        v = v * 10 + (c - '0');
      }
      dims.push_back(v);
    }
    b = e + 1;
  }
  return dims;
}

}  // namespace

NpyArray read_npy_array(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error(path + ": cannot open");
  const auto file_size = static_cast<std::uint64_t>(std::max<std::streamoff>(0, in.tellg()));
  in.seekg(0);
  char magic[6];
  unsigned char ver[2], len_bytes[4] = {0, 0, 0, 0};
  in.read(magic, 6);
  in.read(reinterpret_cast<char*>(ver), 2);
  if (!in || std::memcmp(magic, kMagic, 6) != 0) throw std::runtime_error(path + ": not a .npy file");
  // ref: numpy/lib/format.py: version 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one.
  if (ver[0] < 1 || ver[0] > 3)
    throw std::runtime_error(path + ": unsupported .npy format version " + std::to_string(ver[0]) + "." +
                             std::to_string(ver[1]));
  const std::uint64_t prefix = ver[0] == 1 ? 10 : 12;
  in.read(reinterpret_cast<char*>(len_bytes), ver[0] == 1 ? 2 : 4);
  const std::uint64_t header_len = len_bytes[0] | (len_bytes[1] << 8) | (std::uint64_t(len_bytes[2]) << 16) |
                                   (std::uint64_t(len_bytes[3]) << 24);
  // Checked against the file before allocating: a damaged length must not ask for gigabytes.
  if (!in || header_len > file_size - std::min(file_size, prefix))
    throw std::runtime_error(path + ": truncated header (" + std::to_string(header_len) + " bytes announced, " +
                             std::to_string(file_size) + "-byte file)");
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  if (!in) throw std::runtime_error(path + ": truncated header");
  const std::string descr = dict_value(header, "descr");
  static const char* const kAccepted[] = {"'<f4'", "'<f8'", "'=f4'", "'=f8'", "'|f4'", "'|f8'"};
  if (std::find(std::begin(kAccepted), std::end(kAccepted), descr) == std::end(kAccepted))
    throw std::runtime_error(path + ": only little-endian float32/float64 supported, header: " + header.substr(0, 200));
  const bool f64 = descr[3] == '8';
  if (dict_value(header, "fortran_order") == "True")
    throw std::runtime_error(path + ": Fortran-ordered arrays not supported");
  const std::string shape = dict_value(header, "shape");
  const std::vector<std::int64_t> dims = parse_shape(shape, path);
  const std::uint64_t item = f64 ? 8 : 4;
  const std::uint64_t available = file_size - prefix - header_len;
  // Checked against the bytes present before allocating; a damaged shape must not overflow either.
  std::uint64_t count = 1;
  bool overflow = false;
  for (const std::int64_t d : dims) {
    if (d > 0 && count > std::numeric_limits<std::uint64_t>::max() / item / static_cast<std::uint64_t>(d)) overflow = true;
    else count *= static_cast<std::uint64_t>(d);
  }
  if (overflow || count > available / item)
    throw std::runtime_error(path + ": truncated data (shape " + shape + " needs " +
                             (overflow ? std::string("more than 2^64") : std::to_string(count * item)) +
                             " bytes, the file has " + std::to_string(available) + ")");
  NpyArray out{dims, std::vector<float>(static_cast<std::size_t>(count))};
  if (f64) {
    std::vector<double> tmp(out.data.size());
    in.read(reinterpret_cast<char*>(tmp.data()), static_cast<std::streamsize>(tmp.size() * sizeof(double)));
    for (std::size_t i = 0; i < tmp.size(); ++i) out.data[i] = static_cast<float>(tmp[i]);
  } else {
    in.read(reinterpret_cast<char*>(out.data.data()), static_cast<std::streamsize>(out.data.size() * sizeof(float)));
  }
  if (!in) throw std::runtime_error(path + ": truncated data (shape " + shape + ")");
  return out;
}

FeatureMatrix read_npy(const std::string& path) {
  NpyArray a = read_npy_array(path);
  if (a.shape.empty() || a.shape.size() > 2) {
    std::string shape;
    for (const std::int64_t d : a.shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    throw std::runtime_error(path + ": need 1 or 2 dimensions, shape (" + shape + ")");
  }
  if (a.shape.front() > std::numeric_limits<int>::max() || a.shape.back() > std::numeric_limits<int>::max())
    throw std::runtime_error(path + ": too large for a feature matrix");
  FeatureMatrix out(a.shape.size() == 2 ? static_cast<int>(a.shape[0]) : 1, static_cast<int>(a.shape.back()));
  out.data = std::move(a.data);
  return out;
}

}  // namespace dflab
