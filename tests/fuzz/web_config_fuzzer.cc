// libFuzzer target: arbitrary bytes given to the web configuration loader (load_web_config_string, the
// exporter-toolkit file with basic_auth_users) and, as an Authorization header value, to the basic
// authentication parser (BasicAuth::parse_header).
//
// The loader returns a WebConfig whose users all have a non-empty name without ':' and a bcrypt-shaped
// hash, or throws config::ConfigError with one line `NAME:LINE:COLUMN: message`. The header parser returns
// nothing or a user without ':', and whatever it returns survives encoding back into a header.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <mapscope/config/config_error.h>
#include <mapscope/exporter/web_config.h>

#include "http/basic_auth.h"

namespace {

constexpr std::string_view kName = "web.yml";

[[noreturn]] void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "web_config_fuzzer: %s: %s\n", what, detail.c_str());
  std::abort();
}

void check_error_message(const mapscope::config::ConfigError& error) {
  const std::string_view text = error.what();
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    finding("error message over several lines", std::string(text));
  }
  const std::string prefix =
      std::string(kName) + ":" + std::to_string(error.line()) + ":" + std::to_string(error.column()) + ": ";
  if (!text.starts_with(prefix) || error.line() == 0 || error.column() == 0 || text.size() == prefix.size()) {
    finding("error message without its location or its message", std::string(text));
  }
}

// What the loader promises of an accepted file: users that basic authentication can carry, bcrypt hashes.
void check_users(const mapscope::exporter::WebConfig& config) {
  for (const auto& [user, hash] : config.basic_auth_users) {
    if (user.empty() || user.find(':') != std::string::npos) {
      finding("accepted a user name basic authentication cannot carry", user);
    }
    if (hash.size() != 60 || !hash.starts_with("$2")) {
      finding("accepted a password that is not a bcrypt hash", hash);
    }
  }
}

void load_web_config(std::string_view yaml) {
  try {
    check_users(mapscope::exporter::load_web_config_string(yaml, kName));
  } catch (const mapscope::config::ConfigError& error) {
    check_error_message(error);
  } catch (const std::exception& error) {
    finding("an exception other than ConfigError", error.what());
  }
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned bits = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) {
      bits |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    if (i + 2 < bytes.size()) {
      bits |= static_cast<unsigned char>(bytes[i + 2]);
    }
    out += kAlphabet[(bits >> 18) & 63];
    out += kAlphabet[(bits >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(bits >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[bits & 63] : '=';
  }
  return out;
}

void parse_authorization(std::string_view header) {
  using mapscope::exporter::BasicAuth;
  const auto credentials = BasicAuth::parse_header(header);
  if (!credentials) {
    return;
  }
  if (credentials->first.find(':') != std::string::npos) {
    finding("parsed a user name with ':'", credentials->first);
  }
  const auto again =
      BasicAuth::parse_header("Basic " + base64_encode(credentials->first + ":" + credentials->second));
  if (again != credentials) {
    finding("credentials do not survive encoding back into a header", std::string(header));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  load_web_config(bytes);
  parse_authorization(bytes);
  return 0;
}
