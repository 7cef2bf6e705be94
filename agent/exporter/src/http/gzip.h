// gzip compression of a response body (zlib), for scrapers that send Accept-Encoding: gzip.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mapscope::exporter {

// The gzip stream of `data` at zlib `level` (1: fastest); nullopt if zlib fails.
std::optional<std::string> gzip_compress(std::string_view data, int level = 1);

// Whether an Accept-Encoding header value admits gzip (a "gzip" token without q=0).
bool accepts_gzip(const char* accept_encoding);

}  // namespace mapscope::exporter
