// ScenarioSet against a real exporter and collector: the scenario and map series appear on a scrape,
// follow the running phase, and disappear with their scenario; active maps are handed to the collector.
#include "mapscope/scenarios/scenario_set.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>

#include "http_get.h"
#include "mapcore/collector.h"
#include "mapscope/exporter/exporter.h"
#include "scenario_test_support.h"

namespace mapscope::scenarios::testing {
namespace {

// The value of the first sample whose line starts with `name{` and contains every `label="value"`.
std::optional<double> sample(const std::string& scrape, const std::string& name,
                             const std::vector<std::string>& labels) {
  std::istringstream lines(scrape);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(name + "{", 0) != 0) {
      continue;
    }
    bool all = true;
    for (const std::string& label : labels) {
      all = all && line.find(label) != std::string::npos;
    }
    if (all) {
      return std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return std::nullopt;
}

class ScenarioSetTest : public ::testing::Test {
 protected:
  std::string scrape() { return http_get(exporter.port(), "/metrics"); }

  exporter::Exporter exporter{exporter::ExporterOptions{.listen_address = "127.0.0.1:0"}};
  mapcore::Collector collector;
};

config::Scenario two_phases(const std::string& name,
                            config::Maintenance maintenance = config::Maintenance::Go) {
  config::Scenario out = scenario(
      name, {phase("fill", inserts(), after_operations(1000)), phase("read", lookups(), forever(), 500.0)});
  out.map.maintenance = maintenance;
  return out;
}

TEST_F(ScenarioSetTest, ScenarioAndMapSeriesAppearAndFollowThePhase) {
  ScenarioSet set(exporter, collector);
  set.apply({two_phases("alpha")});
  EXPECT_EQ(set.running(), (std::vector<std::string>{"alpha"}));

  std::string text;
  ASSERT_TRUE(eventually([&] {
    text = scrape();
    return sample(text, "mapscope_scenario_phase", {"scenario=\"alpha\"", "phase=\"read\""}) == 1.0;
  })) << text;
  // The maps source is read before the scenario source within one scrape, so the map's entries are
  // checked on a scrape that starts after the fill phase is known to be over.
  text = scrape();
  EXPECT_EQ(sample(text, "mapscope_scenario_phase", {"scenario=\"alpha\"", "phase=\"fill\""}), 0.0);
  EXPECT_EQ(sample(text, "mapscope_scenario_operations_total", {"scenario=\"alpha\"", "op=\"insert\""}),
            1000.0);
  EXPECT_EQ(sample(text, "mapscope_scenario_operations_total", {"scenario=\"alpha\"", "op=\"delete\""}), 0.0);
  EXPECT_GT(sample(text, "mapscope_scenario_operations_total", {"scenario=\"alpha\"", "op=\"lookup\""})
                .value_or(-1),
            -1.0);
  EXPECT_EQ(sample(text, "mapscope_scenario_running", {"scenario=\"alpha\""}), 1.0);
  EXPECT_EQ(sample(text, "mapcore_map_entries", {"map=\"alpha\""}), 1000.0);
  EXPECT_NE(text.find("# HELP mapscope_scenario_operations_total "), std::string::npos);
  EXPECT_NE(text.find("# HELP mapscope_scenario_phase "), std::string::npos);
}

TEST_F(ScenarioSetTest, RemovedScenarioSeriesDisappearAndChangedOnesRestart) {
  ScenarioSet set(exporter, collector);
  set.apply({two_phases("alpha"), two_phases("beta")});
  ASSERT_TRUE(
      eventually([&] { return sample(scrape(), "mapcore_map_entries", {"map=\"beta\""}) == 1000.0; }));

  config::Scenario alpha_changed = two_phases("alpha");
  alpha_changed.phases[0].end.operations = 300;
  set.apply({alpha_changed});
  EXPECT_EQ(set.running(), (std::vector<std::string>{"alpha"}));
  const std::string text = scrape();
  EXPECT_EQ(text.find("scenario=\"beta\""), std::string::npos) << text;
  EXPECT_EQ(text.find("map=\"beta\""), std::string::npos) << text;
  ASSERT_TRUE(
      eventually([&] { return sample(scrape(), "mapcore_map_entries", {"map=\"alpha\""}) == 300.0; }));
}

TEST_F(ScenarioSetTest, OnlyActiveMapsAreHandedToTheCollector) {
  ScenarioSet set(exporter, collector);
  set.apply({two_phases("go"), two_phases("active", config::Maintenance::Active)});
  EXPECT_EQ(collector.stats().maps, 1U);
  set.apply({two_phases("go")});
  EXPECT_EQ(collector.stats().maps, 0U);
}

TEST_F(ScenarioSetTest, StopAllAndDestructionStopEverything) {
  {
    ScenarioSet set(exporter, collector);
    set.apply({two_phases("alpha"), two_phases("beta", config::Maintenance::Active)});
    set.stop_all();
    EXPECT_TRUE(set.running().empty());
    EXPECT_EQ(scrape().find("scenario=\"alpha\""), std::string::npos);
    set.apply({two_phases("gamma")});
  }
  EXPECT_EQ(exporter.tracked_maps(), 0U);
  EXPECT_EQ(collector.stats().maps, 0U);
}

}  // namespace
}  // namespace mapscope::scenarios::testing
