// Good configurations: every key read into the schema, defaults where keys are absent, round trips
// through to_yaml, files and relative paths, and every shipped example.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "mapscope/config/config.h"

namespace mapscope::config {
namespace {

using namespace std::chrono_literals;

constexpr const char* kFullConfig = R"(# Every key of the schema, set to something other than its default.
server:
  listen_address: 0.0.0.0:9464
  telemetry_path: /custom/metrics
  web_config_file: /etc/mapscope/web.yaml
  max_tracked_maps: 50
  write_pause_buckets: false
labels:
  team: core
  region_name: "eu west"
collector:
  enabled: false
  interval: 1m30s
  budget: 2ms
  max_pause: 500us
  trim_threshold: 64MiB
scenarios:
  - name: sessions
    map:
      key: {type: string, length: 40}
      value: {type: bytes, size: 1KiB}
      profile: go1.21
      hint: 5000
      hash: weak
      maintenance: active
    repeat: forever
    phases:
      - name: warm
        mix: {insert: 3, update: 1, delete: 2, lookup: 10}
        keys: {pattern: zipfian, from: 100, to: 200100, skew: 0.5}
        rate: 2500.5
        duration: 2m
      - name: count
        mix: {update: 1}
        keys: {pattern: uniform, to: 10}
        rate: unlimited
        operations: 123456
      - {name: grow, mix: {insert: 1}, until: {growing: true}}
      - {name: settle, mix: {update: 1}, until: {growing: false}}
      - {name: big, mix: {insert: 1}, until: {entries_at_least: 300000}}
      - {name: small, mix: {delete: 1}, until: {entries_at_most: 0}}
  - name: counters
    repeat: 7
    phases:
      - {name: only, mix: {lookup: 1}, operations: 1}
go_targets:
  - name: api
    exe: /usr/local/bin/../bin/api
    maps: [main.sessions, "github.com/acme/api/cache.entries", main.srv.cache]
  - pid: 4242
    min_bytes: 1MiB
  - name: worker
    pid_file: /run/worker.pid
)";

TEST(LoadConfig, ReadsEveryKey) {
  const Config config = load_config_string(kFullConfig, "full.yaml");
  EXPECT_EQ(config.server.listen_address, "0.0.0.0:9464");
  EXPECT_EQ(config.server.telemetry_path, "/custom/metrics");
  EXPECT_EQ(config.server.web_config_file, "/etc/mapscope/web.yaml");
  EXPECT_EQ(config.server.max_tracked_maps, 50U);
  EXPECT_FALSE(config.server.write_pause_buckets);
  const std::map<std::string, std::string> labels{{"team", "core"}, {"region_name", "eu west"}};
  EXPECT_EQ(config.labels, labels);
  EXPECT_FALSE(config.collector.enabled);
  EXPECT_EQ(config.collector.interval, 90s);
  EXPECT_EQ(config.collector.budget, 2ms);
  EXPECT_EQ(config.collector.max_pause, 500us);
  EXPECT_EQ(config.collector.trim_threshold, 64ULL << 20);

  ASSERT_EQ(config.scenarios.size(), 2U);
  const Scenario& sessions = config.scenarios[0];
  EXPECT_EQ(sessions.name, "sessions");
  EXPECT_EQ(sessions.map.key.type, KeyType::String);
  EXPECT_EQ(sessions.map.key.length, 40U);
  EXPECT_EQ(sessions.map.value.type, ValueType::Bytes);
  EXPECT_EQ(sessions.map.value.size, 1024U);
  EXPECT_TRUE(sessions.map.value.indirect());
  EXPECT_EQ(sessions.map.profile, Profile::Go121);
  EXPECT_EQ(sessions.map.hint, 5000U);
  EXPECT_EQ(sessions.map.hash, HashKind::Weak);
  EXPECT_EQ(sessions.map.maintenance, Maintenance::Active);
  EXPECT_TRUE(sessions.repeat_forever);
  ASSERT_EQ(sessions.phases.size(), 6U);

  const Phase& warm = sessions.phases[0];
  EXPECT_EQ(warm.name, "warm");
  EXPECT_EQ(warm.mix, (OperationMix{3, 1, 2, 10}));
  EXPECT_EQ(warm.mix.total(), 16U);
  EXPECT_EQ(warm.keys.pattern, KeyPattern::Zipfian);
  EXPECT_EQ(warm.keys.from, 100U);
  EXPECT_EQ(warm.keys.to, 200100U);
  EXPECT_DOUBLE_EQ(warm.keys.skew, 0.5);
  EXPECT_EQ(warm.rate, 2500.5);
  EXPECT_EQ(warm.end.kind, EndKind::Duration);
  EXPECT_EQ(warm.end.duration, 2min);

  const Phase& count = sessions.phases[1];
  EXPECT_EQ(count.keys.pattern, KeyPattern::Uniform);
  EXPECT_EQ(count.keys.from, 0U);
  EXPECT_EQ(count.keys.to, 10U);
  EXPECT_EQ(count.rate, std::nullopt);
  EXPECT_EQ(count.end.kind, EndKind::Operations);
  EXPECT_EQ(count.end.operations, 123456U);

  EXPECT_EQ(sessions.phases[2].end.kind, EndKind::Until);
  EXPECT_EQ(sessions.phases[2].end.until, UntilKind::Growing);
  EXPECT_EQ(sessions.phases[2].keys.pattern, KeyPattern::Sequential);
  EXPECT_EQ(sessions.phases[3].end.until, UntilKind::NotGrowing);
  EXPECT_EQ(sessions.phases[4].end.until, UntilKind::EntriesAtLeast);
  EXPECT_EQ(sessions.phases[4].end.entries, 300000U);
  EXPECT_EQ(sessions.phases[5].end.until, UntilKind::EntriesAtMost);
  EXPECT_EQ(sessions.phases[5].end.entries, 0U);

  const Scenario& counters = config.scenarios[1];
  EXPECT_EQ(counters.map, MapSpec{});
  EXPECT_EQ(counters.repeat, 7U);
  EXPECT_FALSE(counters.repeat_forever);
  EXPECT_EQ(counters.phases[0].end.kind, EndKind::Operations);

  ASSERT_EQ(config.go_targets.size(), 3U);
  const GoTarget& api = config.go_targets[0];
  EXPECT_EQ(api.name, "api");
  EXPECT_EQ(api.exe, "/usr/local/bin/api") << "the path is kept in its normal form";
  EXPECT_EQ(api.pid, 0U);
  const std::vector<std::string> maps{"main.sessions", "github.com/acme/api/cache.entries", "main.srv.cache"};
  EXPECT_EQ(api.maps, maps);
  EXPECT_EQ(api.min_bytes, 0U);
  const GoTarget& by_pid = config.go_targets[1];
  EXPECT_EQ(by_pid.name, "") << "named after its executable when found";
  EXPECT_EQ(by_pid.pid, 4242U);
  EXPECT_TRUE(by_pid.maps.empty());
  EXPECT_EQ(by_pid.min_bytes, 1024U * 1024U);
  EXPECT_EQ(config.go_targets[2].pid_file, "/run/worker.pid");
}

TEST(LoadConfig, EmptyTextAndEmptySectionsGiveTheDefaults) {
  const Config defaults;
  EXPECT_EQ(load_config_string("", "empty.yaml"), defaults);
  EXPECT_EQ(load_config_string("# only a comment\n", "comment.yaml"), defaults);
  EXPECT_EQ(load_config_string("server:\nlabels:\ncollector:\nscenarios:\ngo_targets:\n", "nulls.yaml"),
            defaults);
  EXPECT_EQ(load_config_string("server: {}\nlabels: {}\ncollector: {}\nscenarios: []\ngo_targets: []\n",
                               "empty.yaml"),
            defaults);
  EXPECT_EQ(defaults.server.listen_address, "127.0.0.1:8931");
  EXPECT_EQ(defaults.server.telemetry_path, "/metrics");
  EXPECT_EQ(defaults.server.web_config_file, "");
  EXPECT_EQ(defaults.server.max_tracked_maps, 1000U);
  EXPECT_TRUE(defaults.server.write_pause_buckets);
  EXPECT_TRUE(defaults.collector.enabled);
  EXPECT_EQ(defaults.collector.interval, 100ms);
  EXPECT_EQ(defaults.collector.budget, 1ms);
  EXPECT_EQ(defaults.collector.max_pause, 250us);
  EXPECT_EQ(defaults.collector.trim_threshold, 1ULL << 20);
}

TEST(LoadConfig, PhaseAndMapDefaults) {
  const Config config = load_config_string(
      "scenarios:\n  - name: a\n    phases:\n      - {name: p, mix: {insert: 1}, forever: true}\n",
      "small.yaml");
  const Scenario& scenario = config.scenarios.at(0);
  EXPECT_EQ(scenario.map.key, KeySpec{});
  EXPECT_EQ(scenario.map.key.type, KeyType::Int64);
  EXPECT_EQ(scenario.map.value.type, ValueType::Int64);
  EXPECT_FALSE(scenario.map.value.indirect());
  EXPECT_EQ(scenario.map.profile, Profile::Go122);
  EXPECT_EQ(scenario.map.hint, 0U);
  EXPECT_EQ(scenario.map.hash, HashKind::Default);
  EXPECT_EQ(scenario.map.maintenance, Maintenance::Go);
  EXPECT_EQ(scenario.repeat, 1U);
  EXPECT_FALSE(scenario.repeat_forever);
  const Phase& phase = scenario.phases.at(0);
  EXPECT_EQ(phase.keys.pattern, KeyPattern::Sequential);
  EXPECT_EQ(phase.rate, std::nullopt);
  EXPECT_EQ(phase.end.kind, EndKind::Forever);
}

TEST(LoadConfig, ValuesUpTo128BytesAreInline) {
  const Config config = load_config_string(
      "scenarios:\n"
      "  - {name: a, map: {value: {type: bytes, size: 128}}, phases: [{name: p, mix: {insert: 1}, forever: "
      "true}]}\n"
      "  - {name: b, map: {value: {type: bytes, size: 129}}, phases: [{name: p, mix: {insert: 1}, forever: "
      "true}]}\n",
      "sizes.yaml");
  EXPECT_FALSE(config.scenarios[0].map.value.indirect());
  EXPECT_TRUE(config.scenarios[1].map.value.indirect());
}

TEST(LoadConfig, AcceptsUnicodeValuesAndYaml12BooleanSpellings) {
  const Config config = load_config_string(
      "labels: {site: \"東京\", team: équipe}\ncollector: {enabled: FALSE}\n", "unicode.yaml");
  EXPECT_EQ(config.labels.at("site"), "東京");
  EXPECT_EQ(config.labels.at("team"), "équipe");
  EXPECT_FALSE(config.collector.enabled);
  EXPECT_TRUE(load_config_string("collector: {enabled: True}\n", "b.yaml").collector.enabled);
}

TEST(RoundTrip, ToYamlLoadsBackToAnEqualConfig) {
  const Config config = load_config_string(kFullConfig, "full.yaml");
  const std::string text = to_yaml(config);
  EXPECT_EQ(load_config_string(text, "written.yaml"), config) << text;
  // Writing is stable: the written form writes itself again.
  EXPECT_EQ(to_yaml(load_config_string(text, "written.yaml")), text);
}

TEST(RoundTrip, KeepsStringsThatLookLikeOtherTypes) {
  Config config;
  config.labels = {
      {"flag", "true"}, {"nothing", "null"}, {"number", "0123"}, {"tilde", "~"}, {"quote", "a\"b"}};
  config.server.web_config_file = "web config.yaml";
  Scenario scenario;
  scenario.name = "yes";
  Phase phase;
  phase.name = "1.5";
  phase.mix.lookup = 1;
  phase.rate = 0.25;
  scenario.phases.push_back(phase);
  config.scenarios.push_back(scenario);
  EXPECT_EQ(load_config_string(to_yaml(config), "written.yaml"), config) << to_yaml(config);
}

class TempDir : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mapscope-config-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(TempDir, FileErrorsNameTheFile) {
  const std::string path = write("bad.yaml", "collector:\n  enabled: maybe\n");
  try {
    load_config_file(path);
    FAIL() << "accepted";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()),
              path + ":2:12: collector.enabled: expected true or false, got \"maybe\"");
  }
}

