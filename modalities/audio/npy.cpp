#include "modalities/audio/npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <vector>

namespace dflab {

namespace {
constexpr char kMagic[] = "\x93NUMPY";
}

void write_npy(const std::string& path, const FeatureMatrix& m) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(m.n_rows) +
                       ", " + std::to_string(m.n_cols) + "), }";
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
  out.write(reinterpret_cast<const char*>(m.data.data()), static_cast<std::streamsize>(m.data.size() * sizeof(float)));
  if (!out) throw std::runtime_error(path + ": write failed");
}

FeatureMatrix read_npy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  char magic[6];
  unsigned char ver[2], len_bytes[4] = {0, 0, 0, 0};
  in.read(magic, 6);
  in.read(reinterpret_cast<char*>(ver), 2);
  if (!in || std::memcmp(magic, kMagic, 6) != 0) throw std::runtime_error(path + ": not a .npy file");
  std::size_t header_len;
  if (ver[0] == 1) {
    in.read(reinterpret_cast<char*>(len_bytes), 2);
    header_len = len_bytes[0] | (len_bytes[1] << 8);
  } else {
    in.read(reinterpret_cast<char*>(len_bytes), 4);
    header_len = len_bytes[0] | (len_bytes[1] << 8) | (len_bytes[2] << 16) | (std::size_t(len_bytes[3]) << 24);
  }
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  if (!in) throw std::runtime_error(path + ": truncated header");
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([<|=]f[48])'")))
    throw std::runtime_error(path + ": only little-endian float32/float64 supported, header: " + header);
  const bool f64 = m[1].str().back() == '8';
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True")))
    throw std::runtime_error(path + ": Fortran-ordered arrays not supported");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    throw std::runtime_error(path + ": no shape in header");
  std::vector<long long> dims;
  const std::string shape = m[1].str();
  const std::regex digits("\\d+");
  for (std::sregex_iterator it(shape.begin(), shape.end(), digits), end; it != end; ++it)
    dims.push_back(std::stoll(it->str()));
  if (dims.empty() || dims.size() > 2) throw std::runtime_error(path + ": need 1 or 2 dimensions, shape (" + shape + ")");
  const int rows = dims.size() == 2 ? static_cast<int>(dims[0]) : 1;
  const int cols = static_cast<int>(dims.back());
  FeatureMatrix out(rows, cols);
  if (f64) {
    std::vector<double> tmp(out.data.size());
    in.read(reinterpret_cast<char*>(tmp.data()), static_cast<std::streamsize>(tmp.size() * sizeof(double)));
    for (std::size_t i = 0; i < tmp.size(); ++i) out.data[i] = static_cast<float>(tmp[i]);
  } else {
    in.read(reinterpret_cast<char*>(out.data.data()), static_cast<std::streamsize>(out.data.size() * sizeof(float)));
  }
  if (!in) throw std::runtime_error(path + ": truncated data (shape (" + shape + "))");
  return out;
}

}  // namespace dflab
