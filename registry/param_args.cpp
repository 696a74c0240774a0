#include "registry/param_args.h"

#include "registry/diagnostics.h"
#include "registry/toml_params.h"

namespace dflab {

toml::value params_table(const std::vector<std::string>& pairs) {
  std::string text;
  for (const auto& kv : pairs) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw ParamArgumentError("--param expects key=value, got '" + kv + "'");
    const std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    std::string line = key + " = " + value + "\n";
    try {
      parse_toml(line, "--param");
    } catch (const std::exception&) {
      std::string quoted = "\"";
      for (char c : value) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      line = key + " = " + quoted + "\"\n";
    }
    text += line;
  }
  return parse_toml(text, "--param");
}

Params plugin_params_from_args(const PluginInfo& info, const std::vector<std::string>& pairs) {
  Diagnostics diags;
  Params params = params_from_toml(info, params_table(pairs), diags, {});
  if (!diags.empty()) throw ConfigError(std::move(diags));
  params.origin = "--param";
  return params;
}

}  // namespace dflab