TEST_F(TempDir, RelativeWebConfigIsResolvedAgainstTheConfigDirectory) {
  const std::string relative = write("relative.yaml", "server:\n  web_config_file: web.yaml\n");
  EXPECT_EQ(load_config_file(relative).server.web_config_file, (dir_ / "web.yaml").string());
  const std::string absolute = write("absolute.yaml", "server:\n  web_config_file: /etc/web.yaml\n");
  EXPECT_EQ(load_config_file(absolute).server.web_config_file, "/etc/web.yaml");
  const std::string none = write("none.yaml", "server: {}\n");
  EXPECT_EQ(load_config_file(none).server.web_config_file, "");
  // From a string there is no directory: the path stays as written.
  EXPECT_EQ(load_config_string("server:\n  web_config_file: web.yaml\n", "s").server.web_config_file,
            "web.yaml");
}

TEST_F(TempDir, RelativePidFileIsResolvedAgainstTheConfigDirectory) {
  const std::string path = write("go.yaml",
                                 "go_targets:\n  - {name: a, pid_file: run/a.pid}\n  - {name: b, "
                                 "pid_file: /run/b.pid}\n");
  const Config config = load_config_file(path);
  EXPECT_EQ(config.go_targets[0].pid_file, (dir_ / "run/a.pid").string());
  EXPECT_EQ(config.go_targets[1].pid_file, "/run/b.pid");
}

