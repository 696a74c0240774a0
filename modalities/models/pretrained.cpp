#include "modalities/models/pretrained.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace dflab {

namespace {

using Named = std::vector<std::pair<std::string, torch::Tensor>>;

std::string prefix_of(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? "" : name.substr(0, dot);
}
std::string leaf_of(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}
bool optional_tensor(const std::string& name) { return leaf_of(name) == "num_batches_tracked"; }
std::vector<std::int64_t> shape_of(const torch::Tensor& t) { return t.sizes().vec(); }

// The model's head: the module of its last 2-D parameter with one output row.
std::string head_module(const Named& state) {
  std::string head;
  for (const auto& [name, t] : state)
    if (leaf_of(name) == "weight" && t.dim() == 2 && t.size(0) == 1) head = prefix_of(name);
  return head;
}

// Modules in order of first appearance, each with its tensors.
struct Module {
  std::string prefix;
  Named tensors;
};
std::vector<Module> modules_of(const Named& state) {
  std::vector<Module> out;
  std::map<std::string, std::size_t> index;
  for (const auto& [name, t] : state) {
    const std::string p = prefix_of(name);
    auto it = index.find(p);
    if (it == index.end()) {
      it = index.emplace(p, out.size()).first;
      out.push_back({p, {}});
    }
    out[it->second].tensors.emplace_back(name, t);
  }
  return out;
}

class Mapper {
 public:
  Mapper(Model& model, const WeightFile& w, bool apply) : model_(model), w_(w), apply_(apply), state_(model.named_state()) {
    head_ = head_module(state_);
    r_.file = w.path;
    r_.format = w.format;
    r_.notes = w.notes;
  }

  WeightLoadReport run() {
    if (w_.format == "onnx") {
      by_onnx_layers();
    } else {
      by_name();
      // Names of another library (timm): pair modules in order instead, when that fills more.
      const std::size_t backbone = std::count_if(state_.begin(), state_.end(), [&](const auto& p) {
        return !is_head(p.first) && !optional_tensor(p.first);
      });
      if (r_.matched.size() * 2 < backbone) {
        Mapper other(model_, w_, apply_);
        other.by_module_order();
        if (other.r_.matched.size() > r_.matched.size()) return other.finish();
      }
    }
    return finish();
  }

 private:
  bool is_head(const std::string& model_name) const { return !head_.empty() && prefix_of(model_name) == head_; }

  // Pairs one model tensor with a file tensor (or a value made from one).
  void pair(const std::string& model_name, const torch::Tensor& model_t, const std::string& file_name,
            const torch::Tensor& value) {
    used_.insert(file_name);
    if (model_t.sizes() != value.sizes()) {
      if (is_head(model_name)) r_.head_dropped.push_back(file_name);
      else r_.mismatched.push_back({model_name, file_name, shape_of(model_t), shape_of(value)});
      return;
    }
    filled_.insert(model_name);
    r_.matched.push_back(model_name == file_name ? model_name : model_name + " <- " + file_name);
    pending_.emplace_back(model_t, value);
  }

  void by_name() {
    r_.mode = "by name";
    std::map<std::string, torch::Tensor> file;
    for (const auto& [n, t] : w_.tensors) file.emplace(n, t);
    for (const auto& [name, t] : state_) {
      const auto it = file.find(name);
      if (it != file.end()) pair(name, t, name, it->second);
    }
  }

  void by_module_order() {
    r_.mode = "by module order";
    std::vector<Module> model, file = modules_of(w_.tensors);
    for (Module& m : modules_of(state_))
      if (m.prefix != head_) model.push_back(std::move(m));
    // The file's classifier: its last module, when that holds a 2-D weight.
    std::optional<Module> file_head;
    if (!file.empty() && !head_.empty())
      for (const auto& [n, t] : file.back().tensors)
        if (leaf_of(n) == "weight" && t.dim() == 2) {
          file_head = file.back();
          file.pop_back();
          break;
        }
    const std::size_t n = std::min(model.size(), file.size());
    for (std::size_t k = 0; k < n; ++k) {
      std::map<std::string, const std::pair<std::string, torch::Tensor>*> leaves;
      for (const auto& p : file[k].tensors) leaves[leaf_of(p.first)] = &p;
      for (const auto& [name, t] : model[k].tensors) {
        const auto it = leaves.find(leaf_of(name));
        if (it != leaves.end()) pair(name, t, it->second->first, it->second->second);
      }
    }
    if (file_head) pair_head(file_head->tensors);
    if (model.size() != file.size())
      r_.notes.push_back("the model has " + std::to_string(model.size()) + " modules below its head, the file " +
                         std::to_string(file.size()));
  }

