#pragma once
// onnx_backbone: a frozen ImageNet backbone run by OpenCV DNN (e.g. the MobileNetV2 of
// ../shared/models/mobilenetv2/, the one ImageNet-1k network available offline), features of a
// named layer globally average-pooled, and a linear head trained in libtorch. The backbone takes
// no gradient; its pooled features are cached per crop (by the bytes of the input sample), so
// every epoch after the first trains only the head and is fast on a CPU.
//
//   [[models]]  plugin = "onnx_backbone"  model = "../shared/models/mobilenetv2/mobilenetv2-12-int8.onnx"
//
// parameters() and the multiply-adds of count_mult_adds cover the head only (the backbone is not
// a torch module); n_backbone_features() says what the head sees.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <opencv2/dnn.hpp>

#include "modalities/models/model.h"

namespace dflab {

class OnnxBackboneModel final : public Model {
 public:
  static PluginInfo info();
  // Throws std::runtime_error naming the file (missing, not ONNX) or the layer (not in the net).
  explicit OnnxBackboneModel(const Params& p);

  InputSpec input() const override { return input_; }
  // x: [N, 3, S, S] float, ImageNet-normalised RGB -> logits [N]
  torch::Tensor forward(const torch::Tensor& x) override;
  std::vector<torch::Tensor> parameters() const override { return head_->parameters(); }
  std::vector<std::pair<std::string, torch::Tensor>> named_state() const override;
  void train(bool on = true) override {
    head_->train(on);
    drop_->train(on);
  }
  bool is_training() const override { return head_->is_training(); }
  void to(const torch::Device& device) override { head_->to(device); }

  std::int64_t n_backbone_features() const { return n_features_; }
  std::size_t cache_size() const { return cache_.size(); }
  std::size_t cache_hits() const { return cache_hits_; }

 private:
  torch::Tensor features(const torch::Tensor& sample);   // [3, S, S] -> [F], cached

  std::string path_, layer_;
  InputSpec input_;
  cv::dnn::Net net_;
  std::int64_t n_features_ = 0;
  torch::nn::Dropout drop_{nullptr};
  torch::nn::Linear head_{nullptr};
  std::unordered_map<std::string, torch::Tensor> cache_;   // key: the sample's raw bytes
  std::size_t cache_hits_ = 0;
};

}  // namespace dflab
