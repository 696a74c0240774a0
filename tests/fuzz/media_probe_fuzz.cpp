// Fuzzes media probing (modalities/media/probe.h) on bytes in memory: container detection and
// stream info in libavformat, dflab's checks on what it reports, and decoding the first frame.
// probe_media never throws; a bad input must come back as ok == false with a reason.
// libav itself is Debian's uninstrumented build: libFuzzer sees coverage of dflab's code only,
// ASan still checks every access dflab makes and the libc calls libav makes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "modalities/media/probe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const dflab::MediaInfo info = dflab::probe_media_bytes(data, size, "fuzz.mp4");
  if (!info.ok && info.error.empty()) std::abort();
  if (info.ok && !info.has_video && !info.has_audio) std::abort();
  return 0;
}
