// Escaping and shortening of user text in messages.
#include "printable.h"

#include <array>
#include <cstdio>

namespace mapscope::config::detail {

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      std::array<char, 5> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", byte);
      out += hex.data();
    } else {
      out += c;
    }
  }
  return out;
}

std::string quoted(std::string_view text, std::size_t limit) {
  const bool shortened = text.size() > limit;
  std::size_t cut = text.size();
  if (shortened) {
    // Cut before a UTF-8 continuation byte never: back up to a character boundary.
    cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;
    }
  }
  std::string out = "\"";
  out += escape_controls(text.substr(0, cut));
  if (shortened) {
    out += "...";
  }
  out += '"';
  return out;
}

}  // namespace mapscope::config::detail
