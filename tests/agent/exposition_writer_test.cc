// The text exposition writer and gzip: golden output, escaping, number formats, and a compressed scrape.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <limits>

#include "exposition.h"
#include "exposition_writer.h"
#include "http/gzip.h"
#include "http_client.h"
#include "mapscope/exporter/exporter.h"

namespace mapscope::testing {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::string gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int result = Z_OK;
  while (result == Z_OK) {
    char buffer[65536];
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  EXPECT_EQ(result, Z_STREAM_END);
  inflateEnd(&stream);
  return out;
}

TEST(ExpositionWriter, GoldenTextOfEveryType) {
  ClientMetric gauge;
  gauge.label = {{"map", "a\"b\\c\nd"}};
  gauge.gauge.value = 0.5;
  ClientMetric counter;
  counter.counter.value = 212993;
  ClientMetric histogram;
  histogram.label = {{"map", "m"}};
  histogram.histogram.sample_count = 3;
  histogram.histogram.sample_sum = 0.00035;
  histogram.histogram.bucket = {{1, 0.0001}, {2, 0.00025}, {3, std::numeric_limits<double>::infinity()}};
  ClientMetric summary;
  summary.summary.sample_count = 2;
  summary.summary.sample_sum = 4;
  summary.summary.quantile = {{0.5, 1.5}};
  ClientMetric odd;
  odd.gauge.value = std::nan("");
  const std::vector<MetricFamily> families = {
      {"g", "Help with \\ and\nnewline.", MetricType::Gauge, {gauge, odd}},
      {"c_total", "Counter.", MetricType::Counter, {counter}},
      {"h_seconds", "Histogram.", MetricType::Histogram, {histogram}},
      {"s", "Summary.", MetricType::Summary, {summary}},
  };
  EXPECT_EQ(exporter::write_exposition(families),
            "# HELP g Help with \\\\ and\\nnewline.\n# TYPE g gauge\n"
            "g{map=\"a\\\"b\\\\c\\nd\"} 0.5\ng NaN\n"
            "# HELP c_total Counter.\n# TYPE c_total counter\nc_total 212993\n"
            "# HELP h_seconds Histogram.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{map=\"m\",le=\"0.0001\"} 1\nh_seconds_bucket{map=\"m\",le=\"0.00025\"} 2\n"
            "h_seconds_bucket{map=\"m\",le=\"+Inf\"} 3\nh_seconds_sum{map=\"m\"} 0.00035\n"
            "h_seconds_count{map=\"m\"} 3\n"
            "# HELP s Summary.\n# TYPE s summary\ns{quantile=\"0.5\"} 1.5\ns_sum 4\ns_count 2\n");
}

TEST(ExpositionWriter, NumbersReadBackExactly) {
  for (const double value : {0.0, -1.5, 1e-06, 0.1, 3.2500152587890625, 1795601558.0117533,
                             1.8446744073709552e19, 5013504.0, 1e21}) {
    std::string text;
    exporter::append_value(text, value);
    EXPECT_EQ(std::stod(text), value) << text;
  }
  std::string text;
  exporter::append_value(text, 5013504.0);
  EXPECT_EQ(text, "5013504");
  text.clear();
  exporter::append_value(text, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(text, "-Inf");
}

TEST(Gzip, RoundTripsAndReadsAcceptEncoding) {
  const std::string text(100000, 'x');
  const auto compressed = exporter::gzip_compress(text);
  ASSERT_TRUE(compressed);
  EXPECT_LT(compressed->size(), text.size() / 50);
  EXPECT_TRUE(gunzip(*compressed) == text);
  EXPECT_TRUE(exporter::accepts_gzip("gzip"));
  EXPECT_TRUE(exporter::accepts_gzip("deflate, GZIP;q=0.5"));
  EXPECT_FALSE(exporter::accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(exporter::accepts_gzip("identity, x-gzip2"));
  EXPECT_FALSE(exporter::accepts_gzip(nullptr));
}

TEST(Gzip, ScrapeIsCompressedWhenAskedAndEqualOtherwise) {
  exporter::Exporter exporter({.listen_address = "127.0.0.1:0"});
  HttpResponse compressed = http_get(exporter.port(), "/metrics", "Accept-Encoding: gzip\r\n");
  ASSERT_EQ(compressed.status, 200);
  EXPECT_EQ(compressed.headers["content-encoding"], "gzip");
  EXPECT_EQ(compressed.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  const Exposition unzipped = parse_exposition(gunzip(compressed.body));
  HttpResponse plain = http_get(exporter.port(), "/metrics");
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  EXPECT_EQ(parse_exposition(plain.body).families(), unzipped.families());
  EXPECT_EQ(unzipped.value("mapscope_tracked_maps"), 0.0);
}

}  // namespace
}  // namespace mapscope::testing
