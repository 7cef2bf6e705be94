// WebConfig loading: exporter-toolkit's web configuration file, strictly validated.
#include "mapscope/exporter/web_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <mapscope/config/config_error.h>
#include <mapscope/config/yaml_document.h>

namespace mapscope::exporter {
namespace {

// Where problems of one text are reported; yaml-cpp marks are 0-based, locations 1-based.
class Location {
 public:
  explicit Location(std::string name) : name_(std::move(name)) {}
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    const bool known = mark.line >= 0 && mark.column >= 0;
    throw config::ConfigError(name_, known ? static_cast<std::size_t>(mark.line) + 1 : 1,
                              known ? static_cast<std::size_t>(mark.column) + 1 : 1, message);
  }

 private:
  std::string name_;
};

// bcrypt as crypt(3) writes it: $2a$, $2b$ or $2y$, a two-digit cost from 04 to 31, '$', 53 characters of
// bcrypt's base64 (22 of salt and 31 of hash).
bool is_bcrypt_hash(const std::string& hash) {
  if (hash.size() != 60 || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$') {
    return false;
  }
  if (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') {
    return false;
  }
  if (!std::isdigit(static_cast<unsigned char>(hash[4])) ||
      !std::isdigit(static_cast<unsigned char>(hash[5]))) {
    return false;
  }
  const int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) {
    return false;
  }
  for (std::size_t i = 7; i < hash.size(); ++i) {
    const char c = hash[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '/') {
      return false;
    }
  }
  return true;
}

std::map<std::string, std::string> read_users(const YAML::Node& users, const Location& where) {
  std::map<std::string, std::string> out;
  if (users.IsNull()) {
    return out;
  }
  if (!users.IsMap()) {
    where.fail(users.Mark(), "basic_auth_users must be a mapping of user names to bcrypt hashes");
  }
  for (auto it = users.begin(); it != users.end(); ++it) {
    if (!it->first.IsScalar()) {
      where.fail(it->first.Mark(), "a user name must be a string");
    }
    const std::string user = it->first.Scalar();
    if (user.empty()) {
      where.fail(it->first.Mark(), "empty user name");
    }
    if (user.find(':') != std::string::npos) {
      where.fail(it->first.Mark(),
                 "user name '" + user + "' contains ':', which basic authentication cannot carry");
    }
    if (out.contains(user)) {
      where.fail(it->first.Mark(), "duplicate user '" + user + "'");
    }
    if (!it->second.IsScalar()) {
      where.fail(it->second.Mark(), "the password of '" + user + "' must be a bcrypt hash");
    }
    const std::string hash = it->second.Scalar();
    if (!is_bcrypt_hash(hash)) {
      where.fail(it->second.Mark(), "the password of '" + user +
                                        "' is not a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters); "
                                        "generate one with htpasswd -nBC 10 \"\" | tr -d ':\\n'");
    }
    out.emplace(user, hash);
  }
  return out;
}

WebConfig read_document(const YAML::Node& document, const Location& where) {
  WebConfig config;
  if (!document.IsDefined() || document.IsNull()) {
    return config;
  }
  if (!document.IsMap()) {
    where.fail(document.Mark(), "a web configuration must be a mapping");
  }
  std::set<std::string> seen;
  for (auto it = document.begin(); it != document.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      where.fail(it->first.Mark(), "duplicate key '" + key + "'");
    }
    if (key == "basic_auth_users") {
      config.basic_auth_users = read_users(it->second, where);
    } else if (key == "tls_server_config") {
      where.fail(it->first.Mark(),
                 "tls_server_config is not supported (civetweb's TLS crashes on Debian 12); "
                 "terminate TLS in a reverse proxy, see docs/exporter.md");
    } else if (key == "http_server_config") {
      where.fail(it->first.Mark(), "http_server_config is not supported; expected only basic_auth_users");
    } else {
      where.fail(it->first.Mark(), "unknown key '" + key + "'; expected basic_auth_users");
    }
  }
  return config;
}

}  // namespace

WebConfig load_web_config_string(std::string_view yaml, std::string_view name) {
  const Location where{std::string(name)};
  return read_document(config::load_yaml_document(yaml, name), where);
}

WebConfig load_web_config_file(const std::string& path) {
  const Location where{path};
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    where.fail(YAML::Mark(), "is a directory; expected a web config file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    where.fail(YAML::Mark(), std::string("cannot open: ") + std::strerror(errno));
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) {
    where.fail(YAML::Mark(), "cannot read the file");
  }
  return load_web_config_string(text.str(), path);
}

}  // namespace mapscope::exporter
