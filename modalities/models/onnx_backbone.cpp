#include "modalities/models/onnx_backbone.h"

#include <filesystem>

namespace dflab {

PluginInfo OnnxBackboneModel::info() {
  return {kind::model, "onnx_backbone",
          "frozen ImageNet ONNX backbone (OpenCV DNN), pooled layer features, cached; trained linear head",
          {ParamSpec::required("model", ParamType::string, "ONNX file of the backbone (e.g. MobileNetV2 of ../shared/models)")
               .as_path(PathRole::input_file),
           ParamSpec::string("layer", "onnx_node!627_DequantizeLinear",
                             "layer whose output [1, F, h, w] is pooled (default: MobileNetV2-12-int8's last 1280x7x7)"),
           input_size_param(224, 32), dropout_param(0.0)}};
}

OnnxBackboneModel::OnnxBackboneModel(const Params& p) : path_(p.string("model")), layer_(p.string("layer")) {
  if (!std::filesystem::is_regular_file(path_))
    throw std::runtime_error("onnx_backbone: model file " + path_ + " does not exist");
  try {
    net_ = cv::dnn::readNetFromONNX(path_);
  } catch (const cv::Exception& e) {
    throw std::runtime_error("onnx_backbone: " + path_ + " is not a readable ONNX network: " + e.what());
  }
  if (net_.empty()) throw std::runtime_error("onnx_backbone: " + path_ + " is not a readable ONNX network");
  if (net_.getLayerId(layer_) < 0)
    throw std::runtime_error("onnx_backbone: " + path_ + " has no layer '" + layer_ + "'");
  const std::int64_t s = p.integer("input_size");
  input_ = {Modality::video, 3, s, s, 1, "float, ImageNet-normalised RGB"};
  // The head's width is whatever the layer gives.
  n_features_ = features(torch::zeros({3, s, s})).size(0);
  cache_.clear();
  drop_ = torch::nn::Dropout(p.real("dropout"));
  head_ = torch::nn::Linear(n_features_, 1);
}

torch::Tensor OnnxBackboneModel::features(const torch::Tensor& sample) {
  const torch::Tensor x = sample.detach().to(torch::kCPU, torch::kFloat).contiguous();
  std::string key(reinterpret_cast<const char*>(x.data_ptr<float>()), static_cast<std::size_t>(x.numel()) * sizeof(float));
  if (auto it = cache_.find(key); it != cache_.end()) {
    ++cache_hits_;
    return it->second;
  }
  const int dims[] = {1, static_cast<int>(x.size(0)), static_cast<int>(x.size(1)), static_cast<int>(x.size(2))};
  cv::Mat blob(4, dims, CV_32F, const_cast<float*>(x.data_ptr<float>()));
  cv::Mat out;
  try {
    net_.setInput(blob);
    out = net_.forward(layer_);   // [1, F, h, w]
  } catch (const cv::Exception& e) {
    throw std::runtime_error("onnx_backbone: " + path_ + " failed on a " + c10::str(x.sizes()) + " input: " + e.what());
  }
  if (out.dims != 4 || out.size[0] != 1)
    throw std::runtime_error("onnx_backbone: layer '" + layer_ + "' of " + path_ + " does not give [1, F, h, w]");
  const std::vector<std::int64_t> shape = {out.size[1], out.size[2], out.size[3]};
  torch::Tensor f = torch::from_blob(out.ptr<float>(), shape, torch::kFloat).mean({1, 2}).clone();   // [F]
  cache_.emplace(std::move(key), f);
  return f;
}

torch::Tensor OnnxBackboneModel::forward(const torch::Tensor& x) {
  check_input("onnx_backbone", x, {3, input_.height, input_.width});
  std::vector<torch::Tensor> rows;
  for (std::int64_t i = 0; i < x.size(0); ++i) rows.push_back(features(x[i]));
  torch::Tensor f = torch::stack(rows).to(head_->weight.device());   // [N, F], no gradient
  return head_(drop_(f)).squeeze(1);                                  // [N]
}

std::vector<std::pair<std::string, torch::Tensor>> OnnxBackboneModel::named_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : head_->named_parameters()) out.emplace_back("head." + p.key(), p.value());
  return out;
}

}  // namespace dflab
