// BasicAuth: checks HTTP basic authentication against the bcrypt hashes of a WebConfig.
//
// bcrypt is slow by design (tens of milliseconds at cost 10). So that a client cannot make the agent spend
// its CPU on it, bcrypt runs one at a time, and recent outcomes are remembered (until the users change): a
// scraper with the right password pays one bcrypt, and a client repeating a wrong one pays none after the
// first. Outcomes are keyed by the user and a 128-bit XXH3 of the password seeded with a random per-process
// key, so no password is kept and no one outside the process can aim at a collision. An unknown user costs
// a bcrypt at the highest cost factor among the configured hashes, so timing does not tell which users exist.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "mapscope/exporter/web_config.h"

namespace mapscope::exporter {

class BasicAuth {
 public:
  BasicAuth();
  void set_config(std::optional<WebConfig> config);
  bool required() const;

  // True when no authentication is required, or the Authorization header value carries a user and
  // password that match. `header` is null when the request had none.
  bool allowed(const char* header) const;

  // bcrypt verifications run so far (the remembered outcomes cost none).
  std::uint64_t bcrypt_runs() const { return bcrypt_runs_.load(std::memory_order_relaxed); }
  // The cost factor of the hash verified for unknown users; 0 without users.
  unsigned long unknown_user_cost() const;

  // crypt(3) of `password` with the settings of `hash` equals `hash` (libcrypt's bcrypt). Not serialized.
  static bool password_matches(std::string_view password, const std::string& hash);
  // "Basic dXNlcjpwYXNz" -> {"user", "pass"}; nullopt when malformed.
  static std::optional<std::pair<std::string, std::string>> parse_header(std::string_view header);

 private:
  // What the outcome cache is keyed by: the user, a NUL, and the seeded hash of the password.
  std::string cache_key(const std::string& user, std::string_view password) const;
  std::optional<bool> remembered(const std::string& key) const;
  void remember(const std::string& key, bool allowed) const;

  const std::uint64_t password_seed_;  // random per process
  mutable std::shared_mutex mutex_;    // guards users_, dummy_hash_
  std::map<std::string, std::string> users_;
  std::string dummy_hash_;           // bcrypt at the users' highest cost, verified for unknown users
  mutable std::mutex bcrypt_mutex_;  // one bcrypt at a time
  mutable std::atomic<std::uint64_t> bcrypt_runs_{0};
  mutable std::mutex cache_mutex_;  // guards outcomes_
  mutable std::unordered_map<std::string, bool> outcomes_;
};

}  // namespace mapscope::exporter
