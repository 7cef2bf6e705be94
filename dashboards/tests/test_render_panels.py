#!/usr/bin/env python3
"""Tests of dashboards/render_panels.py against a stand-in for Prometheus's range API on loopback.

The stand-in answers /api/v1/query_range with a frozen map (a constant band of old buckets) and its active twin
(old buckets dropping to zero); the test checks the queries sent, the stacked data written, and that gnuplot
produced PNG images of the requested size; and, for a Go target, its maps by region under its heap in use. It also
checks the errors for an API error and an unreachable server.
"""

import http.server
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.parse

DASHBOARDS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(DASHBOARDS_DIR, "render_panels.py")
MIB = 1024 * 1024
START = 1_700_000_000


def region_values(map_name, region, start, end, step):
    """Synthetic series: frozen keeps 5 MiB of old buckets; the active twin frees them halfway."""
    values = []
    t = start
    while t <= end:
        if region == "buckets":
            value = 10 * MIB
        elif region == "oldbuckets":
            value = 5 * MIB if map_name == "frozen" or t < (start + end) / 2 else 0
        else:
            value = 0
        values.append([t, str(value)])
        t += step
    return values


class FakePrometheus(http.server.BaseHTTPRequestHandler):
    queries = []
    fail_with = None

    def do_GET(self):  # noqa: N802 (http.server's naming)
        url = urllib.parse.urlparse(self.path)
        params = urllib.parse.parse_qs(url.query)
        FakePrometheus.queries.append(params)
        if url.path != "/api/v1/query_range":
            self.send_error(404)
            return
        if FakePrometheus.fail_with:
            body = {"status": "error", "errorType": "bad_data", "error": FakePrometheus.fail_with}
        else:
            query = params["query"][0]
            start, end, step = float(params["start"][0]), float(params["end"][0]), float(params["step"][0])
            if query.startswith("sum(mapscope_go_heap_inuse_bytes"):
                result = [{"metric": {}, "values": [[t, str(40 * MIB)] for t, _ in
                                                    region_values("frozen", "buckets", start, end, step)]}]
            else:
                key = "map" if 'map="' in query else "target"
                map_name = query.split(f'{key}="', 1)[1].split('"', 1)[0]
                result = [{"metric": {"region": region}, "values": region_values(map_name, region, start, end, step)}
                          for region in ("buckets", "overflow", "oldbuckets", "indirect")]
            body = {"status": "success", "data": {"resultType": "matrix", "result": result}}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    return struct.unpack(">II", header[16:24])


class RenderPanelsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakePrometheus)
        cls.url = f"http://127.0.0.1:{cls.server.server_address[1]}"
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        FakePrometheus.queries = []
        FakePrometheus.fail_with = None

    def render(self, out, *extra):
        return subprocess.run([sys.executable, SCRIPT, "--prometheus", self.url, "--out", out, "--maps",
                               "frozen,frozen-active", "--start", str(START), "--end", str(START + 600),
                               "--step", "10", "--job", "mapscope", "--size", "640x360", *extra],
                              capture_output=True, text=True, check=False, timeout=120)

    def test_renders_one_chart_per_map_and_a_sheet(self):
        with tempfile.TemporaryDirectory() as out:
            result = self.render(out, "--keep-data")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(png_size(os.path.join(out, "memory-frozen.png")), (640, 360))
            self.assertEqual(png_size(os.path.join(out, "memory-frozen-active.png")), (640, 360))
            self.assertEqual(png_size(os.path.join(out, "memory-by-region.png")), (1280, 360))
            self.assertGreater(os.path.getsize(os.path.join(out, "memory-by-region.png")), 5000)
            with open(os.path.join(out, "memory-frozen-active.dat"), encoding="utf-8") as f:
                rows = [line.split() for line in f if not line.startswith("#")]
        self.assertEqual(len(rows), 61)
        # Columns: time, then cumulative MiB of buckets, overflow, oldbuckets, indirect.
        self.assertEqual(rows[0][1:], ["10.000000", "10.000000", "15.000000", "15.000000"])
        self.assertEqual(rows[-1][1:], ["10.000000", "10.000000", "10.000000", "10.000000"])
        queries = [q["query"][0] for q in FakePrometheus.queries]
        self.assertEqual(queries, [
            'sum by (region) (mapcore_map_memory_bytes{map="frozen", job=~"mapscope", instance=~".+"})',
            'sum by (region) (mapcore_map_memory_bytes{map="frozen-active", job=~"mapscope", instance=~".+"})'])
        self.assertEqual(FakePrometheus.queries[0]["step"], ["10"])

    def test_renders_a_go_target_under_its_heap(self):
        with tempfile.TemporaryDirectory() as out:
            result = subprocess.run([sys.executable, SCRIPT, "--prometheus", self.url, "--out", out, "--go-target",
                                     "frozen", "--start", str(START), "--end", str(START + 600), "--step", "10",
                                     "--job", "mapscope", "--size", "640x360", "--keep-data"],
                                    capture_output=True, text=True, check=False, timeout=120)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(png_size(os.path.join(out, "go-heap-frozen.png")), (640, 360))
            with open(os.path.join(out, "go-heap-frozen.dat"), encoding="utf-8") as f:
                heap = [line.split() for line in f if not line.startswith("#")]
            with open(os.path.join(out, "go-maps-frozen.dat"), encoding="utf-8") as f:
                maps = [line.split() for line in f if not line.startswith("#")]
        self.assertEqual(heap[0][1:], ["40.000000"])
        self.assertEqual(maps[-1][1:], ["10.000000", "10.000000", "15.000000", "15.000000"])
        queries = [q["query"][0] for q in FakePrometheus.queries]
        self.assertEqual(queries, [
            'sum by (region) (mapcore_map_memory_bytes{target="frozen", job=~"mapscope", instance=~".+"})',
            'sum(mapscope_go_heap_inuse_bytes{target="frozen", job=~"mapscope", instance=~".+"})'])

    def test_data_files_are_removed_unless_kept(self):
        with tempfile.TemporaryDirectory() as out:
            result = self.render(out)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(sorted(os.listdir(out)),
                             ["memory-by-region.png", "memory-frozen-active.png", "memory-frozen.png"])

    def test_api_error_is_one_line_and_exit_2(self):
        FakePrometheus.fail_with = "invalid parameter \"query\""
        with tempfile.TemporaryDirectory() as out:
            result = self.render(out)
        self.assertEqual(result.returncode, 2)
        self.assertIn('bad_data: invalid parameter "query"', result.stderr)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)

    def test_unreachable_prometheus_exits_2(self):
        with tempfile.TemporaryDirectory() as out:
            result = subprocess.run([sys.executable, SCRIPT, "--prometheus", "http://127.0.0.1:9", "--out", out],
                                    capture_output=True, text=True, check=False, timeout=60)
        self.assertEqual(result.returncode, 2)
        self.assertIn("cannot read the range API", result.stderr)


if __name__ == "__main__":
    unittest.main()