  // A file's classifier against the model's head: loaded when the shapes agree, else dropped.
  void pair_head(const Named& file_head) {
    for (const auto& [fname, ft] : file_head) {
      bool paired = false;
      for (const auto& [name, t] : state_)
        if (is_head(name) && leaf_of(name) == leaf_of(fname)) {
          pair(name, t, fname, ft);
          paired = true;
        }
      if (!paired) {
        used_.insert(fname);
        r_.head_dropped.push_back(fname);
      }
    }
  }

  void by_onnx_layers() {
    r_.mode = "onnx layers by graph order";
    std::map<std::string, torch::Tensor> file;
    for (const auto& [n, t] : w_.tensors) file.emplace(n, t);
    std::map<std::string, torch::Tensor> model;
    for (const auto& [n, t] : state_) model.emplace(n, t);
    const std::vector<Module> modules = modules_of(state_);

    // Convolutions (weights of 3 or more dimensions) in registration order, each with the
    // BatchNorm module that follows it, if any.
    int k = 0;
    for (std::size_t m = 0; m < modules.size(); ++m) {
      const std::string& p = modules[m].prefix;
      const auto wt = model.find(p + ".weight");
      if (wt == model.end() || wt->second.dim() < 3) continue;
      const std::string f = "conv." + std::to_string(k++);
      const auto fw = file.find(f + ".weight");
      if (fw == file.end()) break;   // the file has fewer convolutions: the rest is reported missing
      pair(wt->first, wt->second, fw->first, fw->second);
      const std::int64_t out = wt->second.size(0);
      std::string bn;
      if (m + 1 < modules.size() && model.count(modules[m + 1].prefix + ".running_mean") &&
          model.at(modules[m + 1].prefix + ".weight").numel() == out)
        bn = modules[m + 1].prefix;
      const auto fb = file.find(f + ".bias");
      const bool file_bn = file.count(f + ".bn.weight") > 0;
      if (model.count(p + ".bias") && fb != file.end()) pair(p + ".bias", model.at(p + ".bias"), fb->first, fb->second);
      if (bn.empty()) continue;
      if (file_bn) {
        for (const char* leaf : {"weight", "bias", "running_mean", "running_var"})
          pair(bn + "." + leaf, model.at(bn + "." + leaf), f + ".bn." + leaf, file.at(f + ".bn." + leaf));
      } else {
        // Folded: identity BatchNorm carrying the convolution's bias.
        constexpr double kEps = 1e-5;
        const auto opts = torch::TensorOptions().dtype(torch::kFloat);
        const torch::Tensor bias = fb != file.end() ? fb->second : torch::zeros({out}, opts);
        if (fb != file.end()) used_.insert(fb->first);
        pair(bn + ".weight", model.at(bn + ".weight"), f + ".bias", torch::ones({out}, opts));
        pair(bn + ".bias", model.at(bn + ".bias"), f + ".bias", bias);
        pair(bn + ".running_mean", model.at(bn + ".running_mean"), f + ".bias", torch::zeros({out}, opts));
        pair(bn + ".running_var", model.at(bn + ".running_var"), f + ".bias", torch::full({out}, 1.0 - kEps, opts));
        folded_ = true;
      }
    }
    // Linear layers in order; the model's head meets the file's last one.
    std::vector<std::string> model_linear, file_linear;
    for (const Module& m : modules) {
      const auto wt = model.find(m.prefix + ".weight");
      if (wt != model.end() && wt->second.dim() == 2 && m.prefix != head_) model_linear.push_back(m.prefix);
    }
    for (int j = 0; file.count("linear." + std::to_string(j) + ".weight"); ++j) file_linear.push_back("linear." + std::to_string(j));
    std::size_t j = 0;
    for (; j < model_linear.size() && j < file_linear.size(); ++j)
      for (const char* leaf : {"weight", "bias"}) {
        const std::string mn = model_linear[j] + "." + leaf, fn = file_linear[j] + "." + leaf;
        if (model.count(mn) && file.count(fn)) pair(mn, model.at(mn), fn, file.at(fn));
      }
    if (!head_.empty() && j < file_linear.size()) {
      Named head;
      for (const char* leaf : {"weight", "bias"})
        if (file.count(file_linear.back() + "." + leaf)) head.emplace_back(file_linear.back() + "." + leaf, file.at(file_linear.back() + "." + leaf));
      pair_head(head);
    }
    if (folded_) r_.notes.push_back("BatchNorm folded into the file's convolutions: loaded as identity BatchNorm + bias");
  }