TEST(GoTargets, NamesMayRepeatOnlyWhenUnknownUntilTheProgramIsFound) {
  // Two pid targets without names are named after their executables at run time: not a duplicate here.
  const Config config = load_config_string("go_targets:\n  - pid: 10\n  - pid: 11\n", "pids.yaml");
  EXPECT_EQ(config.go_targets.size(), 2U);
  // Unicode identifiers and import paths with dots and dashes are symbol paths too.
  const Config unicode = load_config_string(
      "go_targets:\n  - pid: 10\n    maps: [main.größe, gopkg.in/yaml.v3.cache, example.com/go-kit/x.y_z]\n",
      "unicode.yaml");
  EXPECT_EQ(unicode.go_targets[0].maps.size(), 3U);
}

TEST(GoTargets, CountAgainstTheTrackedMapLimit) {
  const Config config = load_config_string(
      "server: {max_tracked_maps: 3}\ngo_targets:\n  - {pid: 1, maps: [main.a, main.b]}\n  - {pid: 2}\n",
      "limit.yaml");
  EXPECT_EQ(config.go_targets.size(), 2U);
}

TEST(Examples, EveryShippedExampleLoadsAndRoundTrips) {
  std::size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MAPSCOPE_CONFIG_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    SCOPED_TRACE(entry.path().string());
    const Config config = load_config_file(entry.path().string());
    EXPECT_FALSE(config.scenarios.empty() && config.go_targets.empty()) << "an example runs something";
    EXPECT_EQ(load_config_string(to_yaml(config), "written.yaml"), config);
    ++loaded;
  }
  EXPECT_GE(loaded, 5U);  // default plus at least three scenario variants and the Go service
}

