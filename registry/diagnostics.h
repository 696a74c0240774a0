#pragma once
// Diagnostics: every problem found while reading a file, with file and line, reported at once.
//
//   Diagnostics diags;
//   diags.error("exp.toml", 12, "unknown key 'n_ftt' (allowed: n_fft, hop, ...)");
//   if (!diags.empty()) throw ConfigError(std::move(diags));

#include <stdexcept>
#include <string>
#include <vector>

namespace dflab {

struct Diagnostic {
  std::string file;      // empty when the problem is not tied to a file
  int line = 0;          // 1-based; 0 when unknown
  std::string message;
  std::string to_string() const;   // "file:line: message"
};

class Diagnostics {
 public:
  void error(std::string file, int line, std::string message);
  void add(Diagnostic d);
  void append(const Diagnostics& other);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  // One line per diagnostic, sorted by file then line so a reader can walk the file top to bottom.
  std::string to_string() const;

 private:
  std::vector<Diagnostic> items_;
};

// Thrown when a configuration or input file is invalid; what() holds every diagnostic.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(Diagnostics diags);
  ConfigError(const std::string& file, int line, const std::string& message);
  const Diagnostics& diagnostics() const { return diags_; }

 private:
  Diagnostics diags_;
};

}  // namespace dflab
