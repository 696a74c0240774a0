#pragma once
// Model checkpoints: every parameter and buffer by name, plus the input normalisation the model
// was trained with, in one torch archive. Written to a temporary file and renamed into place, so
// a killed process leaves the previous checkpoint intact.
//
//   save_model_checkpoint(*model, source.normalisation(), "runs/ckpt/video/best.pt");
//   InputNormalisation norm = load_model_checkpoint(*model, "runs/ckpt/video/best.pt");

#include <string>

#include <torch/torch.h>

#include "experiments/training/sample_source.h"
#include "modalities/models/model.h"

namespace dflab {

void write_model_state(const Model& model, const InputNormalisation& norm, torch::serialize::OutputArchive& archive);
// Throws std::runtime_error naming `what` on a missing or mis-shaped tensor.
InputNormalisation read_model_state(Model& model, torch::serialize::InputArchive& archive, const std::string& what);

// Saves to `path` atomically (temp + rename); throws std::runtime_error naming the file.
void save_archive(torch::serialize::OutputArchive& archive, const std::string& path);

void save_model_checkpoint(const Model& model, const InputNormalisation& norm, const std::string& path);
// Throws std::runtime_error naming the file when it cannot be read or does not fit the model.
InputNormalisation load_model_checkpoint(Model& model, const std::string& path);

}  // namespace dflab
