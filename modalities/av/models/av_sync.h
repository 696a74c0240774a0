#pragma once
// av_sync (model "av_sync"): a SyncNet-style two-stream network for audio-visual agreement. A stack
// of T mouth crops and an audio window are each mapped to a unit-length embedding; the logit is
// "out of sync": scale x (margin - cosine similarity), scale and margin learned. Trained with
// real_only = true and av_shift (real videos only: the same clip's audio from other times as the
// negatives), it needs no fake at all; `dflab av sync` then slides the audio against the mouths
// to find a video's offset and confidence (experiments/training/av_sync_curve.h), and a video's
// score in `dflab run` is the mean probability that its units, as recorded, are out of sync.
// ref: Chung & Zisserman, "Out of time: automated lip sync in the wild", ACCV 2016 workshops
// (5 stacked mouth frames; 0.2 s of MFCC; contrastive embedding distance, offset by minimum).

#include "modalities/av/models/av_model.h"

namespace dflab {

struct AvSyncOptions {
  AvUnitShape unit;                              // = [av]'s
  std::int64_t embed = 128;                      // embedding size of each stream
};

class AvSyncImpl : public torch::nn::Module {
 public:
  explicit AvSyncImpl(const AvSyncOptions& o);
  // mouths [N, T, 3, H, W] -> [N, E] and audio [N, 1, F, W] -> [N, E], unit length.
  torch::Tensor embed_mouths(const torch::Tensor& mouths);
  torch::Tensor embed_audio(const torch::Tensor& audio);
  // Unit-length embeddings of the same rows -> out-of-sync logits [N].
  torch::Tensor logits(const torch::Tensor& mouth_embedding, const torch::Tensor& audio_embedding);
  // Both -> out-of-sync logits [N].
  torch::Tensor forward(const torch::Tensor& mouths, const torch::Tensor& audio);

 private:
  AvSyncOptions o_;
  torch::nn::Sequential video{nullptr}, sound{nullptr};
  torch::Tensor scale_, margin_;   // logit = softplus(scale_) x (margin_ - cosine)
};
TORCH_MODULE(AvSync);

class AvSyncModel final : public AvNetModel<AvSync> {
 public:
  static PluginInfo info();
  explicit AvSyncModel(const Params& p);
  torch::Tensor forward_av(const torch::Tensor& mouths, const torch::Tensor& audio) override;
  bool embeds_streams_separately() const override { return true; }
  torch::Tensor embed_mouths(const torch::Tensor& mouths) override { return net_->embed_mouths(mouths); }
  torch::Tensor embed_audio(const torch::Tensor& audio) override { return net_->embed_audio(audio); }
  torch::Tensor logits_of_embeddings(const torch::Tensor& m, const torch::Tensor& a) override { return net_->logits(m, a); }

 private:
  std::string name_for_errors() const override { return "av_sync"; }
};

}  // namespace dflab
