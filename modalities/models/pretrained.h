#pragma once
// Pretrained weights into a model of the zoo: `[[models]] pretrained = "file"` and
// `dflab model load-check NAME FILE`.
//
//   WeightFile w = read_weight_file("mobilenetv2-12-int8.onnx");     // weight_file.h
//   WeightLoadReport r = load_pretrained_weights(*model, w);          // copies what matched
//   if (!r.complete()) throw ...;                                     // r.missing, r.mismatched
//
// How file tensors find model tensors, in this order:
//   1. by name: the zoo uses torchvision's names (resnet*, efficientnet_b*, mobilenet_v2,
//      r2plus1d_18, mc3_18) and Cadene's (xception, se_resnext50), so their state dicts match;
//   2. by module order, when names mostly differ (timm's tf_efficientnet_b*_ns names its
//      modules conv_stem / blocks.i.j.conv_dw, torchvision features.i.j.block.k): modules are
//      paired in registration order and each pair must hold the same tensors with the same shapes;
//   3. ONNX layers by graph order: the k-th convolution of the graph fills the k-th convolution of
//      the model; a BatchNorm folded into the ONNX convolution (what torch.onnx.export and
//      quantisers do) becomes an identity BatchNorm (weight 1, running_var 1 - eps with eps 1e-5,
//      the zoo's default) whose bias is the convolution's bias.
// The model's head (its last linear layer with one output) keeps its fresh initialisation unless
// the file has a head of the same shape; a 1000-class ImageNet head is reported and dropped.
// num_batches_tracked buffers are optional: files without them load completely.

#include <string>
#include <vector>

#include "modalities/models/model.h"
#include "modalities/models/weight_file.h"

namespace dflab {

struct WeightLoadReport {
  struct Mismatch {
    std::string model_name, file_name;
    std::vector<std::int64_t> model_shape, file_shape;
    std::string text() const;   // "features.0.0.weight [16, 3, 3, 3] <- features.0.0.weight [32, 3, 3, 3]"
  };
  std::string file, format;
  std::string mode;                        // "by name", "by module order", "onnx layers by graph order"
  std::vector<std::string> notes;          // from the file reader and the mapping
  std::vector<std::string> matched;        // "model name" or "model name <- file name"
  std::vector<std::string> missing;        // backbone tensors of the model that nothing filled
  std::vector<std::string> unexpected;     // file tensors that filled nothing (a dropped head excluded)
  std::vector<Mismatch> mismatched;        // paired, but the shapes differ (not copied)
  std::vector<std::string> head_fresh;     // model head tensors left as initialised
  std::vector<std::string> head_dropped;   // file head tensors of another shape (1000 classes)

  // Every backbone tensor of the model was filled: what `load-check` exits 0 for and what
  // training with `pretrained` requires.
  bool complete() const { return missing.empty() && mismatched.empty(); }
};

// Maps `weights` onto `model` and, when `apply`, copies the matched tensors into it (converted to
// each model tensor's dtype, no gradient recorded). Throws nothing for a partial match: the
// report says what is missing.
WeightLoadReport load_pretrained_weights(Model& model, const WeightFile& weights, bool apply = true);

// One line per problem, at most `limit` lines each for missing / mismatched / unexpected.
std::string describe_problems(const WeightLoadReport& report, std::size_t limit = 10);

}  // namespace dflab
