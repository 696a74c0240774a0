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
  video = register_module("video", conv_stream(3 * o.stack, o.embed));   // frames stacked on channels
  sound = register_module("sound", conv_stream(1, o.embed));
  head = register_module("head", torch::nn::Sequential(torch::nn::Linear(3 * o.embed, 64), torch::nn::ReLU(),
                                                       torch::nn::Dropout(o.dropout), torch::nn::Linear(64, 1)));
}

torch::Tensor AvJointImpl::forward(torch::Tensor mouths, torch::Tensor audio) {
  check_input("av_joint mouths", mouths, {o_.stack, 3, o_.mouth_height, o_.mouth_width});
  check_input("av_joint audio", audio, {1, o_.audio_bins, o_.audio_frames});
  if (mouths.size(0) != audio.size(0))
    throw std::invalid_argument("av_joint: " + std::to_string(mouths.size(0)) + " mouth stacks but " +
                                std::to_string(audio.size(0)) + " audio windows");
  const torch::Tensor v = video->forward(mouths.flatten(1, 2));   // [N, T*3, H, W] -> [N, E]
  const torch::Tensor a = sound->forward(audio);                  // [N, 1, F, W] -> [N, E]
  return head->forward(torch::cat({v, a, v * a}, /*dim=*/1)).squeeze(1);   // [N]
}

PluginInfo AvJointModel::info() {
  using P = ParamSpec;
  return {kind::model, "av_joint",
          "small two-stream classifier of mouth-crop stacks and their audio window (modality av); "
          "mouths [N,T,3,H,W] + audio [N,1,F,W] -> [N]",
          {P::integer("stack", 5, "mouth crops per unit; = [av] stack").range(1, 100),
           P::integer("mouth_height", 48, "= [av] mouth_height").range(8, 1024).with_unit("px"),
           P::integer("mouth_width", 96, "= [av] mouth_width").range(8, 1024).with_unit("px"),
           P::integer("audio_bins", 13, "rows of the [av] feature window (e.g. n_mfcc)").range(1, 4096),
           P::integer("audio_frames", 21, "columns of the [av] feature window (1 + window samples / hop)")
               .range(1, 100000),
           P::integer("embed", 64, "embedding size of each stream").range(4, 4096),
           dropout_param(0.3)}};
}

AvJointModel::AvJointModel(const Params& p) {
  AvJointOptions o;
  o.stack = p.integer("stack");
  o.mouth_height = p.integer("mouth_height");
  o.mouth_width = p.integer("mouth_width");
  o.audio_bins = p.integer("audio_bins");
  o.audio_frames = p.integer("audio_frames");
  o.embed = p.integer("embed");
  o.dropout = p.real("dropout");
  net_ = AvJoint(o);
  audio_bins_ = o.audio_bins;
  audio_frames_ = o.audio_frames;
  // The mouths as a sequence; the audio beside them (audio_shape) goes to forward_av.
  input_ = {Modality::sequence, 3, o.mouth_height, o.mouth_width, o.stack,
            "mouth crops, ImageNet-normalised RGB; + audio [N, 1, " + std::to_string(o.audio_bins) + ", " +
                std::to_string(o.audio_frames) + "] of the same times, standardised (modality av, forward_av)"};
}

torch::Tensor AvJointModel::forward_av(const torch::Tensor& mouths, const torch::Tensor& audio) {
  return net_->forward(mouths, audio);
}

std::vector<std::pair<std::string, torch::Tensor>> AvJointModel::named_state() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (const auto& p : net_->named_parameters()) out.emplace_back(p.key(), p.value());
  for (const auto& b : net_->named_buffers()) out.emplace_back(b.key(), b.value());
  return out;
}

}  // namespace dflab
