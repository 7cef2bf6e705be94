// Parsing the one YAML document of a configuration text (the agent's and the web configuration).
//
// yaml-cpp 0.7's LoadAll never returns on some malformed text, such as a ',' where a document starts: the
// parser reports an empty document without consuming anything, again and again, and LoadAll collects them
// until memory runs out (jbeder/yaml-cpp#1040, fixed upstream by #1319 after 0.8.0; found by fuzzing).
// Here documents are counted with the event parser first, stopping at one that makes no progress, and
// only a text with a single document is loaded into nodes.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string_view>

namespace mapscope::config {

// The single document of `yaml`; a null node when the text holds none (empty, comments only). Throws
// ConfigError located in `name` for a YAML syntax error, a second document, or text the parser cannot
// get past.
YAML::Node load_yaml_document(std::string_view yaml, std::string_view name);

}  // namespace mapscope::config
