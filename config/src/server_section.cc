// The `server` section: where and how the exporter listens.
#include <algorithm>
#include <array>

#include "mapping_reader.h"
#include "mapscope/config/labels.h"
#include "printable.h"
#include "scalars.h"
#include "sections.h"

namespace mapscope::config::detail {

namespace {

constexpr std::uint64_t kMaxTrackedMaps = 1'000'000;

// Paths the exporter serves itself, which the metrics may not shadow.
constexpr std::array<std::string_view, 4> kOwnPaths{"/healthz", "/-/ready", "/-/reload", "/debug/maps"};

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

std::string read_listen_address(const Field& field) {
  std::string address = read_string(field);
  const std::string expected = "expected HOST:PORT such as 127.0.0.1:8931 (port 0 picks a free one)";
  if (address.starts_with('[')) {
    field.fail("IPv6 addresses are not supported by the HTTP server; " + expected);
  }
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    field.fail(detail::quoted(address) + " has no port; " + expected);
  }
  const std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) {
    field.fail("invalid host in " + detail::quoted(address) + "; " + expected);
  }
  const bool numeric = !port.empty() && port.size() <= 5 &&
                       std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!numeric || std::stoul(port) > 65535) {
    field.fail("invalid port in " + detail::quoted(address) + "; " + expected);
  }
  return address;
}

std::string read_telemetry_path(const Field& field) {
  std::string path = read_string(field);
  const bool clean = std::none_of(path.begin(), path.end(),
                                  [](char c) { return c <= ' ' || c == '?' || c == '#' || c == 0x7f; });
  if (!path.starts_with('/') || path == "/" || !clean) {
    field.fail("invalid path " + detail::quoted(path) +
               "; expected a path such as /metrics (not /, no spaces, ? or #)");
  }
  if (std::find(kOwnPaths.begin(), kOwnPaths.end(), path) != kOwnPaths.end()) {
    field.fail(detail::quoted(path) +
               " is served by the exporter itself; expected another path such as /metrics");
  }
  return path;
}

// Any path the file system takes, as long as it is UTF-8: YAML text is Unicode, and the writer could not
// give other bytes back (to_yaml would write U+FFFD instead, so the round trip would change the path).
std::string read_web_config_file(const Field& field) {
  std::string path = read_string(field);
  if (!is_valid_utf8(path)) {
    field.fail("the path is not valid UTF-8; expected a UTF-8 path");
  }
  return path;
}

}  // namespace

ServerConfig read_server(const Field& field) {
  const MappingReader section(field, {"listen_address", "telemetry_path", "web_config_file",
                                      "max_tracked_maps", "write_pause_buckets"});
  ServerConfig server;
  if (auto value = section.find("listen_address")) {
    server.listen_address = read_listen_address(*value);
  }
  if (auto value = section.find("telemetry_path")) {
    server.telemetry_path = read_telemetry_path(*value);
  }
  if (auto value = section.find("web_config_file")) {
    server.web_config_file = read_web_config_file(*value);
  }
  if (auto value = section.find("max_tracked_maps")) {
    server.max_tracked_maps = read_unsigned(*value, 1, kMaxTrackedMaps);
  }
  if (auto value = section.find("write_pause_buckets")) {
    server.write_pause_buckets = read_bool(*value);
  }
  return server;
}

}  // namespace mapscope::config::detail
