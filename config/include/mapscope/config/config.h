// mapscope::config: the agent's configuration (schema, loading, validation, units, labels).
#pragma once

#include "mapscope/config/config_error.h"
#include "mapscope/config/labels.h"
#include "mapscope/config/loader.h"
#include "mapscope/config/names.h"
#include "mapscope/config/schema.h"
#include "mapscope/config/units.h"
#include "mapscope/config/writer.h"
