#include "modalities/av/models/av_model.h"

namespace dflab {

namespace {
[[noreturn]] void not_separable(const std::string& model) {
  throw std::logic_error(model + " scores a mouth stack and its audio together: it has no separate stream embeddings "
                                 "(embeds_streams_separately() is false)");
}
}  // namespace

torch::Tensor AvModel::embed_mouths(const torch::Tensor&) { not_separable(name_for_errors()); }
torch::Tensor AvModel::embed_audio(const torch::Tensor&) { not_separable(name_for_errors()); }
torch::Tensor AvModel::logits_of_embeddings(const torch::Tensor&, const torch::Tensor&) { not_separable(name_for_errors()); }

std::vector<ParamSpec> AvUnitShape::params() {
  using P = ParamSpec;
  return {P::integer("stack", 5, "mouth crops per unit; = [av] stack").range(1, 100),
          P::integer("mouth_height", 48, "= [av] mouth_height").range(8, 1024).with_unit("px"),
          P::integer("mouth_width", 96, "= [av] mouth_width").range(8, 1024).with_unit("px"),
          P::integer("audio_bins", 13, "rows of the [av] feature window (e.g. n_mfcc)").range(1, 4096),
          P::integer("audio_frames", 21, "columns of the [av] feature window (1 + window samples / hop)")
              .range(1, 100000)};
}

AvUnitShape AvUnitShape::from(const Params& p) {
  AvUnitShape s;
  s.stack = p.integer("stack");
  s.mouth_height = p.integer("mouth_height");
  s.mouth_width = p.integer("mouth_width");
  s.audio_bins = p.integer("audio_bins");
  s.audio_frames = p.integer("audio_frames");
  return s;
}

InputSpec AvUnitShape::mouth_input() const {
  return {Modality::sequence, 3, mouth_height, mouth_width, stack,
          "mouth crops, ImageNet-normalised RGB; + audio [N, 1, " + std::to_string(audio_bins) + ", " +
              std::to_string(audio_frames) + "] of the same times, standardised (modality av, forward_av)"};
}

}  // namespace dflab
