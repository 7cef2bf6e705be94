"""Through the binary: a real scrape equals the maps' stats() (as /debug/maps reports them), promtool finds
nothing in mapscope's families, and docs/metrics.md lists exactly the families a real scrape exposes."""
import os
import re
import subprocess
import unittest

from agent_harness import SOURCE_DIR, FrozenAgentTestCase
from mapscope_prom.exposition import Exposition

OWN_PREFIXES = ("mapcore_", "mapscope_", "process_")
SWISS_MAP_FAMILIES = {"mapcore_map_tables", "mapcore_map_directory_entries", "mapcore_map_capacity_slots",
                      "mapcore_map_tombstones"}


class AgentScrape(FrozenAgentTestCase):
    def test_scrape_equals_the_maps_stats(self):
        # Both maps only read now: their stats no longer change between the two requests.
        debug = {entry["map"]: entry for entry in self.agent.debug_maps()["maps"]}
        exposition = Exposition(self.agent.scrape())
        for name in ("frozen", "small"):
            stats = debug[name]["stats"]
            labels = {"map": name, "env": "e2e"}
            self.assertEqual(debug[name]["labels"], {"env": "e2e"})
            self.assertEqual(exposition.sample("mapcore_map_entries", **labels), stats["entries"], name)
            self.assertEqual(exposition.sample("mapcore_map_buckets", **labels), stats["buckets"], name)
            self.assertEqual(exposition.sample("mapcore_map_buckets_log2", **labels), stats["log2_buckets"])
            self.assertEqual(exposition.sample("mapcore_map_overflow_buckets", **labels), stats["overflow_buckets"])
            self.assertAlmostEqual(exposition.sample("mapcore_map_load_factor", **labels), stats["load_factor"])
            self.assertEqual(exposition.sample("mapcore_map_grow_in_progress", **labels), int(stats["growing"]))
            self.assertEqual(exposition.sample("mapcore_map_evacuation_pending_buckets", **labels),
                             stats["evacuation_pending"])
            for region in ("buckets", "overflow", "oldbuckets", "indirect"):
                self.assertEqual(exposition.sample("mapcore_map_memory_bytes", region=region, **labels),
                                 stats["bytes"][region], (name, region))
            for kind in ("double", "samesize", "shrink"):
                self.assertEqual(exposition.sample("mapcore_map_grows_total", kind=kind, **labels),
                                 stats["grows"][kind], (name, kind))
            for trigger in ("write", "collector"):
                self.assertEqual(exposition.sample("mapcore_map_evacuated_buckets_total", trigger=trigger, **labels),
                                 stats["evacuated_buckets"][trigger], (name, trigger))
            for op in ("insert", "update", "delete"):
                self.assertEqual(exposition.sample("mapcore_map_operations_total", op=op, **labels),
                                 stats["operations"][op], (name, op))
            pauses = debug[name]["write_pauses"]
            self.assertEqual(exposition.sample("mapcore_map_write_pause_seconds_count", **labels), pauses["count"])
            self.assertEqual(exposition.sample("mapcore_map_write_pause_seconds_bucket", le="+Inf", **labels),
                             pauses["count"])
        # What the scenarios did, as the map saw it: 212,993 inserts leave the 15->16 doubling in progress.
        frozen = debug["frozen"]["stats"]
        self.assertEqual(frozen["entries"], 212993)
        self.assertTrue(frozen["growing"])
        self.assertGreater(frozen["bytes"]["oldbuckets"], 0)
        self.assertEqual(exposition.sample("mapscope_tracked_maps"), 3)

    def test_promtool_finds_nothing_in_our_families(self):
        text = self.agent.scrape()
        result = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        findings = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
        ours = [line for line in findings if line.startswith(OWN_PREFIXES)]
        self.assertEqual(ours, [], "promtool findings in mapscope's families")
        # Every family of the scrape is mapscope's own, and promtool found nothing at all.
        for name in Exposition(text).types:
            self.assertTrue(name.startswith(OWN_PREFIXES), name)
        self.assertEqual(findings, [])
        self.assertEqual(result.returncode, 0)

    def test_metrics_document_lists_exactly_the_scraped_families(self):
        with open(os.path.join(SOURCE_DIR, "docs", "metrics.md")) as handle:
            documented = set(re.findall(r"^\| `([a-z][a-z0-9_:]*)` \|", handle.read(), re.MULTILINE))
        # The Go programs' families need a Go program: agent_go_e2e.py checks them against a scrape. The
        # Swiss-table gauges need a go1.24+ program: go_target_metrics_test and tests/goproc cover them.
        documented = {name for name in documented
                      if not name.startswith("mapscope_go_") and name not in SWISS_MAP_FAMILIES}
        scraped = set(Exposition(self.agent.scrape()).types)
        self.assertEqual(sorted(scraped - documented), [], "scraped but not documented")
        self.assertEqual(sorted(documented - scraped), [], "documented but not scraped")

    def test_every_family_has_help(self):
        exposition = Exposition(self.agent.scrape())
        for name in exposition.types:
            self.assertTrue(exposition.help.get(name), name)


if __name__ == "__main__":
    unittest.main()
