#!/usr/bin/env python3
"""Unit tests of the mapscope_prom package: the PromQL scanner, Grafana variable handling, the text-format parser,
findings, and the Prometheus API client against Debian's prometheus. PYTHONPATH holds python/ (CMake's test
environment sets it); PROMETHEUS names the server binary (default "prometheus").
"""

import contextlib
import io
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from mapscope_prom import grafana, promql
from mapscope_prom.api import PrometheusApi, PrometheusError, has_finite_value
from mapscope_prom.exposition import Exposition, ExpositionError
from mapscope_prom.findings import Findings, report

PROMETHEUS = os.environ.get("PROMETHEUS", "prometheus")
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ScannerTest(unittest.TestCase):
    def test_finds_selectors_functions_and_ranges(self):
        found = promql.selectors('histogram_quantile(0.99, sum by (le) (rate(a_bucket{x="1"}[$__rate_interval])))'
                                 ' / on (job) group_left b offset 5m')
        self.assertEqual([(s.name, s.function, s.range) for s in found],
                         [("a_bucket", "rate", "$__rate_interval"), ("b", None, None)])
        self.assertEqual(found[0].matchers, [("x", "=", "1")])

    def test_aggregation_modifiers_are_not_selectors(self):
        found = promql.selectors("sum without (op) (x) and ignoring (region) y unless on () z")
        self.assertEqual([s.name for s in found], ["x", "y", "z"])

    def test_unbalanced_parentheses_are_reported(self):
        with self.assertRaises(promql.ScanError):
            promql.selectors("sum(x")

    def test_grouping_before_and_after_the_aggregated_expression(self):
        before = promql.scan("sum by (job, instance) (rate(x_total[5m]))").outermost_aggregation()
        after = promql.scan("sum(rate(x_total[5m])) by (job, instance)").outermost_aggregation()
        for aggregation in (before, after):
            self.assertEqual((aggregation.operator, aggregation.grouping, aggregation.labels),
                             ("sum", "by", ("job", "instance")))

    def test_outermost_aggregation_is_the_least_nested(self):
        scan = promql.scan("histogram_quantile(0.9, max without (pod) (sum by (le, pod) (rate(h_bucket[1m]))))")
        self.assertEqual([(a.operator, a.depth) for a in scan.aggregations], [("max", 1), ("sum", 2)])
        self.assertEqual(scan.outermost_aggregation().labels, ("pod",))
        self.assertIsNone(promql.scan("rate(x_total[5m]) > 0").outermost_aggregation())

    def test_aggregation_without_grouping_and_binary_modifiers(self):
        scan = promql.scan("count(up) / on (job) group_left (team) max(info)")
        self.assertEqual([(a.operator, a.grouping) for a in scan.aggregations], [("count", None), ("max", None)])

    def test_counters(self):
        self.assertTrue(all(promql.is_counter(n) for n in ("a_total", "h_bucket", "h_count", "h_sum")))
        self.assertFalse(promql.is_counter("mapcore_map_entries"))


class GrafanaTest(unittest.TestCase):
    def test_substitutes_every_spelling_of_a_variable(self):
        self.assertEqual(grafana.substitute('x{a=~"$job", b=~"${instance}", c=~"[[map]]"}[$__rate_interval]',
                                            {"job": "j", "instance": "i", "map": "m", "__rate_interval": "4s"}),
                         'x{a=~"j", b=~"i", c=~"m"}[4s]')

    def test_unknown_variable_is_an_error_without_a_fallback(self):
        with self.assertRaises(grafana.GrafanaError):
            grafana.substitute("x{a=~\"$nope\"}", {})
        self.assertEqual(grafana.substitute("x{a=~\"${nope:regex}\"}", {}, fallback=".+"), 'x{a=~".+"}')

    def test_variables_used(self):
        self.assertEqual(grafana.variables_used("a{x=~\"$job\"}[$__rate_interval] + [[map]]"),
                         {"job", "__rate_interval", "map"})

    def test_selection_is_escaped_as_grafana_does(self):
        self.assertEqual(grafana.regex_of_selection(["a.b"]), "a\\\\.b")
        self.assertEqual(grafana.regex_of_selection(["x", "y|z"]), "(x|y\\\\|z)")
        self.assertEqual(grafana.regex_of_selection(["back\\slash"]), "back\\\\\\\\slash")

    def test_rate_interval(self):
        self.assertEqual(grafana.rate_interval(1, 1), "4s")
        self.assertEqual(grafana.rate_interval(60, 15), "75s")

    def test_label_values_with_commas_in_the_selector(self):
        self.assertEqual(grafana.label_values('label_values(up{job=~"$job", a="b"}, instance)'),
                         ('up{job=~"$job", a="b"}', "instance"))
        self.assertIsNone(grafana.label_values("query_result(up)"))
        self.assertEqual(grafana.variable_query({"query": {"query": "label_values(up, job)"}}), "label_values(up, job)")

    def test_panels_inside_rows(self):
        board = {"panels": [{"type": "row", "id": 1, "panels": [{"id": 2}]}, {"id": 3}]}
        self.assertEqual([p["id"] for p in grafana.panels(board)], [1, 2, 3])

    def test_shipped_dashboard_variables_and_targets(self):
        dashboard = grafana.Dashboard(os.path.join(SOURCE_DIR, "dashboards", "mapscope-map.json"))
        self.assertEqual([v[0] for v in dashboard.query_variables()], ["job", "instance", "map"])
        self.assertGreater(len(dashboard.targets()), 10)


