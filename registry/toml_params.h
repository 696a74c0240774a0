#pragma once
// TOML → validated plugin Params. Every problem (unknown key, wrong type, out of range, missing
// required value) is added to `diags` with the file and line of the offending value, together
// with what is allowed, so one `dflab check` shows them all.
//
//   toml::value exp = toml::parse("exp.toml");
//   Diagnostics diags;
//   Params p = params_from_toml(reg.info(kind::face_detector, "haar"),
//                               toml::find(exp, "video", "detector"), diags, {"plugin"});

#include <string>
#include <vector>

#include <toml.hpp>

#include "registry/diagnostics.h"
#include "registry/params.h"
#include "registry/registry.h"

namespace dflab {

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
