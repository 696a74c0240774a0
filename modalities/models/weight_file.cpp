#include "modalities/models/weight_file.h"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>

namespace fs = std::filesystem;

namespace dflab {

namespace {

// ---- a small unpickler: the subset of pickle protocol 2-5 that torch.save writes ----------------
// ref: CPython Lib/pickletools.py (opcode table); torch/serialization.py (_save: persistent ids
// ('storage', StorageType, key, location, numel), tensors rebuilt by torch._utils._rebuild_tensor_v2).

struct PyValue;
using PyPtr = std::shared_ptr<PyValue>;

struct PyValue {
  enum Kind { none, boolean, integer, real, text, bytes, tuple, list, dict, global, object, storage, tensor, mark };
  Kind kind = none;
  std::int64_t i = 0;
  double f = 0;
  std::string s;                                // text, bytes; global: "module.name"
  std::vector<PyPtr> items;                     // tuple, list
  std::vector<std::pair<PyPtr, PyPtr>> entries; // dict, in insertion order
  torch::Tensor t;                              // storage (1-D, its dtype), tensor
};

PyPtr make(PyValue::Kind k) {
  auto v = std::make_shared<PyValue>();
  v->kind = k;
  return v;
}

class Unpickler {
 public:
  Unpickler(const std::string& data, const std::string& where,
            std::function<torch::Tensor(const std::string& key, torch::ScalarType, std::int64_t numel)> load_storage)
      : d_(data), where_(where), load_storage_(std::move(load_storage)) {}

