#pragma once
// TOML → validated plugin Params. Every problem (unknown key, wrong type, out of range, missing
// required value) is added to `diags` with the file and line of the offending value, together
// with what is allowed, so one `dflab check` shows them all.
//
//   toml::value exp = parse_toml(text, "exp.toml");
//   Diagnostics diags;
//   Params p = params_from_toml(reg.info(kind::face_detector, "haar"),
//                               toml::find(exp, "video", "detector"), diags, {"plugin"});

#include <cstddef>
#include <string>
#include <vector>

#include <toml.hpp>

#include "registry/diagnostics.h"
#include "registry/params.h"
#include "registry/registry.h"

namespace dflab {

// Parses TOML `text`; `file` names it in values' locations and in messages. Throws ConfigError
// with file:line for a TOML syntax error and for bytes that are not UTF-8 (TOML must be UTF-8;
// they are caught before toml11 sees them because toml11 3.7.1 reads out of bounds on invalid
// UTF-8 inside a 'literal string': found by tests/fuzz/experiment_config_fuzz).
toml::value parse_toml(const std::string& text, const std::string& file);

// 0-based offset of the first byte of `text` that is not part of well-formed UTF-8 (no overlong
// forms, surrogates or code points past U+10FFFF), or std::string::npos when it is all valid.
std::size_t first_invalid_utf8(const std::string& text);

// File and 1-based line of a parsed value (file empty / line 0 for values built in code).
std::string file_of(const toml::value& v);
int line_of(const toml::value& v);

// Converts one TOML value to the spec's type; on failure returns false and says why.
bool toml_to_param(const toml::value& v, const ParamSpec& spec, ParamValue& out, std::string& why);

// `table` is a TOML table; keys in `reserved` (e.g. "plugin") belong to the caller and are skipped.
// The result always holds every declared parameter that has a default; check diags.empty().
// `who` names the table in messages ("face_detector 'haar'", "[experiment]").
Params params_from_toml(const std::string& who, const std::vector<ParamSpec>& specs,
                        const toml::value& table, Diagnostics& diags,
                        const std::vector<std::string>& reserved = {});
Params params_from_toml(const PluginInfo& info, const toml::value& table, Diagnostics& diags,
                        const std::vector<std::string>& reserved = {"plugin"});

}  // namespace dflab
