"""The compiled embedding example serves its two maps and its collector's metrics."""
import os
import re
import subprocess
import time
import unittest
import urllib.request

from mapscope_prom.exposition import Exposition

EXAMPLE = os.environ.get("MAPSCOPE_EXAMPLE", "embedded_service")


class EmbeddedService(unittest.TestCase):
    def test_serves_both_maps_and_the_collector(self):
        process = subprocess.Popen([EXAMPLE, "127.0.0.1:0", "6"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   text=True)
        try:
            port = int(re.search(r"127\.0\.0\.1:(\d+)/metrics", process.stdout.readline()).group(1))
            time.sleep(2)
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10) as response:
                e = Exposition(response.read().decode())
            labels = {"service": "embedded-example"}
            self.assertGreater(e.sample("mapcore_map_entries", map="sessions", team="core", **labels), 0)
            self.assertIsNotNone(e.sample("mapcore_map_entries", map="cache", team="storage", **labels))
            self.assertGreater(e.sample("mapcore_gc_cycles_total"), 0)
        finally:
            self.assertEqual(process.wait(timeout=30), 0)


if __name__ == "__main__":
    unittest.main()
