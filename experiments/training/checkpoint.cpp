#include "experiments/training/checkpoint.h"

#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace dflab {

namespace fs = std::filesystem;

namespace {
torch::Tensor floats(const std::vector<float>& v) { return torch::tensor(v.empty() ? std::vector<float>{} : v, torch::kFloat32); }
std::vector<float> to_floats(const torch::Tensor& t) {
  torch::Tensor c = t.to(torch::kCPU).contiguous().to(torch::kFloat32);
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}
}  // namespace

void write_model_state(const Model& model, const InputNormalisation& norm, torch::serialize::OutputArchive& archive) {
  torch::serialize::OutputArchive state;
  for (const auto& [name, tensor] : model.named_state()) state.write(name, tensor.detach().to(torch::kCPU), /*is_buffer=*/true);
  archive.write("model", state);
  archive.write("input_mean", floats(norm.mean), true);
  archive.write("input_std", floats(norm.std), true);
  archive.write("input_silence", torch::tensor({norm.silence}), true);
}

InputNormalisation read_model_state(Model& model, torch::serialize::InputArchive& archive, const std::string& what) {
  torch::serialize::InputArchive state;
  if (!archive.try_read("model", state)) throw std::runtime_error(what + ": no model state in the checkpoint");
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : model.named_state()) {
    torch::Tensor saved;
    if (!state.try_read(name, saved, true))
      throw std::runtime_error(what + ": the checkpoint has no tensor '" + name + "' (another model or parameters?)");
    if (saved.sizes() != tensor.sizes())
      throw std::runtime_error(what + ": tensor '" + name + "' has shape " + c10::str(saved.sizes()) +
                               " in the checkpoint but " + c10::str(tensor.sizes()) + " in the model");
    tensor.copy_(saved.to(tensor.device()));
  }
  InputNormalisation norm;
  torch::Tensor t;
  if (archive.try_read("input_mean", t, true)) norm.mean = to_floats(t);
  if (archive.try_read("input_std", t, true)) norm.std = to_floats(t);
  if (archive.try_read("input_silence", t, true) && t.numel() == 1) norm.silence = t.item<float>();
  return norm;
}

void save_archive(torch::serialize::OutputArchive& archive, const std::string& path) {
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  try {
    archive.save_to(tmp);
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot write checkpoint: " + e.what());
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot move checkpoint into place: " + ec.message());
  }
}

void save_model_checkpoint(const Model& model, const InputNormalisation& norm, const std::string& path) {
  torch::serialize::OutputArchive archive;
  write_model_state(model, norm, archive);
  save_archive(archive, path);
}

InputNormalisation load_model_checkpoint(Model& model, const std::string& path) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": cannot read checkpoint: " + std::string(e.what()).substr(0, 200));
  }
  return read_model_state(model, archive, path);
}

}  // namespace dflab
