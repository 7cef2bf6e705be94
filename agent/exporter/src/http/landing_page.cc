// LandingPage: a small, self-contained HTML page (no scripts, no external resources).
#include "landing_page.h"

#include <cstdio>

#include "mapscope/exporter/build_info.h"

namespace mapscope::exporter {
namespace {

constexpr const char* kStyle =
    "body{font-family:sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3em .6em}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}";

std::string number(std::uint64_t value) {
  return std::to_string(value);
}

std::string fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  return buffer;
}

std::string labels_text(const Labels& labels) {
  std::string text;
  for (const auto& [key, value] : labels) {
    if (!text.empty()) {
      text += ", ";
    }
    text += key;
    text += '=';
    text += value;
  }
  return text;
}

void append_cell(std::string& html, const std::string& text, bool numeric) {
  html += numeric ? "<td class=\"n\">" : "<td>";
  html += html_escape(text);
  html += "</td>";
}

void append_row(std::string& html, const MapSnapshot& map) {
  const mapcore::MapStats& s = map.stats;
  html += "<tr>";
  append_cell(html, map.name, false);
  append_cell(html, labels_text(map.labels), false);
  append_cell(html, number(s.entries), true);
  append_cell(html, number(s.buckets), true);
  append_cell(html, number(s.overflow_buckets), true);
  append_cell(html,
              fixed(s.buckets == 0 ? 0.0 : static_cast<double>(s.entries) / static_cast<double>(s.buckets)),
              true);
  append_cell(html, number(s.bucket_bytes), true);
  append_cell(html, number(s.overflow_bytes), true);
  append_cell(html, number(s.oldbucket_bytes), true);
  append_cell(html, number(s.indirect_bytes), true);
  append_cell(html, number(s.total_bytes()), true);
  append_cell(html, LandingPage::growth_state(s), false);
  html += "</tr>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string LandingPage::growth_state(const mapcore::MapStats& stats) {
  if (!stats.growing) {
    return "idle";
  }
  const char* kind = stats.shrinking ? "shrinking" : stats.same_size_grow ? "same-size grow" : "doubling";
  return std::string(kind) + ", " + number(stats.evacuation_pending) + " of " + number(stats.old_buckets) +
         " old buckets pending";
}

std::string LandingPage::render(const std::vector<MapSnapshot>& maps, std::size_t total_maps,
                                const std::vector<Link>& links) {
  const BuildInfo& build = build_info();
  std::string html;
  html.reserve(2048 + maps.size() * 400);
  html +=
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mapscope "
      "exporter</title><style>";
  html += kStyle;
  html += "</style></head><body>\n<h1>mapscope exporter</h1>\n<p>Version ";
  html += html_escape(build.version);
  html += " (revision " + html_escape(build.revision) + ", " + html_escape(build.compiler) + ")</p>\n";
  html += "<ul>";
  for (const Link& link : links) {
    const std::string path = html_escape(link.path);
    html.append("<li><a href=\"").append(path).append("\">").append(html_escape(link.title));
    html.append("</a> (").append(path).append(")</li>");
  }
  html += "</ul>\n";
  html += "<h2>Tracked maps: " + number(total_maps) + "</h2>\n";
  if (maps.size() < total_maps) {
    html +=
        "<p>The first " + number(maps.size()) + " are shown; /debug/maps pages through all of them.</p>\n";
  }
  html +=
      "<table id=\"maps\"><thead><tr><th>Map</th><th>Labels</th><th>Entries</th><th>Buckets</th>"
      "<th>Overflow buckets</th><th>Load factor</th><th>Bucket bytes</th><th>Overflow bytes</th>"
      "<th>Old bucket bytes</th><th>Indirect bytes</th><th>Total "
      "bytes</th><th>Growth</th></tr></thead>\n<tbody>\n";
  for (const MapSnapshot& map : maps) {
    append_row(html, map);
  }
  html += "</tbody></table>\n</body></html>\n";
  return html;
}

}  // namespace mapscope::exporter
