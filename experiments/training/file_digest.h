#pragma once
// SHA-256 digests (OpenSSL's EVP), as lowercase hex: what the store records for every checkpoint
// so that a changed or damaged file is found before it is used.
//
//   std::string d = sha256_hex(bytes);            // of a buffer
//   std::string f = sha256_of_file("best.pt");    // throws std::runtime_error naming the file

#include <string>
#include <string_view>

namespace dflab {

std::string sha256_hex(std::string_view bytes);
std::string sha256_of_file(const std::string& path);

}  // namespace dflab
