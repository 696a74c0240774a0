#include "registry/diagnostics.h"

#include <algorithm>
#include <sstream>

namespace dflab {

std::string Diagnostic::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  return out + message;
}

void Diagnostics::error(std::string file, int line, std::string message) {
  items_.push_back({std::move(file), line, std::move(message)});
}

void Diagnostics::add(Diagnostic d) { items_.push_back(std::move(d)); }

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::string Diagnostics::to_string() const {
  std::vector<Diagnostic> sorted = items_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.file != b.file) return a.file < b.file;
    return a.line < b.line;
  });
  std::ostringstream out;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i) out << '\n';
    out << sorted[i].to_string();
  }
  return out.str();
}

ConfigError::ConfigError(Diagnostics diags)
    : std::runtime_error(diags.to_string()), diags_(std::move(diags)) {}

ConfigError::ConfigError(const std::string& file, int line, const std::string& message)
    : std::runtime_error(Diagnostic{file, line, message}.to_string()) {
  diags_.error(file, line, message);
}

}  // namespace dflab
