#include "registry/process_memory.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>

namespace dflab {

bool keep_freed_memory_in_process() {
  const char* env = std::getenv("DFLAB_MALLOC");
  if (env && std::strcmp(env, "default") == 0) return false;
  // mmap_max 0: large blocks come from the heap too (a thread arena that cannot hold one falls back
  // to the main arena); trim threshold at its maximum: free never shrinks the heap.
  const bool no_mmap = mallopt(M_MMAP_MAX, 0) == 1;
  const bool no_trim = mallopt(M_TRIM_THRESHOLD, -1) == 1;   // -1: the largest size_t, as glibc reads it
  return no_mmap && no_trim;
}

}  // namespace dflab
