// BasicAuth: header parsing, base64 and bcrypt verification with libcrypt.
#include "basic_auth.h"

#include <crypt.h>

#include <array>
#include <cctype>
#include <memory>

namespace mapscope::exporter {
namespace {

constexpr std::size_t kMaxCachedCredentials = 256;
// Verified against when the user does not exist, so that the answer takes as long as for a real user.
constexpr const char* kDummyHash = "$2b$10$tptUUlouZeWkOSWFcg35se86pVSz3m0PihspsoAjn81ahdiZ3uXCK";

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

}  // namespace

void BasicAuth::set_config(std::optional<WebConfig> config) {
  std::unique_lock lock(mutex_);
  users_ = config ? std::move(config->basic_auth_users) : std::map<std::string, std::string>{};
  std::lock_guard cache(cache_mutex_);
  verified_.clear();
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

bool BasicAuth::allowed(const char* header) const {
  std::shared_lock lock(mutex_);
  if (users_.empty()) {
    return true;
  }
  if (header == nullptr) {
    return false;
  }
  {
    std::lock_guard cache(cache_mutex_);
    if (verified_.contains(header)) {
      return true;
    }
  }
  const auto credentials = parse_header(header);
  if (!credentials) {
    return false;
  }
  const auto user = users_.find(credentials->first);
  if (user == users_.end()) {
    password_matches(credentials->second, kDummyHash);
    return false;
  }
  if (!password_matches(credentials->second, user->second)) {
    return false;
  }
  std::lock_guard cache(cache_mutex_);
  if (verified_.size() >= kMaxCachedCredentials) {
    verified_.clear();
  }
  verified_.insert(header);
  return true;
}

}  // namespace mapscope::exporter
