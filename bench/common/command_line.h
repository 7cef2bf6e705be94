// CommandLine: the --name=value flags of the plain benchmark programs.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace mapbench {

class CommandLine {
 public:
  // Fails (with a message naming the argument) on anything that is not --name=value.
  bool parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      const std::size_t equals = arg.find('=');
      if (!arg.starts_with("--") || equals == std::string_view::npos) {
        std::fprintf(stderr, "%s: argument %d '%s': expected --name=value\n", argv[0], i, argv[i]);
        return false;
      }
      values_[std::string(arg.substr(2, equals - 2))] = std::string(arg.substr(equals + 1));
    }
    return true;
  }

  std::string text(const std::string& name, const std::string& fallback) const {
    const auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second;
  }

  // A positive count; exits with a message when the value is not one.
  std::size_t count(const std::string& name, std::size_t fallback) const {
    const auto it = values_.find(name);
    if (it == values_.end()) {
      return fallback;
    }
    char* end = nullptr;
    const unsigned long long n = std::strtoull(it->second.c_str(), &end, 10);
    if (end == it->second.c_str() || *end != '\0' || n == 0) {
      std::fprintf(stderr, "--%s=%s: expected a positive count\n", name.c_str(), it->second.c_str());
      std::exit(2);
    }
    return n;
  }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace mapbench
