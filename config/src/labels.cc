// Label name and value rules of Prometheus, plus the names the exporter reserves for itself.
#include "mapscope/config/labels.h"

#include <algorithm>

#include "printable.h"

namespace mapscope::config {

namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// Length of the UTF-8 sequence led by `lead`, or 0 when `lead` cannot start one.
std::size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    return 2;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    return 4;
  }
  return 0;
}

// Rejects overlong forms, UTF-16 surrogates and code points above U+10FFFF (RFC 3629).
bool valid_second_byte(unsigned char lead, unsigned char second) {
  if (lead == 0xE0) {
    return second >= 0xA0 && second <= 0xBF;
  }
  if (lead == 0xED) {
    return second >= 0x80 && second <= 0x9F;
  }
  if (lead == 0xF0) {
    return second >= 0x90 && second <= 0xBF;
  }
  if (lead == 0xF4) {
    return second >= 0x80 && second <= 0x8F;
  }
  return second >= 0x80 && second <= 0xBF;
}

bool is_continuation(unsigned char byte) {
  return byte >= 0x80 && byte <= 0xBF;
}

}  // namespace

const std::vector<std::string>& reserved_label_names() {
  // map/job/instance identify series; the others are labels of the exporter's own map, scenario and
  // Go target families, which a static label would collide with.
  static const std::vector<std::string> names{"map",      "job",      "instance", "region",
                                              "kind",     "trigger",  "op",       "le",
                                              "quantile", "scenario", "phase",    std::string(kTargetLabel)};
  return names;
}

std::optional<std::string> label_name_problem(std::string_view name) {
  const std::string quoted = detail::quoted(name);
  if (name.empty() || !is_name_start(name.front()) || !std::all_of(name.begin(), name.end(), is_name_char)) {
    return "invalid label name " + quoted + "; expected [a-zA-Z_][a-zA-Z0-9_]*";
  }
  if (name.starts_with("__")) {
    return "label name " + quoted + " starts with \"__\", which Prometheus reserves; expected another name";
  }
  const auto& reserved = reserved_label_names();
  if (std::find(reserved.begin(), reserved.end(), name) != reserved.end()) {
    return "label name " + quoted + " is reserved (the exporter sets it); expected another name";
  }
  return std::nullopt;
}

std::optional<std::string> label_value_problem(std::string_view value) {
  if (value.empty()) {
    return std::string("empty label value (Prometheus drops empty labels); expected some text");
  }
  if (!is_valid_utf8(value)) {
    return std::string("label value is not valid UTF-8; expected UTF-8 text");
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_sequence_length(lead);
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    if (length > 1 && !valid_second_byte(lead, static_cast<unsigned char>(text[i + 1]))) {
      return false;
    }
    for (std::size_t k = 2; k < length; ++k) {
      if (!is_continuation(static_cast<unsigned char>(text[i + k]))) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

}  // namespace mapscope::config
