// Parsing /proc for the process_* families, and the logger's two formats.
#include <gtest/gtest.h>
#include <unistd.h>

#include "mapscope/exporter/logger.h"
#include "sources/process_source.h"

namespace mapscope::testing {
namespace {

TEST(ProcStat, FieldsAreCountedAfterTheLastParenthesis) {
  // A command name with spaces and parentheses, as a process may name itself.
  const std::string line =
      "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 2650 0 0 0 120 35 0 0 20 0 9 0 777 104857600 2560 "
      "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";
  const auto stat = exporter::parse_proc_stat(line);
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->utime_ticks, 120u);
  EXPECT_EQ(stat->stime_ticks, 35u);
  EXPECT_EQ(stat->threads, 9u);
  EXPECT_EQ(stat->start_ticks, 777u);
  EXPECT_EQ(stat->vsize_bytes, 104857600u);
  EXPECT_EQ(stat->rss_pages, 2560u);
  EXPECT_FALSE(exporter::parse_proc_stat("4242 (x) S 1 2 3"));
  EXPECT_FALSE(exporter::parse_proc_stat("garbage"));
}

TEST(ProcStat, BootTime) {
  EXPECT_EQ(exporter::parse_boot_time("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000u);
  EXPECT_FALSE(exporter::parse_boot_time("cpu 1\n"));
}

TEST(NetDev, SumsEveryInterface) {
  const std::string text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo "
      "colls "
      "carrier compressed\n"
      "    lo:  1000      10    0    0    0     0          0         0     1000      10    0    0    0     0 "
      "      0          0\n"
      "  eth0: 123456    100    0    0    0     0          0         0    65432      90    0    0    0     0 "
      "      0          0\n";
  const auto totals = exporter::parse_net_dev(text);
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->receive_bytes, 124456u);
  EXPECT_EQ(totals->transmit_bytes, 66432u);
  EXPECT_FALSE(exporter::parse_net_dev("Inter-| x\n face |y\n"));
  EXPECT_FALSE(exporter::parse_net_dev("  eth0: 1 2 3\n"));
}

TEST(ProcessSource, ExposesTheStandardSetWithPlausibleValues) {
  exporter::ProcessSource source;
  std::vector<prometheus::MetricFamily> families;
  source.collect(families);
  std::map<std::string, double> values;
  for (const auto& family : families) {
    ASSERT_EQ(family.metric.size(), 1u) << family.name;
    values[family.name] = family.type == prometheus::MetricType::Counter ? family.metric[0].counter.value
                                                                         : family.metric[0].gauge.value;
  }
  for (const char* name :
       {"process_cpu_seconds_total", "process_open_fds", "process_max_fds", "process_virtual_memory_bytes",
        "process_virtual_memory_max_bytes", "process_resident_memory_bytes", "process_start_time_seconds",
        "process_threads", "process_network_receive_bytes_total", "process_network_transmit_bytes_total"}) {
    EXPECT_TRUE(values.contains(name)) << name;
  }
  EXPECT_GT(values["process_resident_memory_bytes"], 1e5);
  EXPECT_GE(values["process_virtual_memory_bytes"], values["process_resident_memory_bytes"]);
  EXPECT_GE(values["process_max_fds"], values["process_open_fds"]);
  EXPECT_GT(values["process_start_time_seconds"], 1.6e9);
  EXPECT_LE(values["process_start_time_seconds"], static_cast<double>(time(nullptr)) + 1);
}

TEST(Logger, LogfmtQuotesWhatNeedsIt) {
  const std::string line =
      exporter::Logger::format_line(exporter::LogFormat::Logfmt, "T", exporter::LogLevel::Warn,
                                    "map not tracked", {{"map", "a b"}, {"n", "3"}, {"q", "x\"y"}});
  EXPECT_EQ(line, "ts=T level=warn msg=\"map not tracked\" map=\"a b\" n=3 q=\"x\\\"y\"");
}

TEST(Logger, JsonIsOneObjectPerLine) {
  const std::string line =
      exporter::Logger::format_line(exporter::LogFormat::Json, "T", exporter::LogLevel::Error,
                                    "reload failed", {{"err", "f.yml:1:2: bad\nthing"}});
  EXPECT_EQ(line, R"({"ts":"T","level":"error","msg":"reload failed","err":"f.yml:1:2: bad\nthing"})");
}

TEST(Logger, LevelsFilter) {
  exporter::Logger& logger = exporter::Logger::global();
  std::vector<std::string> lines;
  logger.set_sink([&](std::string_view line) { lines.emplace_back(line); });
  logger.set_level(exporter::LogLevel::Warn);
  exporter::log_info("hidden");
  exporter::log_warn("shown");
  logger.set_level(exporter::LogLevel::Info);
  logger.set_sink(nullptr);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("msg=shown"), std::string::npos);
  EXPECT_EQ(exporter::parse_log_level("debug"), exporter::LogLevel::Debug);
  EXPECT_FALSE(exporter::parse_log_level("verbose"));
  EXPECT_EQ(exporter::parse_log_format("json"), exporter::LogFormat::Json);
}

}  // namespace
}  // namespace mapscope::testing