EXPOSITION = """\
# HELP mapcore_map_entries Entries in the map.
# TYPE mapcore_map_entries gauge
mapcore_map_entries{map="a",env="x"} 12
mapcore_map_entries{map="b",env="x"} 3
# TYPE pause_seconds histogram
pause_seconds_bucket{le="+Inf"} 5
pause_seconds_count 5
pause_seconds_sum 0.25
odd{quote="say \\"hi\\""} NaN 1700000000000
"""


class ExpositionTest(unittest.TestCase):
    def setUp(self):
        self.exposition = Exposition(EXPOSITION)

    def test_families_and_help(self):
        self.assertEqual(self.exposition.types["mapcore_map_entries"], "gauge")
        self.assertEqual(self.exposition.help["mapcore_map_entries"], "Entries in the map.")
        self.assertEqual(self.exposition.family_of("pause_seconds_bucket"), "pause_seconds")
        self.assertIsNone(self.exposition.family_of("odd"))

    def test_sample_needs_every_label(self):
        self.assertEqual(self.exposition.sample("mapcore_map_entries", map="a", env="x"), 12)
        self.assertIsNone(self.exposition.sample("mapcore_map_entries", map="a"))
        self.assertEqual(self.exposition.sample("pause_seconds_bucket", le="+Inf"), 5)

    def test_select_and_value_match_some_labels(self):
        self.assertEqual(len(self.exposition.select("mapcore_map_entries", env="x")), 2)
        self.assertEqual(self.exposition.value("mapcore_map_entries", map="b"), 3)
        with self.assertRaises(ExpositionError):
            self.exposition.value("mapcore_map_entries", env="x")

    def test_escaped_label_and_timestamp(self):
        (labels, value), = self.exposition.select("odd")
        self.assertEqual(labels, {"quote": 'say \\"hi\\"'})
        self.assertNotEqual(value, value)   # NaN

    def test_bad_line_names_its_number(self):
        with self.assertRaisesRegex(ExpositionError, "line 2"):
            Exposition("# TYPE x gauge\nx{ 1\n")


class FindingsTest(unittest.TestCase):
    def test_report(self):
        findings = Findings()
        findings.add("f.yml:3", "bad")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            self.assertEqual(report("tool", findings.lines, "clean"), 1)
        self.assertEqual(out.getvalue(), "f.yml:3: bad\n")
        self.assertEqual(err.getvalue(), "tool: 1 finding(s)\n")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            self.assertEqual(report("tool", [], "clean"), 0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ApiTest(unittest.TestCase):
    """Against Debian's prometheus, started with no scrape targets on a loopback port."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        config = os.path.join(cls.tmp.name, "prometheus.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("global: {}\n")
        port = free_port()
        cls.log = open(os.path.join(cls.tmp.name, "prometheus.log"), "w", encoding="utf-8")
        cls.prometheus = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={cls.tmp.name}/data",
             f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"], stdout=cls.log, stderr=cls.log)
        cls.url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60   # only a guard against a hang
        while not cls.ready():
            if cls.prometheus.poll() is not None or time.monotonic() > deadline:
                cls.tearDownClass()
                raise RuntimeError(f"prometheus did not start on port {port}")
            time.sleep(0.1)
        cls.api = PrometheusApi(cls.url)

    @classmethod
    def ready(cls):
        try:
            with urllib.request.urlopen(cls.url + "-/ready", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    @classmethod
    def tearDownClass(cls):
        cls.prometheus.terminate()
        cls.prometheus.wait(timeout=30)
        cls.log.close()
        cls.tmp.cleanup()

    def test_instant_vector_and_scalar(self):
        self.assertEqual(self.api.query("vector(2.5)"), [{"metric": {}, "value": 2.5}])
        self.assertEqual(self.api.query("scalar(vector(4))"), [{"metric": {}, "value": 4.0}])

    def test_range(self):
        now = time.time()
        (series,) = self.api.query_range('label_replace(vector(1), "a", "b", "", "")', now - 60, now, 15)
        self.assertEqual(series["metric"], {"a": "b"})
        self.assertTrue(has_finite_value(series))
        self.assertEqual(len(series["values"]), 5)

    def test_nothing_scraped(self):
        now = time.time()
        self.assertEqual(self.api.label_values("job", "up", now - 60, now), [])
        self.assertEqual(self.api.active_targets(), [])

    def test_error_body_is_shown(self):
        with self.assertRaisesRegex(PrometheusError, "HTTP 400 .*bad_data: .*parse error"):
            self.api.query("sum(")

    def test_unreachable(self):
        with self.assertRaisesRegex(PrometheusError, "cannot read"):
            PrometheusApi(f"http://127.0.0.1:{free_port()}", timeout=5).query("up")


if __name__ == "__main__":
    unittest.main()