  PyPtr run() {
    while (true) {
      if (pos_ >= d_.size()) fail("ends before STOP");
      const auto op = static_cast<unsigned char>(d_[pos_++]);
      switch (op) {
        case 0x80: pos_ += 1; break;                       // PROTO
        case 0x95: pos_ += 8; break;                       // FRAME
        case '.': return pop();                            // STOP
        case '(': push(make(PyValue::mark)); break;        // MARK
        case 'N': push(make(PyValue::none)); break;
        case 0x88: case 0x89: {                            // NEWTRUE, NEWFALSE
          auto v = make(PyValue::boolean);
          v->i = op == 0x88;
          push(v);
          break;
        }
        case 'J': push_int(static_cast<std::int32_t>(u32())); break;   // BININT
        case 'K': push_int(u8()); break;                               // BININT1
        case 'M': push_int(u16()); break;                              // BININT2
        case 0x8a: {                                                    // LONG1
          const std::size_t n = u8();
          std::int64_t v = 0;
          need(n);
          for (std::size_t k = 0; k < n && k < 8; ++k) v |= std::int64_t(static_cast<unsigned char>(d_[pos_ + k])) << (8 * k);
          if (n > 0 && n < 8 && (static_cast<unsigned char>(d_[pos_ + n - 1]) & 0x80)) v -= std::int64_t(1) << (8 * n);
          pos_ += n;
          push_int(v);
          break;
        }
        case 'G': {                                                     // BINFLOAT (big-endian)
          need(8);
          unsigned char b[8];
          for (int k = 0; k < 8; ++k) b[k] = static_cast<unsigned char>(d_[pos_ + 7 - k]);
          pos_ += 8;
          auto v = make(PyValue::real);
          std::memcpy(&v->f, b, 8);
          push(v);
          break;
        }
        case 'X': push_text(PyValue::text, u32()); break;   // BINUNICODE
        case 0x8c: push_text(PyValue::text, u8()); break;   // SHORT_BINUNICODE
        case 'T': push_text(PyValue::bytes, u32()); break;  // BINSTRING
        case 'U': push_text(PyValue::bytes, u8()); break;   // SHORT_BINSTRING
        case 'B': push_text(PyValue::bytes, u32()); break;  // BINBYTES
        case 'C': push_text(PyValue::bytes, u8()); break;   // SHORT_BINBYTES
        case ')': push(make(PyValue::tuple)); break;        // EMPTY_TUPLE
        case 0x85: case 0x86: case 0x87: {                  // TUPLE1..3
          auto v = make(PyValue::tuple);
          v->items.resize(op - 0x84);
          for (auto it = v->items.rbegin(); it != v->items.rend(); ++it) *it = pop();
          push(v);
          break;
        }
        case 't': {                                          // TUPLE
          auto v = make(PyValue::tuple);
          v->items = pop_to_mark();
          push(v);
          break;
        }
        case ']': push(make(PyValue::list)); break;          // EMPTY_LIST
        case 'l': {                                          // LIST
          auto v = make(PyValue::list);
          v->items = pop_to_mark();
          push(v);
          break;
        }
        case 'a': { auto x = pop(); top()->items.push_back(x); break; }   // APPEND
        case 'e': {                                                       // APPENDS
          auto xs = pop_to_mark();
          auto& l = top()->items;
          l.insert(l.end(), xs.begin(), xs.end());
          break;
        }
        case '}': push(make(PyValue::dict)); break;          // EMPTY_DICT
        case 'd': {                                          // DICT
          auto xs = pop_to_mark();
          auto v = make(PyValue::dict);
          for (std::size_t k = 0; k + 1 < xs.size(); k += 2) v->entries.emplace_back(xs[k], xs[k + 1]);
          push(v);
          break;
        }
        case 's': {                                          // SETITEM
          auto val = pop();
          auto key = pop();
          top()->entries.emplace_back(key, val);
          break;
        }
        case 'u': {                                          // SETITEMS
          auto xs = pop_to_mark();
          auto& e = top()->entries;
          for (std::size_t k = 0; k + 1 < xs.size(); k += 2) e.emplace_back(xs[k], xs[k + 1]);
          break;
        }
        case 'c': {                                          // GLOBAL module\nname\n
          const std::string module = line();
          const std::string name = line();
          auto v = make(PyValue::global);
          v->s = module + "." + name;
          push(v);
          break;
        }
        case 0x93: {                                         // STACK_GLOBAL
          auto name = pop();
          auto module = pop();
          auto v = make(PyValue::global);
          v->s = module->s + "." + name->s;
          push(v);
          break;
        }
        case 'q': memo_[u8()] = top(); break;                // BINPUT
        case 'r': memo_[u32()] = top(); break;               // LONG_BINPUT
        case 0x94: memo_[memo_.size()] = top(); break;       // MEMOIZE
        case 'h': push(memo(u8())); break;                   // BINGET
        case 'j': push(memo(u32())); break;                  // LONG_BINGET
        case 'Q': push(persistent(pop())); break;            // BINPERSID
        case 'R': {                                          // REDUCE
          auto args = pop();
          auto callable = pop();
          push(reduce(callable, args));
          break;
        }
        case 0x81: {                                         // NEWOBJ
          auto args = pop();
          auto cls = pop();
          auto v = make(PyValue::object);
          v->s = cls->s;
          push(v);
          break;
        }
        case 'b': pop(); break;   // BUILD: an object's state (a state dict's _metadata): not needed
        case '0': pop(); break;   // POP
        case '1': pop_to_mark(); break;   // POP_MARK
        case '2': push(top()); break;     // DUP
        default: {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02x", op);
          fail(std::string("unsupported pickle opcode ") + hex);
        }
      }
    }
  }

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error(where_ + ": " + why + " (byte " + std::to_string(pos_) + " of data.pkl)");
  }
  void need(std::size_t n) const {
    if (pos_ + n > d_.size()) fail("truncated pickle");
  }
  std::uint32_t u8() { need(1); return static_cast<unsigned char>(d_[pos_++]); }
  std::uint32_t u16() { const std::uint32_t lo = u8(); return lo | (u8() << 8); }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= std::uint32_t(static_cast<unsigned char>(d_[pos_ + k])) << (8 * k);
    pos_ += 4;
    return v;
  }
  std::string line() {
    const std::size_t e = d_.find('\n', pos_);
    if (e == std::string::npos) fail("unterminated GLOBAL");
    std::string s = d_.substr(pos_, e - pos_);
    pos_ = e + 1;
    return s;
  }
  void push(PyPtr v) { stack_.push_back(std::move(v)); }
  void push_int(std::int64_t x) {
    auto v = make(PyValue::integer);
    v->i = x;
    push(v);
  }
  void push_text(PyValue::Kind k, std::size_t n) {
    need(n);
    auto v = make(k);
    v->s = d_.substr(pos_, n);
    pos_ += n;
    push(v);
  }
  PyPtr pop() {
    if (stack_.empty()) fail("pickle stack underflow");
    PyPtr v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PyPtr top() {
    if (stack_.empty()) fail("pickle stack underflow");
    return stack_.back();
  }
  std::vector<PyPtr> pop_to_mark() {
    std::vector<PyPtr> xs;
    while (true) {
      PyPtr v = pop();
      if (v->kind == PyValue::mark) break;
      xs.push_back(std::move(v));
    }
    return {xs.rbegin(), xs.rend()};
  }
  PyPtr memo(std::size_t k) {
    const auto it = memo_.find(k);
    if (it == memo_.end()) fail("memo " + std::to_string(k) + " read before written");
    return it->second;
  }

  static torch::ScalarType storage_dtype(const std::string& type) {
    static const std::map<std::string, torch::ScalarType> kTypes = {
        {"torch.FloatStorage", torch::kFloat},   {"torch.DoubleStorage", torch::kDouble},
        {"torch.HalfStorage", torch::kHalf},     {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kLong},     {"torch.IntStorage", torch::kInt},
        {"torch.ShortStorage", torch::kShort},   {"torch.CharStorage", torch::kChar},
        {"torch.ByteStorage", torch::kByte},     {"torch.BoolStorage", torch::kBool}};
    const auto it = kTypes.find(type);
    if (it == kTypes.end()) throw std::runtime_error("storage type " + type + " is not supported");
    return it->second;
  }

  PyPtr persistent(const PyPtr& pid) {
    // ('storage', torch.FloatStorage, '0', 'cpu', numel)
    if (pid->kind != PyValue::tuple || pid->items.size() < 5 || pid->items[0]->s != "storage")
      fail("unexpected persistent id");
    const std::string key = pid->items[2]->s;
    auto it = storages_.find(key);
    if (it == storages_.end()) {
      auto v = make(PyValue::storage);
      v->t = load_storage_(key, storage_dtype(pid->items[1]->s), pid->items[4]->i);
      it = storages_.emplace(key, v).first;
    }
    return it->second;
  }

  static std::vector<std::int64_t> ints(const PyPtr& tuple) {
    std::vector<std::int64_t> out;
    for (const auto& x : tuple->items) out.push_back(x->i);
    return out;
  }

  PyPtr reduce(const PyPtr& callable, const PyPtr& args) {
    const std::string& fn = callable->s;
    if (fn == "torch._utils._rebuild_tensor_v2" || fn == "torch._utils._rebuild_tensor") {
      // (storage, storage_offset, size, stride, ...)
      if (args->items.size() < 4 || args->items[0]->kind != PyValue::storage) fail("malformed tensor record");
      const torch::Tensor& storage = args->items[0]->t;
      const auto size = ints(args->items[2]);
      const auto stride = ints(args->items[3]);
      if (size.size() != stride.size()) fail("malformed tensor record");
      std::int64_t last = args->items[1]->i;
      bool empty = false;
      for (std::size_t k = 0; k < size.size(); ++k) {
        if (size[k] < 0 || stride[k] < 0) fail("negative tensor size or stride");
        if (size[k] == 0) empty = true;
        else last += (size[k] - 1) * stride[k];
      }
      if (args->items[1]->i < 0 || (!empty && last >= storage.numel())) fail("tensor view outside its storage");
      auto v = make(PyValue::tensor);
      v->t = storage.as_strided(size, stride, args->items[1]->i).clone();
      return v;
    }
    if (fn == "torch._utils._rebuild_parameter" || fn == "torch._utils._rebuild_parameter_with_state") {
      if (args->items.empty() || args->items[0]->kind != PyValue::tensor) fail("malformed parameter record");
      return args->items[0];
    }
    if (fn == "collections.OrderedDict" || fn == "builtins.dict") {
      auto v = make(PyValue::dict);
      for (const auto& pair : args->items.empty() ? std::vector<PyPtr>{} : args->items[0]->items)
        if (pair->items.size() == 2) v->entries.emplace_back(pair->items[0], pair->items[1]);
      return v;
    }
    if (fn.rfind("torch._utils._rebuild_qtensor", 0) == 0 || fn.rfind("torch._utils._rebuild_sparse", 0) == 0)
      fail("quantised or sparse tensors are not supported (" + fn + ")");
    // Anything else (argparse.Namespace, numpy scalars of a training checkpoint): opaque.
    auto v = make(PyValue::object);
    v->s = fn;
    return v;
  }

  const std::string& d_;
  std::string where_;
  std::function<torch::Tensor(const std::string&, torch::ScalarType, std::int64_t)> load_storage_;
  std::size_t pos_ = 0;
  std::vector<PyPtr> stack_;
  std::map<std::size_t, PyPtr> memo_;
  std::map<std::string, PyPtr> storages_;
};

bool holds_tensors(const PyPtr& d) {
  if (d->kind != PyValue::dict) return false;
  for (const auto& [k, v] : d->entries)
    if (v->kind == PyValue::tensor) return true;
  return false;
}

void flatten(const PyPtr& d, const std::string& prefix, std::vector<std::pair<std::string, torch::Tensor>>& out) {
  for (const auto& [k, v] : d->entries) {
    if (k->kind != PyValue::text) continue;
    if (v->kind == PyValue::tensor) out.emplace_back(prefix + k->s, v->t);
    else if (v->kind == PyValue::dict) flatten(v, prefix + k->s + ".", out);
  }
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

WeightFile read_state_dict(caffe2::serialize::PyTorchStreamReader& zip, const std::string& path) {
  WeightFile w;
  w.path = path;
  w.format = "state_dict";
  auto [pkl_ptr, pkl_size] = zip.getRecord("data.pkl");
  const std::string pkl(static_cast<const char*>(pkl_ptr.get()), pkl_size);
  Unpickler up(pkl, path, [&](const std::string& key, torch::ScalarType dtype, std::int64_t numel) {
    const std::string record = "data/" + key;
    if (!zip.hasRecord(record)) throw std::runtime_error(path + ": storage " + record + " is missing");
    auto [ptr, size] = zip.getRecord(record);
    const auto item = static_cast<std::int64_t>(c10::elementSize(dtype));
    if (numel < 0 || static_cast<std::int64_t>(size) < numel * item)
      throw std::runtime_error(path + ": storage " + record + " holds " + std::to_string(size) + " bytes, " +
                               std::to_string(numel * item) + " announced");
    torch::Tensor t = torch::empty({numel}, torch::TensorOptions().dtype(dtype));
    // An empty tensor has no storage: memcpy from/to null is undefined even for 0 bytes (UBSan).
    if (numel > 0) std::memcpy(t.data_ptr(), ptr.get(), static_cast<std::size_t>(numel * item));
    return t;
  });
  PyPtr root = up.run();
  if (root->kind != PyValue::dict) throw std::runtime_error(path + ": holds no dict of tensors (a whole pickled model? save model.state_dict())");
  // Training checkpoints wrap the state dict.
  for (const char* key : {"state_dict", "model_state_dict", "model", "state", "net", "module", "model_ema"}) {
    if (holds_tensors(root)) break;
    for (const auto& [k, v] : root->entries)
      if (k->kind == PyValue::text && k->s == key && v->kind == PyValue::dict) {
        root = v;
        w.notes.push_back(std::string("unwrapped the checkpoint's '") + key + "' entry");
        break;
      }
  }
  flatten(root, "", w.tensors);
  if (w.tensors.empty()) throw std::runtime_error(path + ": holds no tensors");
  bool all_module = true;
  for (const auto& [name, t] : w.tensors) all_module = all_module && name.rfind("module.", 0) == 0;
  if (all_module) {
    for (auto& [name, t] : w.tensors) name = name.substr(7);
    w.notes.push_back("stripped the 'module.' prefix (DataParallel)");
  }
  return w;
}

WeightFile read_torchscript(const std::string& path) {
  WeightFile w;
  w.path = path;
  w.format = "torchscript";
  torch::jit::Module m = torch::jit::load(path, torch::kCPU);
  for (const auto& p : m.named_parameters(true)) w.tensors.emplace_back(p.name, p.value.detach().clone());
  for (const auto& b : m.named_buffers(true)) w.tensors.emplace_back(b.name, b.value.detach().clone());
  if (w.tensors.empty()) throw std::runtime_error(path + ": the TorchScript module holds no parameters");
  return w;
}

}  // namespace

WeightFile read_weight_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw std::runtime_error(path + ": no such weight file");
  char head[4] = {0, 0, 0, 0};
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head, 4);
    if (!in) throw std::runtime_error(path + ": too short to be a weight file");
  }
  try {
    if (head[0] == 'P' && head[1] == 'K') {
      caffe2::serialize::PyTorchStreamReader zip(path);
      if (zip.hasRecord("constants.pkl") || zip.hasRecord("code/__torch__.py")) return read_torchscript(path);
      if (zip.hasRecord("data.pkl")) return read_state_dict(zip, path);
      throw std::runtime_error(path + ": a zip file, but neither a torch.save state dict nor a TorchScript archive");
    }
    if (static_cast<unsigned char>(head[0]) == 0x80 || head[0] == static_cast<char>(0x8a))
      throw std::runtime_error(path + ": saved in torch's legacy (pre-1.6) format; re-save it with torch.save(sd, f) "
                                      "from a current PyTorch (the zip format)");
    return read_onnx_weights(read_bytes(path), path);
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": " + e.what_without_backtrace());
  }
}

}  // namespace dflab
