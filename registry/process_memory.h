#pragma once
// How the process treats memory it frees (glibc malloc settings); torch-free, set once in main().

namespace dflab {

// Keeps memory that tensors free inside the process (glibc malloc: no mmap for large blocks, no
// trimming) instead of handing it back to the kernel. Why: by default every block over the mmap
// threshold (at most 32 MB) is a fresh mapping, so each training or inference step page-faults its
// activations in again — on this project's VMs that was a quarter of python3-torch's CPU time and
// up to 4x its step time for meso4 at 256 px (reports/train_bench.md). The price: RSS stays at its
// peak instead of shrinking between steps. DFLAB_MALLOC=default in the environment turns it off.
// Call once, early in main(). Returns false when it was turned off or glibc refused.
bool keep_freed_memory_in_process();

}  // namespace dflab
