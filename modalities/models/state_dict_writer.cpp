#include "modalities/models/state_dict_writer.h"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include <caffe2/serialize/inline_container.h>

#include "registry/atomic_file.h"

namespace dflab {

namespace {

// The few pickle opcodes (protocol 2) a state dict needs. ref: CPython Lib/pickle.py.
class PickleWriter {
 public:
  PickleWriter() { bytes_ += "\x80\x02"; }   // PROTO 2
  void global(const std::string& module, const std::string& name) { bytes_ += 'c' + module + '\n' + name + '\n'; }
  void mark() { bytes_ += '('; }
  void tuple() { bytes_ += 't'; }             // the items since the last mark
  void empty_tuple() { bytes_ += ')'; }
  void reduce() { bytes_ += 'R'; }             // callable(*args)
  void persistent_id() { bytes_ += 'Q'; }      // BINPERSID: the tuple on the stack
  void set_items() { bytes_ += 'u'; }          // key/value pairs since the last mark into the dict below
  void new_false() { bytes_ += '\x89'; }
  void stop() { bytes_ += '.'; }
  void string(const std::string& s) {          // BINUNICODE: 4-byte little-endian length + UTF-8
    bytes_ += 'X';
    append_le(static_cast<std::uint32_t>(s.size()), 4);
    bytes_ += s;
  }
  void integer(std::int64_t v) {
    if (v >= INT32_MIN && v <= INT32_MAX) {
      bytes_ += 'J';                           // BININT: 4-byte signed little-endian
      append_le(static_cast<std::uint32_t>(static_cast<std::int32_t>(v)), 4);
    } else {
      bytes_ += '\x8a';                        // LONG1: 8 bytes two's complement, little-endian
      bytes_ += '\x08';
      append_le(static_cast<std::uint64_t>(v), 8);
    }
  }
  void ordered_dict() {                        // collections.OrderedDict()
    global("collections", "OrderedDict");
    empty_tuple();
    reduce();
  }
  std::string& bytes() { return bytes_; }

 private:
  void append_le(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) bytes_ += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  std::string bytes_;
};

// PyTorch's typed storage class for a dtype (torch.FloatStorage, ...).
std::string storage_class(const std::string& name, c10::ScalarType t) {
  switch (t) {
    case torch::kFloat32: return "FloatStorage";
    case torch::kFloat64: return "DoubleStorage";
    case torch::kFloat16: return "HalfStorage";
    case torch::kBFloat16: return "BFloat16Storage";
    case torch::kInt64: return "LongStorage";
    case torch::kInt32: return "IntStorage";
    case torch::kInt16: return "ShortStorage";
    case torch::kInt8: return "CharStorage";
    case torch::kUInt8: return "ByteStorage";
    case torch::kBool: return "BoolStorage";
    default: throw std::invalid_argument("state dict: " + name + " has dtype " + std::string(c10::toString(t)) + ", which has no PyTorch storage class here");
  }
}

}  // namespace

std::string state_dict_bytes(const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  std::set<std::string> seen;
  std::vector<torch::Tensor> storages;   // contiguous CPU copies, data/<index>
  PickleWriter p;
  p.ordered_dict();
  p.mark();
  for (const auto& [name, tensor] : tensors) {
    if (!seen.insert(name).second) throw std::invalid_argument("state dict: the name " + name + " appears twice");
    const torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
    const std::string storage = storage_class(name, t.scalar_type());
    const std::string key = std::to_string(storages.size());
    storages.push_back(t);
    p.string(name);
    // torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks)
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.mark();
    p.mark();   // persistent id ('storage', torch.FloatStorage, key, location, numel)
    p.string("storage");
    p.global("torch", storage);
    p.string(key);
    p.string("cpu");
    p.integer(t.numel());
    p.tuple();
    p.persistent_id();
    p.integer(0);
    p.mark();
    for (std::int64_t s : t.sizes()) p.integer(s);
    p.tuple();
    p.mark();
    for (std::int64_t s : t.strides()) p.integer(s);
    p.tuple();
    p.new_false();
    p.ordered_dict();
    p.tuple();
    p.reduce();
  }
  p.set_items();
  p.stop();

  std::string out;
  caffe2::serialize::PyTorchStreamWriter writer([&out](const void* data, std::size_t n) {
    out.append(static_cast<const char*>(data), n);
    return n;
  });
  writer.writeRecord("data.pkl", p.bytes().data(), p.bytes().size());
  for (std::size_t i = 0; i < storages.size(); ++i)
    writer.writeRecord("data/" + std::to_string(i), storages[i].data_ptr(), storages[i].nbytes());
  writer.writeEndOfFile();   // adds the "version" record torch.load checks
  return out;
}

void write_state_dict(const std::string& path, const std::vector<std::pair<std::string, torch::Tensor>>& tensors) {
  write_file_atomically(path, state_dict_bytes(tensors));
}

}  // namespace dflab