  WeightLoadReport finish() {
    // A classifier named otherwise than the model's head (torchvision's classifier.1 against our
    // classifier): the file's last module, when it holds a 2-D weight and nothing used it.
    const std::vector<Module> file = modules_of(w_.tensors);
    if (!file.empty() && !head_.empty()) {
      const Module& last = file.back();
      const bool linear = std::any_of(last.tensors.begin(), last.tensors.end(),
                                      [](const auto& p) { return leaf_of(p.first) == "weight" && p.second.dim() == 2; });
      const bool unused = std::none_of(last.tensors.begin(), last.tensors.end(), [&](const auto& p) { return used_.count(p.first) > 0; });
      if (linear && unused) pair_head(last.tensors);
    }
    for (const auto& [name, t] : state_) {
      if (filled_.count(name)) continue;
      if (is_head(name)) r_.head_fresh.push_back(name);
      else if (!optional_tensor(name) && std::none_of(r_.mismatched.begin(), r_.mismatched.end(),
                                                       [&](const auto& m) { return m.model_name == name; }))
        r_.missing.push_back(name);
    }
    for (const auto& [n, t] : w_.tensors)
      if (!used_.count(n) && !optional_tensor(n)) r_.unexpected.push_back(n);
    if (apply_) {
      torch::NoGradGuard no_grad;
      for (auto& [dst, src] : pending_) dst.copy_(src.to(dst.dtype()));
    }
    return r_;
  }

  Model& model_;
  const WeightFile& w_;
  bool apply_;
  Named state_;
  std::string head_;
  WeightLoadReport r_;
  std::set<std::string> used_, filled_;
  std::vector<std::pair<torch::Tensor, torch::Tensor>> pending_;   // model tensor <- value
  bool folded_ = false;
};


}  // namespace

std::string WeightLoadReport::Mismatch::text() const {
  return model_name + " " + c10::str(torch::IntArrayRef(model_shape)) + " <- " + file_name + " " +
         c10::str(torch::IntArrayRef(file_shape));
}

WeightLoadReport load_pretrained_weights(Model& model, const WeightFile& weights, bool apply) {
  return Mapper(model, weights, apply).run();
}

std::string describe_problems(const WeightLoadReport& r, std::size_t limit) {
  std::ostringstream out;
  auto list = [&](const char* what, const std::vector<std::string>& xs) {
    for (std::size_t k = 0; k < xs.size() && k < limit; ++k) out << "  " << what << ": " << xs[k] << "\n";
    if (xs.size() > limit) out << "  ... and " << xs.size() - limit << " more " << what << "\n";
  };
  list("missing", r.missing);
  for (std::size_t k = 0; k < r.mismatched.size() && k < limit; ++k)
    out << "  shape mismatch: " << r.mismatched[k].text() << "\n";
  if (r.mismatched.size() > limit) out << "  ... and " << r.mismatched.size() - limit << " more shape mismatches\n";
  list("unexpected", r.unexpected);
  return out.str();
}

}  // namespace dflab
