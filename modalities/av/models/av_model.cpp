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

}  // namespace dflab
