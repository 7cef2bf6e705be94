// gzip with zlib's deflate (windowBits 15 + 16 selects the gzip wrapper).
#include "gzip.h"

#include <zlib.h>

#include <cctype>

namespace mapscope::exporter {

std::optional<std::string> gzip_compress(std::string_view data, int level) {
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return std::nullopt;
  }
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) {
    return std::nullopt;
  }
  return out;
}

bool accepts_gzip(const char* accept_encoding) {
  if (accept_encoding == nullptr) {
    return false;
  }
  std::string_view header(accept_encoding);
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    const std::size_t semicolon = item.find(';');
    std::string_view coding = item.substr(0, semicolon);
    while (!coding.empty() && coding.back() == ' ') {
      coding.remove_suffix(1);
    }
    if (coding.size() != 4) {
      continue;
    }
    bool gzip = true;
    for (std::size_t i = 0; i < 4; ++i) {
      gzip = gzip && std::tolower(static_cast<unsigned char>(coding[i])) == "gzip"[i];
    }
    if (!gzip) {
      continue;
    }
    const std::string_view params = semicolon == std::string_view::npos ? "" : item.substr(semicolon + 1);
    const std::size_t q = params.find("q=");
    if (q == std::string_view::npos) {
      return true;
    }
    const std::string_view weight = params.substr(q + 2);
    return !(weight.starts_with("0") && weight.find_first_of("123456789") == std::string_view::npos);
  }
  return false;
}

}  // namespace mapscope::exporter
