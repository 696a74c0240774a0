// The ONNX half of weight_file.h: a minimal protobuf reader (only the fields of onnx.proto that
// hold weights and the graph's order) and the walk that turns its nodes into layers.
// ref: onnx/onnx.proto (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto
// input = 1, output = 2, op_type = 4, attribute = 5; AttributeProto name = 1, f = 2, i = 3, t = 5;
// TensorProto dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7, name = 8,
// raw_data = 9, double_data = 10, data_location = 14); the protobuf wire format (varint keys,
// wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "modalities/models/weight_file.h"

namespace dflab {

namespace {

struct Field {
  std::uint32_t number = 0;
  int wire = 0;
  std::uint64_t value = 0;   // varint / fixed
  std::string_view bytes;    // length-delimited
};

class ProtoReader {
 public:
  ProtoReader(std::string_view data, const std::string& where) : d_(data), where_(where) {}
  bool next(Field& f) {
    if (pos_ >= d_.size()) return false;
    const std::uint64_t key = varint();
    f.number = static_cast<std::uint32_t>(key >> 3);
    f.wire = static_cast<int>(key & 7);
    f.bytes = {};
    switch (f.wire) {
      case 0: f.value = varint(); break;
      case 1: f.value = fixed(8); break;
      case 5: f.value = fixed(4); break;
      case 2: {
        const std::uint64_t n = varint();
        if (n > d_.size() - pos_) fail("length-delimited field runs past the end");
        f.bytes = d_.substr(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        break;
      }
      default: fail("unsupported protobuf wire type " + std::to_string(f.wire));
    }
    return true;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= d_.size()) fail("truncated varint");
      const auto b = static_cast<unsigned char>(d_[pos_++]);
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail("varint longer than 10 bytes");
  }
  bool done() const { return pos_ >= d_.size(); }
  [[noreturn]] void fail(const std::string& why) const { throw std::runtime_error(where_ + ": not a readable ONNX model (" + why + ")"); }

