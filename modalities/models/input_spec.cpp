#include "modalities/models/input_spec.h"

namespace dflab {

const char* to_string(Modality m) {
  switch (m) {
    case Modality::video: return "video";
    case Modality::sequence: return "sequence";
    case Modality::audio: return "audio";
  }
  return "?";
}

std::vector<std::int64_t> InputSpec::shape(std::int64_t batch) const {
  if (modality == Modality::sequence) return {batch, frames, channels, height, width};
  return {batch, channels, height, width};
}

std::string InputSpec::describe() const {
  std::string s = std::string(to_string(modality)) + " [N";
  for (std::size_t i = 1; i < shape(1).size(); ++i) s += ", " + std::to_string(shape(1)[i]);
  s += "]";
  if (!note.empty()) s += " " + note;
  return s;
}

}  // namespace dflab
