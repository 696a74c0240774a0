// Fuzzes the JSON views of the run store (experiments/store/store_json.h) as `dflab show --json`,
// `dflab runs --json` and `dflab leaderboard --json` print them. Every string in the store came
// from a user's file (the experiment TOML, model names, params, notes, artifact paths): the
// input's bytes are cut into those fields, including bytes that are not UTF-8, and NaN/inf values.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "experiments/store/store_json.h"

namespace {

using namespace dflab::store;

std::string text(FuzzedDataProvider& in) { return in.ConsumeRandomLengthString(64); }

std::optional<double> value(FuzzedDataProvider& in) {
  if (in.ConsumeBool()) return std::nullopt;
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return std::numeric_limits<double>::infinity();
    default: return in.ConsumeFloatingPoint<double>();
  }
}

RunSummary summary(FuzzedDataProvider& in) {
  RunSummary r;
  r.id = in.ConsumeIntegral<std::int64_t>();
  r.experiment = text(in);
  r.name = text(in);
  r.plugin = text(in);
  r.modality = text(in);
  r.kind = static_cast<RunKind>(in.ConsumeIntegralInRange(0, 2));
  r.status = static_cast<RunStatus>(in.ConsumeIntegralInRange(0, 3));
  r.started = text(in);
  if (in.ConsumeBool()) r.finished = text(in);
  r.duration_s = value(in);
  r.host = text(in);
  r.version = text(in);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  RunDetail d;
  d.run = summary(in);
  d.config_toml = text(in);
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i) d.params.emplace_back(text(in), text(in));
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i) d.metrics.push_back({text(in), text(in), value(in), text(in)});
  for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i)
    d.epoch_metrics.push_back({in.ConsumeIntegral<int>(), text(in), text(in), value(in)});
  for (int i = in.ConsumeIntegralInRange(0, 3); i > 0; --i) d.artifacts.push_back({text(in), text(in)});
  Leaderboard lb;
  lb.metric = text(in);
  lb.split = text(in);
  for (int i = in.ConsumeIntegralInRange(0, 3); i > 0; --i) {
    LeaderboardRow row;
    row.rank = in.ConsumeIntegral<int>();
    row.value = value(in);
    row.run = summary(in);
    row.metrics[text(in)] = value(in);
    lb.rows.push_back(row);
  }
  // What the CLI prints (apps/cli.cpp print_json): the text must come out for any stored bytes.
  const std::string a = dump_json(to_json(d));
  const std::string b = dump_json(to_json(lb));
  if (a.empty() || b.empty()) std::abort();
  return 0;
}
