// BasicAuth: header parsing, base64 and bcrypt verification with libcrypt.
#include "basic_auth.h"

#include <crypt.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <random>

namespace mapscope::exporter {
namespace {

// Outcomes remembered; past this many the cache starts afresh. Wrong passwords are remembered apart from
// right ones, so a client cycling through wrong passwords cannot make a scraper pay bcrypt again.
constexpr std::size_t kMaxRememberedOutcomes = 1024;
constexpr unsigned long kDefaultCost = 10;

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    std::array<int, 4> v{};
    int padding = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      const char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        ++padding;
        v[j] = 0;
        continue;
      }
      if (padding != 0) {
        return std::nullopt;  // data after padding
      }
      v[j] = base64_value(c);
      if (v[j] < 0) {
        return std::nullopt;
      }
    }
    const unsigned bits =
        (unsigned(v[0]) << 18) | (unsigned(v[1]) << 12) | (unsigned(v[2]) << 6) | unsigned(v[3]);
    out += static_cast<char>((bits >> 16) & 0xff);
    if (padding < 2) {
      out += static_cast<char>((bits >> 8) & 0xff);
    }
    if (padding < 1) {
      out += static_cast<char>(bits & 0xff);
    }
  }
  return out;
}

// Compares without stopping at the first difference.
bool equal_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

// The cost factor of a bcrypt hash ("$2b$12$..." -> 12); nullopt when the hash has none.
std::optional<unsigned long> bcrypt_cost(const std::string& hash) {
  if (hash.size() < 7 || hash[3] != '$' || !std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5]))) {
    return std::nullopt;
  }
  return static_cast<unsigned long>((hash[4] - '0') * 10 + (hash[5] - '0'));
}

// A bcrypt hash of a random password at `cost`, verified instead of a real one for unknown users.
std::string make_dummy_hash(unsigned long cost) {
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> salt{};
  if (crypt_gensalt_rn("$2b$", cost, nullptr, 0, salt.data(), static_cast<int>(salt.size())) == nullptr) {
    return {};
  }
  std::random_device random;
  const std::string password = std::to_string(random()) + std::to_string(random());
  auto data = std::make_unique<crypt_data>();
  const char* hash = crypt_rn(password.c_str(), salt.data(), data.get(), sizeof(crypt_data));
  return hash != nullptr && hash[0] != '*' ? std::string(hash) : std::string();
}

std::uint64_t random_seed() {
  std::random_device random;
  return (std::uint64_t{random()} << 32) ^ random();
}

}  // namespace

BasicAuth::BasicAuth() : password_seed_(random_seed()) {}

void BasicAuth::set_config(std::optional<WebConfig> config) {
  std::map<std::string, std::string> users =
      config ? std::move(config->basic_auth_users) : std::map<std::string, std::string>{};
  unsigned long cost = 0;
  for (const auto& [user, hash] : users) {
    cost = std::max(cost, bcrypt_cost(hash).value_or(kDefaultCost));
  }
  std::string dummy = users.empty() ? std::string() : make_dummy_hash(cost);
  std::unique_lock lock(mutex_);
  users_ = std::move(users);
  dummy_hash_ = std::move(dummy);
  std::lock_guard cache(cache_mutex_);
  outcomes_.clear();
}

unsigned long BasicAuth::unknown_user_cost() const {
  std::shared_lock lock(mutex_);
  return bcrypt_cost(dummy_hash_).value_or(0);
}

bool BasicAuth::required() const {
  std::shared_lock lock(mutex_);
  return !users_.empty();
}

std::optional<std::pair<std::string, std::string>> BasicAuth::parse_header(std::string_view header) {
  constexpr std::string_view kScheme = "Basic ";
  if (header.size() < kScheme.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < kScheme.size() - 1; ++i) {  // the scheme is case-insensitive
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return std::nullopt;
    }
  }
  if (header[kScheme.size() - 1] != ' ') {
    return std::nullopt;
  }
  std::string_view encoded = header.substr(kScheme.size());
  while (!encoded.empty() && encoded.front() == ' ') {
    encoded.remove_prefix(1);
  }
  const auto decoded = base64_decode(encoded);
  if (!decoded) {
    return std::nullopt;
  }
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool BasicAuth::password_matches(std::string_view password, const std::string& hash) {
  const std::string key(password);             // NUL-terminated for crypt
  auto data = std::make_unique<crypt_data>();  // about 32 KiB: not on a worker's stack
  const char* result = crypt_rn(key.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  // crypt_rn returns null (or a string starting with '*') on failure, never equal to a valid hash.
  return result != nullptr && result[0] != '*' && equal_constant_time(result, hash);
}

std::string BasicAuth::cache_key(const std::string& user, std::string_view password) const {
  const XXH128_hash_t digest = XXH3_128bits_withSeed(password.data(), password.size(), password_seed_);
  std::string key = user;
  key += '\0';
  key.append(reinterpret_cast<const char*>(&digest), sizeof digest);
  return key;
}

std::optional<bool> BasicAuth::remembered(const std::string& key) const {
  std::lock_guard cache(cache_mutex_);
  const auto it = outcomes_.find(key);
  return it == outcomes_.end() ? std::nullopt : std::optional<bool>(it->second);
}

void BasicAuth::remember(const std::string& key, bool allowed) const {
  std::lock_guard cache(cache_mutex_);
  if (outcomes_.size() >= kMaxRememberedOutcomes) {
    // Forget the refusals first: only the right passwords fill the cache with successes.
    std::erase_if(outcomes_, [](const auto& outcome) { return !outcome.second; });
    if (outcomes_.size() >= kMaxRememberedOutcomes) {
      outcomes_.clear();
    }
  }
  outcomes_[key] = allowed;
}

bool BasicAuth::allowed(const char* header) const {
  std::shared_lock lock(mutex_);
  if (users_.empty()) {
    return true;
  }
  if (header == nullptr) {
    return false;
  }
  const auto credentials = parse_header(header);
  if (!credentials) {
    return false;
  }
  const std::string key = cache_key(credentials->first, credentials->second);
  if (const auto outcome = remembered(key)) {
    return *outcome;
  }
  bool ok = false;
  {
    std::lock_guard one_at_a_time(bcrypt_mutex_);
    if (const auto outcome = remembered(key)) {  // verified while this request waited
      return *outcome;
    }
    bcrypt_runs_.fetch_add(1, std::memory_order_relaxed);
    const auto user = users_.find(credentials->first);
    if (user == users_.end()) {
      password_matches(credentials->second, dummy_hash_);
    } else {
      ok = password_matches(credentials->second, user->second);
    }
  }
  remember(key, ok);
  return ok;
}

}  // namespace mapscope::exporter
