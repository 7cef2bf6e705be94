// mapscope::config: the agent's configuration (schema, loading, validation, units, labels).
#pragma once

#include "mapscope/config/config_error.hpp"
#include "mapscope/config/labels.hpp"
#include "mapscope/config/loader.hpp"
#include "mapscope/config/names.hpp"
#include "mapscope/config/schema.hpp"
#include "mapscope/config/units.hpp"
#include "mapscope/config/writer.hpp"
