#pragma once
// Batches for training and inference, made by worker threads ahead of the consumer (a bounded,
// ordered queue): samples are loaded from a SampleSource, augmented (training only), normalised
// and stacked into one tensor.
//
//   BatchLoader loader(source, plan, {/*workers=*/2, /*capacity=*/4, /*training=*/true, seed, epoch, augs});
//   while (std::optional<Batch> b = loader.next()) train_step(b->x, b->target);
//
// Batches come out in plan order whatever the number of workers, and every sample's randomness
// (window position, augmentation draws, mixing partner) comes from an rng seeded by (seed, epoch,
// batch, position): a run is reproducible, and a resumed epoch sees exactly the same batches.
// With real_only (SampleRef::forge) half of a batch is made fake by a blending augmentation.
// Memory: at most `capacity` batches (plus one per worker) exist at a time.

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <torch/torch.h>

#include "experiments/training/sample_source.h"
#include "modalities/models/model.h"

namespace dflab {

struct SampleRef {
  std::size_t video = 0;
  std::size_t unit = 0;
  // real_only training: this copy of a real unit is made fake by the blending augmentation
  // (Augmentation::forge); the unit's plain copy sits in the same batch.
  bool forge = false;
};

struct Batch {
  std::size_t index = 0;
  torch::Tensor x;        // video [N,3,H,W]; sequence and av mouths [N,T,3,H,W]; audio [N,1,F,T]; float32
  torch::Tensor audio;    // av: the audio windows of the same times [N,1,F,W]; undefined otherwise
  torch::Tensor target;   // [N] float32 in [0, 1] (soft after mixing)
  std::vector<SampleRef> refs;
};

struct LoaderOptions {
  int workers = 2;        // 0: load in the calling thread
  int capacity = 4;       // batches made ahead of the consumer
  bool training = false;  // jitter + augmentations
  std::uint64_t seed = 42;
  int epoch = 0;
  std::vector<const Augmentation*> augmentations;   // not owned, applied in order
  // real_only training (SBI): refs with `forge` go through one of the blending augmentations
  // (drawn per sample when there are several) without its p draw; refs without it skip them.
  // Both copies of a unit in a batch load the same crops (their jitter comes from (seed, epoch,
  // batch, video, unit)), so a pair differs only by the blend and its own augmentation draws.
  bool real_only = false;
  bool sequence = false;  // stack video units as [N,T,3,H,W] (sequence models)
  bool hflip = false;     // mirror every sample (flip test-time augmentation)
};

class BatchLoader {
 public:
  BatchLoader(const SampleSource& source, std::vector<std::vector<SampleRef>> plan, LoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // The next batch in plan order; nullopt after the last. Rethrows a worker's exception.
  std::optional<Batch> next();
  std::size_t size() const { return plan_.size(); }

 private:
  Batch make(std::size_t b) const;
  void work();

  const SampleSource& source_;
  std::vector<std::vector<SampleRef>> plan_;
  LoaderOptions options_;
  InputNormalisation norm_;
  std::vector<std::size_t> with_units_;   // videos that have units (mixing partners)
  std::vector<std::size_t> reals_with_units_;   // real ones among them (PartnerKind::real)

  std::mutex mutex_;
  std::condition_variable ready_cv_, space_cv_;
  std::map<std::size_t, Batch> ready_;
  std::size_t next_out_ = 0, next_make_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> workers_;
};

// Stacks samples into the model's layout (see Batch::x) and normalises them: video BGR uint8 ->
// RGB float in [0,1] -> (x - mean) / std per channel; audio (x - mean) / std.
torch::Tensor samples_to_tensor(const std::vector<AugmentSample>& samples, const InputNormalisation& norm,
                                bool sequence);

// The two halves of an av source's normalisation (RGB mean/std, then the audio's): the mouths'
// (as video) and the audio windows' (as audio), for samples_to_tensor.
InputNormalisation av_mouth_normalisation(const InputNormalisation& norm);
InputNormalisation av_audio_normalisation(const InputNormalisation& norm);

// av samples (mouth stacks in frames, the audio window in feature) -> {mouths [N,T,3,H,W], audio
// [N,1,F,W]}: mouths as video with norm.mean/std[0..2], audio by norm.mean/std[3].
std::pair<torch::Tensor, torch::Tensor> av_samples_to_tensors(const std::vector<AugmentSample>& samples,
                                                              const InputNormalisation& norm);

// The model's logits [N] for a batch: forward(x), or forward_av(x, audio) for an audio-visual
// model (modalities/av/models/av_model.h). Throws std::invalid_argument when a batch with audio
// meets a model that is not audio-visual, or the other way round.
torch::Tensor forward_batch(Model& model, const Batch& batch, const torch::Device& device);

// A 64-bit seed from several integers (splitmix64 of each, chained).
std::uint64_t mix_seed(std::initializer_list<std::uint64_t> parts);

}  // namespace dflab
