#pragma once
// The aggregator and fusion plugins alone, for tests that need no other library.
#include "modalities/aggregators/aggregator.h"
#include "modalities/fusion/fusion.h"

namespace dflab {

inline Registry fusion_plugin_registry() {
  Registry r;
  register_aggregator_plugins(r);
  register_fusion_plugins(r);
  return r;
}

}  // namespace dflab
