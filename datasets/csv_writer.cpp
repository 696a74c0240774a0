#include "datasets/csv_writer.h"

namespace dflab {

std::string csv_field(const std::string& field, char delimiter) {
  const auto edge_space = [](char c) { return c == ' ' || c == '\t'; };
  const bool needs_quotes = field.find_first_of(std::string("\"\r\n") + delimiter) != std::string::npos ||
                            (!field.empty() && (edge_space(field.front()) || edge_space(field.back())));
  if (!needs_quotes) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_row(const std::vector<std::string>& fields, char delimiter) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += delimiter;
    out += csv_field(fields[i], delimiter);
  }
  out += '\n';
  return out;
}

}  // namespace dflab
