// The exposition writer: one pass, no streams.
#include "exposition_writer.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <utility>

namespace mapscope::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

void append_escaped(std::string& out, std::string_view text, bool quotes) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_unsigned(std::string& out, std::uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Summary:
      return "summary";
    case MetricType::Histogram:
      return "histogram";
    default:
      return "untyped";
  }
}

// name{labels[,extra="value"]} — `extra` is le or quantile, empty for none.
void append_series(std::string& out, std::string_view name, std::string_view suffix,
                   const ClientMetric& metric, std::string_view extra_name = {}, double extra_value = 0) {
  out += name;
  out += suffix;
  if (!metric.label.empty() || !extra_name.empty()) {
    out += '{';
    bool first = true;
    for (const auto& label : metric.label) {
      if (!first) {
        out += ',';
      }
      first = false;
      out += label.name;
      out += "=\"";
      append_escaped(out, label.value, true);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!first) {
        out += ',';
      }
      out += extra_name;
      out += "=\"";
      append_value(out, extra_value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

void end_sample(std::string& out, const ClientMetric& metric) {
  if (metric.timestamp_ms != 0) {
    out += ' ';
    out += std::to_string(metric.timestamp_ms);
  }
  out += '\n';
}

void append_number(std::string& out, double value) {
  append_value(out, value);
}
void append_number(std::string& out, std::uint64_t value) {
  append_unsigned(out, value);
}

// One sample line: the series (with the label `label`="bound" when label is not empty), its value and
// the timestamp.
template <class Value>
void append_sample(std::string& out, const MetricFamily& family, std::string_view suffix,
                   const ClientMetric& metric, Value value, std::string_view label = {}, double bound = 0) {
  append_series(out, family.name, suffix, metric, label, bound);
  append_number(out, value);
  end_sample(out, metric);
}

// A histogram's or a summary's samples: one per bucket or quantile (read(point) gives its bound, in
// `label`, and its value: bucket_point, quantile_point), then _sum and _count.
template <class Points, class Read>
void append_distribution(std::string& out, const MetricFamily& family, const ClientMetric& metric,
                         std::string_view suffix, std::string_view label, const Points& points, Read read,
                         double sum, std::uint64_t count) {
  for (const auto& point : points) {
    const auto [bound, value] = read(point);
    append_sample(out, family, suffix, metric, value, label, bound);
  }
  append_sample(out, family, "_sum", metric, sum);
  append_sample(out, family, "_count", metric, count);
}

// A histogram bucket's and a summary quantile's bound and value.
std::pair<double, std::uint64_t> bucket_point(const ClientMetric::Bucket& bucket) {
  return {bucket.upper_bound, bucket.cumulative_count};
}
std::pair<double, double> quantile_point(const ClientMetric::Quantile& quantile) {
  return {quantile.quantile, quantile.value};
}

void append_metric(std::string& out, const MetricFamily& family, const ClientMetric& metric) {
  switch (family.type) {
    case MetricType::Counter:
      append_sample(out, family, "", metric, metric.counter.value);
      break;
    case MetricType::Gauge:
      append_sample(out, family, "", metric, metric.gauge.value);
      break;
    case MetricType::Histogram:
      append_distribution(out, family, metric, "_bucket", "le", metric.histogram.bucket, bucket_point,
                          metric.histogram.sample_sum, metric.histogram.sample_count);
      break;
    case MetricType::Summary:
      append_distribution(out, family, metric, "", "quantile", metric.summary.quantile, quantile_point,
                          metric.summary.sample_sum, metric.summary.sample_count);
      break;
    default:
      append_sample(out, family, "", metric, metric.untyped.value);
      break;
  }
}

}  // namespace

void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    // Whole numbers below 2^53 (counts, bytes) as integers: exact and readable.
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::int64_t>(value));
    out.append(buffer, result.ptr);
  } else {
    // Shortest round-trip digits in %g style (0.0001 rather than 1e-04), as client_golang writes them.
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
    out.append(buffer, result.ptr);
  }
}

std::string write_exposition(const std::vector<MetricFamily>& families) {
  std::size_t series = 0;
  for (const auto& family : families) {
    series += family.metric.size();
  }
  std::string out;
  out.reserve(families.size() * 128 + series * 96);
  for (const auto& family : families) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    append_escaped(out, family.help, false);
    out += "\n# TYPE ";
    out += family.name;
    out += ' ';
    out += type_name(family.type);
    out += '\n';
    for (const auto& metric : family.metric) {
      append_metric(out, family, metric);
    }
  }
  return out;
}

}  // namespace mapscope::exporter
