// BasicAuth: checks HTTP basic authentication against the bcrypt hashes of a WebConfig.
//
// bcrypt is slow by design (tens of milliseconds at cost 10), so credentials that verified once are
// remembered until the users change, as exporter-toolkit does; wrong ones are verified every time.
// An unknown user costs a bcrypt too, so timing does not tell which users exist.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "mapscope/exporter/web_config.h"

namespace mapscope::exporter {

class BasicAuth {
 public:
  void set_config(std::optional<WebConfig> config);
  bool required() const;

  // True when no authentication is required, or the Authorization header value carries a user and
  // password that match. `header` is null when the request had none.
  bool allowed(const char* header) const;

  // crypt(3) of `password` with the settings of `hash` equals `hash` (libcrypt's bcrypt).
  static bool password_matches(std::string_view password, const std::string& hash);
  // "Basic dXNlcjpwYXNz" -> {"user", "pass"}; nullopt when malformed.
  static std::optional<std::pair<std::string, std::string>> parse_header(std::string_view header);

 private:
  mutable std::shared_mutex mutex_;  // guards users_
  std::map<std::string, std::string> users_;
  mutable std::mutex cache_mutex_;
  mutable std::set<std::string> verified_;  // header values that verified against users_
};

}  // namespace mapscope::exporter
