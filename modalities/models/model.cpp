#include "modalities/models/model.h"

#include <ATen/record_function.h>

#include <cstring>
#include <stdexcept>

namespace dflab {

std::int64_t Model::n_parameters() const {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

namespace {

// State of one count_mult_adds call on this thread (RecordFunction callbacks are plain function
// pointers, so they reach it through a thread_local).
struct MacCounter {
  double mult_adds = 0;
  std::vector<bool> inside_counted;   // one entry per open op: is it, or an op around it, counted?
};
thread_local MacCounter* t_counter = nullptr;

std::int64_t prod(c10::IntArrayRef v, std::size_t from = 0) {
  std::int64_t p = 1;
  for (std::size_t i = from; i < v.size(); ++i) p *= v[i];
  return p;
}

double convolution_mult_adds(c10::ArrayRef<const c10::IValue> in) {
  // aten::[_]convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...)
  if (in.size() < 9 || !in[0].isTensor() || !in[1].isTensor()) return 0;
  const auto x = in[0].toTensor().sizes();
  const auto w = in[1].toTensor().sizes();   // [C_out, C_in/g, k...] (transposed: [C_in, C_out/g, k...])
  const auto stride = in[3].toIntVector(), padding = in[4].toIntVector(), dilation = in[5].toIntVector();
  const bool transposed = in[6].toBool();
  const std::size_t n_spatial = w.size() - 2;
  const std::int64_t kernel = prod(w, 2);
  if (transposed)   // every input position scatters into C_out/g * kernel outputs
    return static_cast<double>(prod(x)) * static_cast<double>(w[1] * kernel);
  std::int64_t out_positions = 1;
  for (std::size_t d = 0; d < n_spatial; ++d) {
    const auto pick = [d](const std::vector<std::int64_t>& v) { return v.size() == 1 ? v[0] : v[d]; };
    const std::int64_t k = w[2 + d];
    out_positions *= (x[2 + d] + 2 * pick(padding) - pick(dilation) * (k - 1) - 1) / pick(stride) + 1;
  }
  return static_cast<double>(x[0]) * static_cast<double>(w[0]) * static_cast<double>(out_positions) *
         static_cast<double>(w[1] * kernel);
}

double matmul_mult_adds(const char* name, c10::ArrayRef<const c10::IValue> in) {
  const bool addmm = std::strcmp(name, "aten::addmm") == 0;
  const std::size_t a_i = addmm ? 1 : 0, b_i = a_i + 1;
  if (in.size() <= b_i || !in[a_i].isTensor() || !in[b_i].isTensor()) return 0;
  const auto a = in[a_i].toTensor(), b = in[b_i].toTensor();
  if (std::strcmp(name, "aten::linear") == 0)   // b is the weight [out, in]
    return static_cast<double>(a.numel()) * static_cast<double>(b.size(0));
  if (a.dim() == 0 || b.dim() == 0) return 0;
  const double k = static_cast<double>(a.size(-1));
  const double n = b.dim() >= 2 ? static_cast<double>(b.size(-1)) : 1.0;
  const double m = a.dim() >= 2 ? static_cast<double>(a.size(-2)) : 1.0;
  // rows of a (batch dims included) * n * k, or b's batch dims when b carries the batch
  const double via_a = static_cast<double>(a.numel()) / k * n;
  const double via_b = static_cast<double>(b.numel()) / k * m;
  return std::max(via_a, via_b) * k;
}

bool is_counted(const char* name) {
  // aten::_convolution: what torch.jit.trace records for a conv (same leading arguments).
  static const char* const counted[] = {"aten::convolution", "aten::_convolution", "aten::linear", "aten::addmm",
                                        "aten::mm",          "aten::bmm",          "aten::matmul"};
  for (const char* c : counted)
    if (std::strcmp(name, c) == 0) return true;
  return false;
}

std::unique_ptr<at::ObserverContext> on_op_start(const at::RecordFunction& fn) {
  MacCounter* c = t_counter;
  if (!c) return nullptr;
  const bool outer = !c->inside_counted.empty() && c->inside_counted.back();
  const char* name = fn.name();
  if (!outer && is_counted(name)) {
    const bool conv = std::strcmp(name, "aten::convolution") == 0 || std::strcmp(name, "aten::_convolution") == 0;
    c->mult_adds += conv ? convolution_mult_adds(fn.inputs())
                                                                 : matmul_mult_adds(name, fn.inputs());
    c->inside_counted.push_back(true);
  } else {
    c->inside_counted.push_back(outer);
  }
  return nullptr;
}

void on_op_end(const at::RecordFunction&, at::ObserverContext*) {
  if (t_counter && !t_counter->inside_counted.empty()) t_counter->inside_counted.pop_back();
}

}  // namespace

double count_mult_adds(Model& model, const std::vector<std::int64_t>& input_shape) {
  return count_mult_adds(model, [&] { model.forward(torch::zeros(input_shape)); });
}

double count_mult_adds(Model& model, const std::function<void()>& run) {
  const bool was_training = model.is_training();
  model.eval();
  MacCounter counter;
  t_counter = &counter;
  const auto handle = at::addThreadLocalCallback(
      at::RecordFunctionCallback(&on_op_start, &on_op_end).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
  try {
    torch::NoGradGuard no_grad;
    run();
  } catch (...) {
    at::removeCallback(handle);
    t_counter = nullptr;
    model.train(was_training);
    throw;
  }
  at::removeCallback(handle);
  t_counter = nullptr;
  model.train(was_training);
  return counter.mult_adds;
}

void check_max_params(const std::string& name, std::int64_t n_parameters, std::int64_t max_params) {
  if (n_parameters > max_params)
    throw std::invalid_argument("model " + name + " has " + std::to_string(n_parameters) +
                                " parameters, above the limit of " + std::to_string(max_params));
}

std::vector<std::pair<std::string, torch::Tensor>> module_state(const torch::nn::Module& net) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : net.named_parameters()) out.emplace_back(p.key(), p.value());
  for (const auto& b : net.named_buffers()) out.emplace_back(b.key(), b.value());
  return out;
}

ParamSpec dropout_param(double def) {
  return ParamSpec::real("dropout", def, "dropout probability before the final linear layer").range(0.0, 0.95);
}

ParamSpec input_size_param(std::int64_t def, std::int64_t min) {
  return ParamSpec::integer("input_size", def, "side of the square input crop").range(min, 1024).with_unit("px");
}

ParamSpec width_param(double def) {
  return ParamSpec::real("width", def, "channel width multiplier (1 = the paper's widths)").range(0.125, 4.0);
}

ParamSpec in_channels_param(std::int64_t def) {
  return ParamSpec::integer("in_channels", def, "input channels (3 RGB, 1 spectrogram)").range(1, 64);
}

void check_input(const char* model, const torch::Tensor& x, const std::vector<std::int64_t>& dims) {
  bool ok = x.dim() == static_cast<std::int64_t>(dims.size()) + 1;
  for (std::size_t i = 0; ok && i < dims.size(); ++i) ok = dims[i] < 0 || x.size(static_cast<std::int64_t>(i) + 1) == dims[i];
  if (ok) return;
  std::string want = "[N";
  for (auto d : dims) want += ", " + (d < 0 ? std::string("*") : std::to_string(d));
  throw std::invalid_argument(std::string(model) + ": expected input " + want + "], got " +
                              c10::str(x.sizes()));
}

}  // namespace dflab
