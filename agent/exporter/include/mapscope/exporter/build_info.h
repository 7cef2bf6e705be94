// BuildInfo: what mapscope_build_info and --version report, fixed when the build was configured.
#pragma once

#include <string_view>

namespace mapscope::exporter {

struct BuildInfo {
  std::string_view version;   // the project version, e.g. "0.1.0"
  std::string_view revision;  // git revision of the source tree at configure time ("unknown" outside git)
  std::string_view compiler;  // e.g. "GNU 12.2.0"
};

const BuildInfo& build_info();

}  // namespace mapscope::exporter