TEST(Examples, TinyCoversEveryPhaseEndAndKeyPattern) {
  const Config config = load_config_file(std::string(MAPSCOPE_CONFIG_EXAMPLES_DIR) + "/tiny.yaml");
  std::set<EndKind> ends;
  std::set<UntilKind> conditions;
  std::set<KeyPattern> patterns;
  for (const Scenario& scenario : config.scenarios) {
    for (const Phase& phase : scenario.phases) {
      ends.insert(phase.end.kind);
      if (phase.end.kind == EndKind::Until) {
        conditions.insert(phase.end.until);
      }
      patterns.insert(phase.keys.pattern);
    }
  }
  EXPECT_EQ(ends.size(), 4U);
  EXPECT_EQ(patterns.size(), 3U);
  EXPECT_GE(conditions.size(), 3U);
}

TEST(Examples, WeakHashDemoComparesBothHashes) {
  const Config config = load_config_file(std::string(MAPSCOPE_CONFIG_EXAMPLES_DIR) + "/weak-hash.yaml");
  ASSERT_EQ(config.scenarios.size(), 2U);
  EXPECT_EQ(config.scenarios[0].map.hash, HashKind::Weak);
  EXPECT_EQ(config.scenarios[1].map.hash, HashKind::Default);
  EXPECT_EQ(config.scenarios[0].phases, config.scenarios[1].phases);
}

// docs/configuration.md documents every key the loader accepts: each key that to_yaml writes for a
// configuration using every construct appears in the document as `key`.
TEST(Documentation, NamesEveryKey) {
  std::ifstream file(MAPSCOPE_CONFIGURATION_DOC);
  std::ostringstream buffer;
  buffer << file.rdbuf();
  const std::string doc = buffer.str();
  ASSERT_FALSE(doc.empty());
  Config config = load_config_string(kFullConfig, "full.yaml");
  config.labels.clear();  // label names are the user's, not keys of the schema
  const std::string yaml = to_yaml(config);
  const std::regex key_pattern("([a-z_]+):");
  std::set<std::string> keys;
  for (auto it = std::sregex_iterator(yaml.begin(), yaml.end(), key_pattern); it != std::sregex_iterator();
       ++it) {
    keys.insert((*it)[1].str());
  }
  EXPECT_GE(keys.size(), 40U);
  for (const std::string& key : keys) {
    EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << key;
  }
  for (const char* key : {"growing", "entries_at_least", "entries_at_most", "forever", "unlimited", "go1.21",
                          "weak", "active", "zipfian"}) {
    EXPECT_NE(doc.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace mapscope::config
