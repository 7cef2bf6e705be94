"""The compiled embedding example serves its two maps and its collector's metrics."""
import os
import re
import signal
import subprocess
import unittest
import urllib.request

from agent_harness import wait_until
from mapscope_prom.exposition import Exposition

EXAMPLE = os.environ.get("MAPSCOPE_EXAMPLE", "embedded_service")


class EmbeddedService(unittest.TestCase):
    def test_serves_both_maps_and_the_collector(self):
        # No run time given: it serves until SIGTERM, which the test sends once it has seen the maps and the
        # collector at work (waited for with the harness's hang guard).
        process = subprocess.Popen([EXAMPLE, "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True)
        try:
            port = int(re.search(r"127\.0\.0\.1:(\d+)/metrics", process.stdout.readline()).group(1))
            labels = {"service": "embedded-example"}

            def scrape():
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=60) as response:
                    return Exposition(response.read().decode())

            def working():
                e = scrape()
                return ((e.sample("mapcore_map_entries", map="sessions", team="core", **labels) or 0) > 0
                        and (e.sample("mapcore_gc_cycles_total") or 0) > 0)
            wait_until(working, what="the sessions map to fill and the collector to cycle")
            self.assertIsNotNone(scrape().sample("mapcore_map_entries", map="cache", team="storage", **labels))
        finally:
            process.send_signal(signal.SIGTERM)
            self.assertEqual(process.wait(timeout=60), 0)


if __name__ == "__main__":
    unittest.main()
