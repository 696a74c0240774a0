#include "modalities/av/models/av_joint.h"

#include <stdexcept>

namespace dflab {

namespace {
torch::nn::Sequential conv_stream(std::int64_t in_channels, std::int64_t embed) {
  using torch::nn::Conv2dOptions;
  torch::nn::Sequential s;
  std::int64_t c = in_channels;
  for (std::int64_t out : {32, 64}) {
    s->push_back(torch::nn::Conv2d(Conv2dOptions(c, out, 3).stride(2).padding(1).bias(false)));
    s->push_back(nn::BatchNorm2d(out));
    s->push_back(torch::nn::ReLU());
    c = out;
  }
  s->push_back(torch::nn::Conv2d(Conv2dOptions(c, embed, 3).padding(1)));
  s->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions({1, 1})));
  s->push_back(torch::nn::Flatten());
  return s;
}
}  // namespace

AvJointImpl::AvJointImpl(const AvJointOptions& o) : o_(o) {
  video = register_module("video", conv_stream(3 * o.unit.stack, o.embed));   // frames stacked on channels
  sound = register_module("sound", conv_stream(1, o.embed));
  head = register_module("head", torch::nn::Sequential(torch::nn::Linear(3 * o.embed, 64), torch::nn::ReLU(),
                                                       torch::nn::Dropout(o.dropout), torch::nn::Linear(64, 1)));
}

torch::Tensor AvJointImpl::forward(torch::Tensor mouths, torch::Tensor audio) {
  check_input("av_joint mouths", mouths, {o_.unit.stack, 3, o_.unit.mouth_height, o_.unit.mouth_width});
  check_input("av_joint audio", audio, {1, o_.unit.audio_bins, o_.unit.audio_frames});
  if (mouths.size(0) != audio.size(0))
    throw std::invalid_argument("av_joint: " + std::to_string(mouths.size(0)) + " mouth stacks but " +
                                std::to_string(audio.size(0)) + " audio windows");
  const torch::Tensor v = video->forward(mouths.flatten(1, 2));   // [N, T*3, H, W] -> [N, E]
  const torch::Tensor a = sound->forward(audio);                  // [N, 1, F, W] -> [N, E]
  return head->forward(torch::cat({v, a, v * a}, /*dim=*/1)).squeeze(1);   // [N]
}

PluginInfo AvJointModel::info() {
  std::vector<ParamSpec> params = AvUnitShape::params();
  params.push_back(ParamSpec::integer("embed", 64, "embedding size of each stream").range(4, 4096));
  params.push_back(dropout_param(0.3));
  return {kind::model, "av_joint",
          "small two-stream classifier of mouth-crop stacks and their audio window (modality av); "
          "mouths [N,T,3,H,W] + audio [N,1,F,W] -> [N]",
          params};
}

AvJointModel::AvJointModel(const Params& p) {
  AvJointOptions o;
  o.unit = AvUnitShape::from(p);
  o.embed = p.integer("embed");
  o.dropout = p.real("dropout");
  net_ = AvJoint(o);
  shape_ = o.unit;
}

torch::Tensor AvJointModel::forward_av(const torch::Tensor& mouths, const torch::Tensor& audio) {
  return net_->forward(mouths, audio);
}

}  // namespace dflab
