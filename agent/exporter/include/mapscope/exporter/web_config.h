// WebConfig: the exporter-toolkit web configuration file (--web.config.file), the subset mapscope serves.
//
// Accepted:   basic_auth_users: {USER: BCRYPT_HASH, ...}   (hashes $2a$, $2b$ or $2y$, as htpasswd -B writes)
// Refused:    tls_server_config (Debian 12's civetweb crashes on TLS: terminate TLS in a reverse proxy),
//             http_server_config, and any other key.
// Errors are mapscope::config::ConfigError: one line, FILE:LINE:COLUMN: what is wrong.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace mapscope::exporter {

struct WebConfig {
  std::map<std::string, std::string> basic_auth_users;  // user -> bcrypt hash; empty: no authentication

  bool requires_auth() const { return !basic_auth_users.empty(); }
  bool operator==(const WebConfig&) const = default;
};

// Reads and validates a web configuration file. Throws config::ConfigError.
WebConfig load_web_config_file(const std::string& path);

// Parses web configuration YAML; `name` is the FILE part of error locations.
WebConfig load_web_config_string(std::string_view yaml, std::string_view name);

}  // namespace mapscope::exporter
