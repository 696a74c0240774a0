#include "experiments/training/checkpoint.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "experiments/training/file_digest.h"
#include "registry/atomic_file.h"

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
  torch::Tensor mean, std, silence;   // one fresh tensor each: try_read keeps a defined tensor's dtype
  if (archive.try_read("input_mean", mean, true)) norm.mean = to_floats(mean);
  if (archive.try_read("input_std", std, true)) norm.std = to_floats(std);
  if (archive.try_read("input_silence", silence, true) && silence.numel() == 1) norm.silence = silence.to(torch::kFloat32).item<float>();
  return norm;
}

namespace {

std::string errno_text() { return std::strerror(errno); }

std::string read_whole_file(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw std::runtime_error(path + ": no such checkpoint");
  if (!fs::is_regular_file(path, ec)) throw std::runtime_error(path + ": not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read: " + errno_text());
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path + ": read failed");
  return ss.str();
}

// The digest recorded beside `path` (first word of `<path>.sha256`), or "" when there is none.
std::string sidecar_digest(const std::string& path) {
  std::ifstream in(path + ".sha256");
  std::string word;
  if (in) in >> word;
  return word;
}

}  // namespace

std::string save_archive(torch::serialize::OutputArchive& archive, const std::string& path) {
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  // Serialised in memory first: libtorch's file writer throws again from its destructor when a
  // write fails (a full disk), which ends the process with std::terminate; our own writes report
  // the OS's reason and clean up.
  std::string bytes;
  try {
    archive.save_to([&bytes](const void* data, std::size_t n) -> std::size_t {
      bytes.append(static_cast<const char*>(data), n);
      return n;
    });
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": cannot serialise checkpoint: " + std::string(e.what()).substr(0, 200));
  }
  const std::string digest = sha256_hex(bytes);
  write_file_atomically(path, bytes);
  write_file_atomically(path + ".sha256", digest + "  " + target.filename().string() + "\n");
  return digest;
}

void load_archive(torch::serialize::InputArchive& archive, const std::string& path, const torch::Device& device,
                  const std::string& expected_sha256) {
  const std::string bytes = read_whole_file(path);
  const std::string expected = expected_sha256.empty() ? sidecar_digest(path) : expected_sha256;
  if (!expected.empty()) {
    const std::string actual = sha256_hex(bytes);
    if (actual != expected)
      throw std::runtime_error(path + ": checkpoint changed or damaged since it was written (sha256 " + actual.substr(0, 12) +
                               "..., recorded " + expected.substr(0, 12) + "...); retrain, or restore the original file");
  }
  try {
    archive.load_from(bytes.data(), bytes.size(), device);
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": cannot read checkpoint: " + std::string(e.what()).substr(0, 200));
  }
}

std::string save_model_checkpoint(const Model& model, const InputNormalisation& norm, const std::string& path) {
  torch::serialize::OutputArchive archive;
  write_model_state(model, norm, archive);
  return save_archive(archive, path);
}

InputNormalisation load_model_checkpoint(Model& model, const std::string& path, const std::string& expected_sha256) {
  torch::serialize::InputArchive archive;
  load_archive(archive, path, torch::kCPU, expected_sha256);
  return read_model_state(model, archive, path);
}

std::vector<std::string> remove_stale_temp_files(const std::string& dir) {
  std::vector<std::string> removed;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return removed;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // A staging folder `.tmp/<key>.<pid>.<n>` (the face cache's): removed whole.
    if (it->path().parent_path().filename() == ".tmp") {
      const std::size_t last = name.rfind('.');
      const std::size_t pid_at = last == std::string::npos || last == 0 ? std::string::npos : name.rfind('.', last - 1);
      if (pid_at == std::string::npos) continue;
      const std::string digits = name.substr(pid_at + 1, last - pid_at - 1);
      if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
      const pid_t pid = static_cast<pid_t>(std::stol(digits));
      if (pid == ::getpid() || ::kill(pid, 0) == 0 || errno == EPERM) continue;
      std::error_code rm;
      if (fs::remove_all(it->path(), rm) > 0) removed.push_back(it->path().string());
      it.disable_recursion_pending();
      continue;
    }
    const std::size_t at = name.rfind(".tmp");
    if (at == std::string::npos || at + 4 >= name.size()) continue;
    const std::string digits = name.substr(at + 4);
    if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) continue;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid == ::getpid() || (::kill(pid, 0) == 0 || errno == EPERM)) continue;   // a live writer
    std::error_code rm;
    if (it->is_regular_file(rm) && fs::remove(it->path(), rm)) removed.push_back(it->path().string());
  }
  return removed;
}

}  // namespace dflab
