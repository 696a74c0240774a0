#pragma once
// Model checkpoints: every parameter and buffer by name, plus the input normalisation the model
// was trained with, in one torch archive. Written to a temporary file and renamed into place, so
// a killed process leaves the previous checkpoint intact; a SHA-256 travels beside every file (and
// into the run store), so a changed or damaged checkpoint is an error, never silently loaded.
//
//   save_model_checkpoint(*model, source.normalisation(), "runs/ckpt/video/best.pt");
//   InputNormalisation norm = load_model_checkpoint(*model, "runs/ckpt/video/best.pt");

#include <string>
#include <vector>

#include <torch/torch.h>

#include "experiments/training/sample_source.h"
#include "modalities/models/model.h"

namespace dflab {

void write_model_state(const Model& model, const InputNormalisation& norm, torch::serialize::OutputArchive& archive);
// Throws std::runtime_error naming `what` on a missing or mis-shaped tensor.
InputNormalisation read_model_state(Model& model, torch::serialize::InputArchive& archive, const std::string& what);

// Saves to `path` atomically: serialised in memory, written to `<path>.tmp<pid>`, fsync'ed and
// renamed into place, with `<path>.sha256` beside it (sha256sum's format, so `sha256sum -c` checks
// it). Returns the file's SHA-256. On failure (a full disk, no permission) the temp file is removed,
// the previous checkpoint is left as it was, and std::runtime_error names the file and the reason.
std::string save_archive(torch::serialize::OutputArchive& archive, const std::string& path);

// Reads `path` into `archive`, first checking its SHA-256 against `expected_sha256` when given,
// else against `<path>.sha256` when that exists. Throws std::runtime_error naming the file when it
// is missing, changed, damaged or not a torch archive.
void load_archive(torch::serialize::InputArchive& archive, const std::string& path, const torch::Device& device,
                  const std::string& expected_sha256 = "");

std::string save_model_checkpoint(const Model& model, const InputNormalisation& norm, const std::string& path);
// Throws std::runtime_error naming the file when it cannot be read, fails its digest check or does
// not fit the model.
InputNormalisation load_model_checkpoint(Model& model, const std::string& path, const std::string& expected_sha256 = "");

// Temp files (`*.tmp<pid>`) and staging folders (`.tmp/<name>.<pid>.<n>`, the face cache's) that
// processes which no longer exist left under `dir` (recursively): removed; returns their paths. A process killed mid-write leaves one; the next start cleans up.
std::vector<std::string> remove_stale_temp_files(const std::string& dir);

}  // namespace dflab
