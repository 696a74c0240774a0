#pragma once
// `--param key=value` arguments -> one TOML table, so values are typed and checked exactly as in
// an experiment file (params_from_toml). A value TOML cannot read (hamming) is taken as a string.
//
//   Params p = params_from_toml(info, params_table({"width=0.5", "input_size=128"}), diags, {});
//
// Throws cli::UsageError for an item without '='.

#include <string>
#include <vector>

#include <toml.hpp>

namespace dflab::cli {

toml::value params_table(const std::vector<std::string>& pairs);

}  // namespace dflab::cli
