#include "modalities/av/models/av_sync.h"

#include <cmath>
#include <stdexcept>

namespace dflab {

namespace {
using torch::nn::Conv2dOptions;

void conv_bn_relu(torch::nn::Sequential& s, std::int64_t in, std::int64_t out, std::vector<std::int64_t> stride) {
  s->push_back(torch::nn::Conv2d(Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
  s->push_back(nn::BatchNorm2d(out));
  s->push_back(torch::nn::ReLU());
}

// Mouths with their T frames on channels (SyncNet's early fusion): 48 x 96 -> 6 x 6 -> 2 x 4 cells.
torch::nn::Sequential mouth_stream(std::int64_t frames, std::int64_t embed) {
  torch::nn::Sequential s;
  conv_bn_relu(s, 3 * frames, 64, {1, 2});
  conv_bn_relu(s, 64, 96, {2, 2});
  conv_bn_relu(s, 96, 128, {2, 2});
  conv_bn_relu(s, 128, 128, {2, 2});
  s->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions({2, 4})));
  s->push_back(torch::nn::Flatten());
  s->push_back(torch::nn::Linear(128 * 8, embed));
  return s;
}

// The feature window (bins x frames): time kept at first, frequencies pooled later.
torch::nn::Sequential audio_stream(std::int64_t embed) {
  torch::nn::Sequential s;
  conv_bn_relu(s, 1, 64, {1, 1});
  conv_bn_relu(s, 64, 96, {2, 1});
  conv_bn_relu(s, 96, 128, {2, 2});
  s->push_back(torch::nn::AdaptiveAvgPool2d(torch::nn::AdaptiveAvgPool2dOptions({2, 4})));
  s->push_back(torch::nn::Flatten());
  s->push_back(torch::nn::Linear(128 * 8, embed));
  return s;
}
}  // namespace

AvSyncImpl::AvSyncImpl(const AvSyncOptions& o) : o_(o) {
  video = register_module("video", mouth_stream(o.unit.stack, o.embed));
  sound = register_module("sound", audio_stream(o.embed));
  // softplus(scale) = 5 and margin 0.5 at the start: logits of a few units either side of zero.
  scale_ = register_parameter("scale", torch::full({1}, std::log(std::expm1(5.0))));
  margin_ = register_parameter("margin", torch::full({1}, 0.5));
}

torch::Tensor AvSyncImpl::embed_mouths(const torch::Tensor& mouths) {
  check_input("av_sync mouths", mouths, {o_.unit.stack, 3, o_.unit.mouth_height, o_.unit.mouth_width});
  return torch::nn::functional::normalize(video->forward(mouths.flatten(1, 2)),
                                          torch::nn::functional::NormalizeFuncOptions().dim(1));
}

torch::Tensor AvSyncImpl::embed_audio(const torch::Tensor& audio) {
  check_input("av_sync audio", audio, {1, o_.unit.audio_bins, o_.unit.audio_frames});
  return torch::nn::functional::normalize(sound->forward(audio), torch::nn::functional::NormalizeFuncOptions().dim(1));
}

torch::Tensor AvSyncImpl::forward(const torch::Tensor& mouths, const torch::Tensor& audio) {
  if (mouths.dim() > 0 && audio.dim() > 0 && mouths.size(0) != audio.size(0))
    throw std::invalid_argument("av_sync: " + std::to_string(mouths.size(0)) + " mouth stacks but " +
                                std::to_string(audio.size(0)) + " audio windows");
  return logits(embed_mouths(mouths), embed_audio(audio));
}

torch::Tensor AvSyncImpl::logits(const torch::Tensor& mouth_embedding, const torch::Tensor& audio_embedding) {
  const torch::Tensor cosine = (mouth_embedding * audio_embedding).sum(1);   // [N]
  return torch::nn::functional::softplus(scale_) * (margin_ - cosine);
}

PluginInfo AvSyncModel::info() {
  std::vector<ParamSpec> params = AvUnitShape::params();
  params.push_back(ParamSpec::integer("embed", 128, "embedding size of each stream").range(4, 4096));
  return {kind::model, "av_sync",
          "SyncNet-style audio-visual sync network (modality av): mouth-stack and audio embeddings, logit = "
          "out of sync; train with real_only = true and av_shift; mouths [N,T,3,H,W] + audio [N,1,F,W] -> [N]",
          params};
}

AvSyncModel::AvSyncModel(const Params& p) {
  AvSyncOptions o;
  o.unit = AvUnitShape::from(p);
  o.embed = p.integer("embed");
  net_ = AvSync(o);
  shape_ = o.unit;
}

torch::Tensor AvSyncModel::forward_av(const torch::Tensor& mouths, const torch::Tensor& audio) {
  return net_->forward(mouths, audio);
}

}  // namespace dflab