 private:
  std::uint64_t fixed(int n) {
    if (static_cast<std::size_t>(n) > d_.size() - pos_) fail("truncated fixed-width field");
    std::uint64_t v = 0;
    for (int k = 0; k < n; ++k) v |= std::uint64_t(static_cast<unsigned char>(d_[pos_ + k])) << (8 * k);
    pos_ += n;
    return v;
  }
  std::string_view d_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

// Every varint of a repeated field, packed or not.
void append_varints(const Field& f, std::vector<std::int64_t>& out, const std::string& where) {
  if (f.wire == 0) {
    out.push_back(static_cast<std::int64_t>(f.value));
    return;
  }
  ProtoReader packed(f.bytes, where);
  while (!packed.done()) out.push_back(static_cast<std::int64_t>(packed.varint()));
}

struct OnnxTensor {
  std::string name;
  std::vector<std::int64_t> dims;
  int type = 0;
  torch::Tensor value;   // decoded; undefined when the type is not one we read
};

torch::Tensor from_raw(std::string_view raw, int type, const std::vector<std::int64_t>& dims, const std::string& where,
                       const std::string& name) {
  torch::ScalarType st;
  switch (type) {
    case 1: st = torch::kFloat; break;
    case 2: st = torch::kByte; break;
    case 3: st = torch::kChar; break;
    case 5: st = torch::kShort; break;
    case 6: st = torch::kInt; break;
    case 7: st = torch::kLong; break;
    case 10: st = torch::kHalf; break;
    case 11: st = torch::kDouble; break;
    default: return {};
  }
  std::int64_t numel = 1;
  for (const auto d : dims) {
    if (d < 0 || (d > 0 && numel > (std::int64_t(1) << 40) / d)) throw std::runtime_error(where + ": tensor " + name + " has a bad shape");
    numel *= d;
  }
  const auto item = static_cast<std::int64_t>(c10::elementSize(st));
  if (static_cast<std::int64_t>(raw.size()) != numel * item)
    throw std::runtime_error(where + ": tensor " + name + " holds " + std::to_string(raw.size()) + " bytes, its shape needs " +
                             std::to_string(numel * item));
  torch::Tensor t = torch::empty(dims, torch::TensorOptions().dtype(st));
  if (numel) std::memcpy(t.data_ptr(), raw.data(), raw.size());
  return t;
}

OnnxTensor read_tensor(std::string_view bytes, const std::string& where) {
  OnnxTensor t;
  ProtoReader r(bytes, where);
  Field f;
  std::string_view raw;
  bool has_raw = false;
  std::vector<float> floats;
  std::vector<std::int64_t> ints, longs;
  std::vector<double> doubles;
  while (r.next(f)) {
    switch (f.number) {
      case 1: append_varints(f, t.dims, where); break;
      case 2: t.type = static_cast<int>(f.value); break;
      case 4:
        if (f.wire == 5) {
          float v;
          const auto u = static_cast<std::uint32_t>(f.value);
          std::memcpy(&v, &u, 4);
          floats.push_back(v);
        } else {
          const std::size_t n = f.bytes.size() / 4;
          const std::size_t at = floats.size();
          floats.resize(at + n);
          std::memcpy(floats.data() + at, f.bytes.data(), n * 4);
        }
        break;
      case 5: append_varints(f, ints, where); break;
      case 7: append_varints(f, longs, where); break;
      case 8: t.name = std::string(f.bytes); break;
      case 9: raw = f.bytes; has_raw = true; break;
      case 10:
        if (f.wire == 1) {
          double v;
          std::memcpy(&v, &f.value, 8);
          doubles.push_back(v);
        } else {
          const std::size_t n = f.bytes.size() / 8;
          const std::size_t at = doubles.size();
          doubles.resize(at + n);
          std::memcpy(doubles.data() + at, f.bytes.data(), n * 8);
        }
        break;
      case 14:
        if (f.value == 1) throw std::runtime_error(where + ": tensor " + t.name + " keeps its data in an external file; "
                                                   "save the model with its weights inside (onnx.save_model(..., save_as_external_data=False))");
        break;
      default: break;
    }
  }
  if (has_raw) {
    t.value = from_raw(raw, t.type, t.dims, where, t.name);
    return t;
  }
  auto typed = [&](auto& v, torch::ScalarType st) {
    torch::Tensor x = torch::tensor(torch::ArrayRef<typename std::decay_t<decltype(v)>::value_type>(v));
    std::int64_t numel = 1;
    for (const auto d : t.dims) numel *= d;
    if (x.numel() != numel) throw std::runtime_error(where + ": tensor " + t.name + " holds " + std::to_string(x.numel()) +
                                                     " values, its shape needs " + std::to_string(numel));
    return x.to(st).reshape(t.dims);
  };
  if (t.type == 1) t.value = typed(floats, torch::kFloat);
  else if (t.type == 11) t.value = typed(doubles, torch::kDouble);
  else if (t.type == 7) t.value = typed(longs, torch::kLong);
  else if (t.type == 2 || t.type == 3 || t.type == 5 || t.type == 6)
    t.value = typed(ints, t.type == 2 ? torch::kByte : t.type == 3 ? torch::kChar : t.type == 5 ? torch::kShort : torch::kInt);
  return t;
}

struct OnnxNode {
  std::string op;
  std::vector<std::string> inputs, outputs;
  std::map<std::string, double> attr_number;             // f and i attributes
  std::map<std::string, OnnxTensor> attr_tensor;          // t attributes (Constant's value)
};

OnnxNode read_node(std::string_view bytes, const std::string& where) {
  OnnxNode n;
  ProtoReader r(bytes, where);
  Field f;
  while (r.next(f)) {
    if (f.number == 1) n.inputs.emplace_back(f.bytes);
    else if (f.number == 2) n.outputs.emplace_back(f.bytes);
    else if (f.number == 4) n.op = std::string(f.bytes);
    else if (f.number == 5) {
      ProtoReader a(f.bytes, where);
      Field g;
      std::string name;
      std::optional<double> number;
      std::optional<OnnxTensor> tensor;
      while (a.next(g)) {
        if (g.number == 1) name = std::string(g.bytes);
        else if (g.number == 2 && g.wire == 5) {
          float v;
          const auto u = static_cast<std::uint32_t>(g.value);
          std::memcpy(&v, &u, 4);
          number = v;
        } else if (g.number == 3 && g.wire == 0) number = static_cast<double>(static_cast<std::int64_t>(g.value));
        else if (g.number == 5 && g.wire == 2) tensor = read_tensor(g.bytes, where);
      }
      if (number) n.attr_number[name] = *number;
      if (tensor) n.attr_tensor[name] = std::move(*tensor);
    }
  }
  return n;
}

// (q - zero_point) * scale, per channel along `axis` when scale has more than one value.
torch::Tensor dequantize(const torch::Tensor& q, const torch::Tensor& scale, const torch::Tensor& zero_point, std::int64_t axis) {
  torch::Tensor s = scale.to(torch::kFloat);
  torch::Tensor z = zero_point.defined() ? zero_point.to(torch::kFloat) : torch::zeros_like(s);
  if (s.numel() > 1 && q.dim() > 0) {
    if (axis < 0) axis += q.dim();
    std::vector<std::int64_t> shape(static_cast<std::size_t>(q.dim()), 1);
    shape[static_cast<std::size_t>(axis)] = s.numel();
    s = s.reshape(shape);
    z = z.reshape(shape);
  }
  return (q.to(torch::kFloat) - z) * s;
}

}  // namespace

WeightFile read_onnx_weights(const std::string& bytes, const std::string& path) {
  WeightFile w;
  w.path = path;
  w.format = "onnx";
  ProtoReader model(bytes, path);
  Field f;
  std::string_view graph;
  bool any = false;
  while (model.next(f)) {
    any = true;
    if (f.number == 7 && f.wire == 2) graph = f.bytes;
  }
  if (!any || graph.empty()) model.fail("no graph");

  std::map<std::string, torch::Tensor> values;   // initialisers, constants, dequantised weights
  std::vector<OnnxNode> nodes;
  ProtoReader g(graph, path);
  while (g.next(f)) {
    if (f.wire != 2) continue;
    if (f.number == 5) {
      OnnxTensor t = read_tensor(f.bytes, path);
      if (t.value.defined()) values[t.name] = t.value;
    } else if (f.number == 1) {
      nodes.push_back(read_node(f.bytes, path));
    }
  }
  auto value = [&](const OnnxNode& n, std::size_t k) -> torch::Tensor {
    if (k >= n.inputs.size() || n.inputs[k].empty()) return {};
    const auto it = values.find(n.inputs[k]);
    return it == values.end() ? torch::Tensor() : it->second;
  };
  auto number = [](const OnnxNode& n, const std::string& key, double def) {
    const auto it = n.attr_number.find(key);
    return it == n.attr_number.end() ? def : it->second;
  };

  int convs = 0, linears = 0, quantised = 0;
  auto add = [&](const std::string& name, const torch::Tensor& t) { w.tensors.emplace_back(name, t.to(torch::kFloat).contiguous()); };
  for (const OnnxNode& n : nodes) {
    if (n.op == "Constant") {
      const auto it = n.attr_tensor.find("value");
      if (it != n.attr_tensor.end() && it->second.value.defined() && !n.outputs.empty()) values[n.outputs[0]] = it->second.value;
    } else if (n.op == "DequantizeLinear") {
      const torch::Tensor x = value(n, 0), scale = value(n, 1);
      if (x.defined() && scale.defined() && !n.outputs.empty())
        values[n.outputs[0]] = dequantize(x, scale, value(n, 2), static_cast<std::int64_t>(number(n, "axis", 1)));
    } else if (n.op == "Conv") {
      const torch::Tensor wt = value(n, 1);
      if (!wt.defined()) continue;   // a weight computed at run time: not a stored layer
      const std::string p = "conv." + std::to_string(convs++);
      add(p + ".weight", wt);
      if (const torch::Tensor b = value(n, 2); b.defined()) add(p + ".bias", b);
    } else if (n.op == "QLinearConv") {
      // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B (int32)
      const torch::Tensor wq = value(n, 3), w_scale = value(n, 4), x_scale = value(n, 1);
      if (!wq.defined() || !w_scale.defined()) continue;
      const std::string p = "conv." + std::to_string(convs++);
      add(p + ".weight", dequantize(wq, w_scale, value(n, 5), 0));
      if (const torch::Tensor b = value(n, 8); b.defined() && x_scale.defined())
        add(p + ".bias", b.to(torch::kFloat) * x_scale.to(torch::kFloat) * w_scale.to(torch::kFloat));
      ++quantised;
    } else if (n.op == "BatchNormalization") {
      if (convs == 0) continue;
      const std::string p = "conv." + std::to_string(convs - 1) + ".bn";
      const torch::Tensor scale = value(n, 1), bias = value(n, 2), mean = value(n, 3), var = value(n, 4);
      if (!scale.defined() || !bias.defined() || !mean.defined() || !var.defined()) continue;
      add(p + ".weight", scale);
      add(p + ".bias", bias);
      add(p + ".running_mean", mean);
      add(p + ".running_var", var);
    } else if (n.op == "Gemm" || n.op == "MatMul" || n.op == "QLinearMatMul") {
      torch::Tensor wt;
      bool transposed = false;   // stored [out, in] like torch.nn.Linear
      if (n.op == "QLinearMatMul") {
        // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point
        const torch::Tensor bq = value(n, 3), b_scale = value(n, 4);
        if (bq.defined() && b_scale.defined()) wt = dequantize(bq, b_scale, value(n, 5), -1);
        ++quantised;
      } else {
        wt = value(n, 1);
        transposed = n.op == "Gemm" && number(n, "transB", 0) != 0;
      }
      if (!wt.defined() || wt.dim() != 2) continue;
      const std::string p = "linear." + std::to_string(linears++);
      add(p + ".weight", transposed ? wt : wt.t());
      if (n.op == "Gemm")
        if (const torch::Tensor b = value(n, 2); b.defined()) add(p + ".bias", b);
    }
  }
  if (w.tensors.empty()) throw std::runtime_error(path + ": an ONNX graph without stored Conv, BatchNormalization or Gemm weights");
  w.notes.push_back(std::to_string(convs) + " convolutions, " + std::to_string(linears) + " linear layers in graph order");
  if (quantised) w.notes.push_back(std::to_string(quantised) + " int8 layers dequantised: w = (w_int8 - zero_point) * scale, bias = bias_int32 * x_scale * w_scale");
  return w;
}

}  // namespace dflab
