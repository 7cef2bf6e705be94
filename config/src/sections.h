// Readers of the configuration's sections: each turns a Field into validated schema structs or throws
// ConfigError at the first problem.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "field.h"
#include "mapscope/config/schema.h"

namespace mapscope::config::detail {

ServerConfig read_server(const Field& field);
CollectorConfig read_collector(const Field& field);
std::map<std::string, std::string> read_labels(const Field& field);
std::vector<Scenario> read_scenarios(const Field& field);
Scenario read_scenario(const Field& field);
MapSpec read_map_spec(const Field& field);
Phase read_phase(const Field& field);
std::vector<GoTarget> read_go_targets(const Field& field);

// A name used as a label value (scenario and phase names).
std::string read_label_value(const Field& field);

}  // namespace mapscope::config::detail
