#!/usr/bin/env python3
"""Negative tests of dashboards/check_dashboards.py: each deliberately broken copy of a shipped dashboard must be
rejected with the problem that names the fault, so the checker cannot pass vacuously. Also checks the shipped
dashboards pass, and the committed broken fixture (tests/broken-dashboard.json) fails through the command line.
Environment: PROMTOOL (default "promtool"); PYTHONPATH holds python/ and dashboards/ (CMake's test environment
sets it).
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

import check_dashboards

DASHBOARDS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROMTOOL = os.environ.get("PROMTOOL", "promtool")
OVERVIEW = os.path.join(DASHBOARDS_DIR, "mapscope-overview.json")
MAP = os.path.join(DASHBOARDS_DIR, "mapscope-map.json")
GO = os.path.join(DASHBOARDS_DIR, "mapscope-go.json")
PROVISIONING = os.path.join(DASHBOARDS_DIR, "provisioning")
BROKEN = os.path.join(DASHBOARDS_DIR, "tests", "broken-dashboard.json")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def panel(board, title):
    return next(p for p in board["panels"] if p.get("title") == title)


def variable(board, name):
    return next(v for v in board["templating"]["list"] if v["name"] == name)


class CheckerRejectsBrokenDashboards(unittest.TestCase):
    def problems_of(self, board, name="mapscope-map.json"):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                json.dump(board, f)
            problems, _ = check_dashboards.check([path], PROMTOOL)
        return problems

    def assert_rejected(self, mutate, expected, source=MAP):
        board = copy.deepcopy(load(source))
        mutate(board)
        problems = self.problems_of(board)
        self.assertTrue(any(expected in p for p in problems), f"{expected!r} not in {problems}")

    def test_shipped_dashboards_and_provisioning_pass(self):
        problems, parsed = check_dashboards.check([OVERVIEW, MAP, GO], PROMTOOL, PROVISIONING)
        self.assertEqual(problems, [])
        self.assertGreaterEqual(parsed, 60)

    def test_broken_fixture_fails_on_the_command_line(self):
        result = subprocess.run([sys.executable, os.path.join(DASHBOARDS_DIR, "check_dashboards.py"), "--promtool",
                                 PROMTOOL, BROKEN], capture_output=True, text=True, check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        for expected in ("editable: must be false", "__inputs: must not be shipped", "needs a description",
                         "promtool:", 'must filter instance=~"$instance"'):
            self.assertIn(expected, result.stdout)

    # Dashboard-level rules.
    def test_rejects_editable(self):
        self.assert_rejected(lambda b: b.update(editable=True), "editable: must be false")

    def test_rejects_other_schema_version(self):
        self.assert_rejected(lambda b: b.update(schemaVersion=36), "schemaVersion: must be 38, found 36")

    def test_rejects_inputs(self):
        self.assert_rejected(lambda b: b.update(__inputs=[{"name": "DS_PROMETHEUS"}]), "__inputs: must not be shipped")

    def test_rejects_missing_or_short_uid(self):
        self.assert_rejected(lambda b: b.pop("uid"), "uid: needs a fixed uid")
        self.assert_rejected(lambda b: b.update(uid="short"), "uid: needs a fixed uid")

    def test_rejects_fixed_id(self):
        self.assert_rejected(lambda b: b.update(id=7), "id: must be null")

    def test_rejects_uid_shared_by_two_dashboards(self):
        with tempfile.TemporaryDirectory() as tmp:
            copy_path = os.path.join(tmp, "copy.json")
            with open(copy_path, "w", encoding="utf-8") as f:
                json.dump(load(MAP), f)
            problems, _ = check_dashboards.check([MAP, copy_path], PROMTOOL)
        self.assertTrue(any("uid mapscope-map also used by mapscope-map.json" in p for p in problems), problems)

    # Variables.
    def test_rejects_missing_variable(self):
        def drop_map(board):
            board["templating"]["list"] = [v for v in board["templating"]["list"] if v["name"] != "map"]
        self.assert_rejected(drop_map, "templating: missing variable map")

    def test_rejects_variable_settings(self):
        self.assert_rejected(lambda b: variable(b, "job").update(multi=False), "templating.job: multi must be true")
        self.assert_rejected(lambda b: variable(b, "instance").update(allValue=None),
                             'templating.instance: allValue must be ".+"')
        self.assert_rejected(lambda b: variable(b, "map").update(refresh=1), "templating.map: refresh must be 2")
        self.assert_rejected(lambda b: variable(b, "job").update(includeAll=False),
                             "templating.job: includeAll must be true")

    def test_rejects_variable_with_fixed_datasource(self):
        self.assert_rejected(lambda b: variable(b, "job").update(datasource={"type": "prometheus", "uid": "P1"}),
                             "templating.job: datasource must be ${datasource}")

    def test_rejects_datasource_variable_of_another_type(self):
        self.assert_rejected(lambda b: variable(b, "datasource").update(query="loki"),
                             "templating.datasource: must be of type datasource with query prometheus")

    def test_rejects_variable_query_that_ignores_earlier_variables(self):
        self.assert_rejected(lambda b: variable(b, "map").update(query="label_values(mapcore_map_entries, map)"),
                             'templating.map: mapcore_map_entries must filter job=~"$job"')

    # Panels.
    def test_rejects_panel_without_description_unit_or_title(self):
        self.assert_rejected(lambda b: panel(b, "Load factor").update(description=""), "needs a description")
        self.assert_rejected(lambda b: panel(b, "Load factor")["fieldConfig"]["defaults"].pop("unit"),
                             "needs a unit")
        self.assert_rejected(lambda b: panel(b, "Load factor").update(title=" "), "needs a title")

    def test_rejects_units_grafana_does_not_know(self):
        def set_unit(unit):
            return lambda b: panel(b, "Load factor")["fieldConfig"]["defaults"].update(unit=unit)
        self.assert_rejected(set_unit("suffix: buckets/s"), "unit 'suffix: buckets/s' is neither a Grafana unit id")
        self.assert_rejected(set_unit("buckets/s"), "unit 'buckets/s' is neither a Grafana unit id")
        board = copy.deepcopy(load(MAP))
        set_unit("count:buckets/s")(board)
        self.assertEqual(self.problems_of(board), [])

    # Annotations.
    def test_rejects_annotation_without_filters_or_datasource(self):
        def unfiltered(board):
            board["annotations"]["list"][0]["expr"] = 'ALERTS{alertstate="firing"}'
        self.assert_rejected(unfiltered, "annotation 'mapscope alerts firing': ALERTS must filter job=~\"$job\"")

        def fixed_datasource(board):
            board["annotations"]["list"][0]["datasource"] = {"type": "prometheus", "uid": "x1"}
        self.assert_rejected(fixed_datasource, "annotation 'mapscope alerts firing': datasource must be ${datasource}")

        def unparsable(board):
            board["annotations"]["list"][0]["expr"] += " +"
        self.assert_rejected(unparsable, "annotation 'mapscope alerts firing': promtool:")

    def test_rejects_panel_with_fixed_datasource(self):
        self.assert_rejected(lambda b: panel(b, "Load factor").update(datasource={"type": "prometheus", "uid": "x1"}),
                             "'Load factor': datasource must be ${datasource}")

    def test_rejects_deprecated_panel_type(self):
        self.assert_rejected(lambda b: panel(b, "Load factor").update(type="graph"),
                             "unknown or deprecated panel type 'graph'")

    def test_rejects_overlapping_panels(self):
        def overlap(board):
            panel(board, "Overflow ratio")["gridPos"] = dict(panel(board, "Load factor")["gridPos"])
        self.assert_rejected(overlap, "overlaps panel")

    def test_rejects_heatmap_without_heatmap_format(self):
        self.assert_rejected(lambda b: panel(b, "Write pauses")["targets"][0].pop("format"),
                             "heatmap query A needs format heatmap")

    # Queries.
    def set_expr(self, title, expr):
        return lambda b: panel(b, title)["targets"][0].update(expr=expr)

    def test_rejects_query_without_job_or_instance_filter(self):
        self.assert_rejected(self.set_expr("Load factor", 'mapcore_map_load_factor{instance=~"$instance", '
                                           'map=~"$map"}'), 'mapcore_map_load_factor must filter job=~"$job"')
        self.assert_rejected(self.set_expr("Load factor", 'mapcore_map_load_factor{job=~"$job", map=~"$map"}'),
                             'must filter instance=~"$instance"')

    def test_rejects_second_selector_without_filters(self):
        self.assert_rejected(self.set_expr("Entries and capacity", 'mapcore_map_entries{job=~"$job", '
                                           'instance=~"$instance", map=~"$map"} / mapcore_map_buckets'),
                             'mapcore_map_buckets must filter job=~"$job"')

    def test_rejects_map_series_ignoring_the_map_variable(self):
        self.assert_rejected(self.set_expr("Load factor", 'mapcore_map_load_factor{job=~"$job", '
                                           'instance=~"$instance"}'), 'must filter map=~"$map"')

    # The Go processes view: its target variable sits between instance and map, and filters their series.
    def test_rejects_go_series_ignoring_the_target_variable(self):
        self.assert_rejected(self.set_expr("GC cycles per second", 'rate(mapscope_go_gc_cycles_total{job=~"$job", '
                                           'instance=~"$instance"}[$__rate_interval])'),
                             'mapscope_go_gc_cycles_total must filter target=~"$target"', source=GO)
        self.assert_rejected(self.set_expr("Evacuation pending", 'mapcore_map_evacuation_pending_buckets{'
                                           'job=~"$job", instance=~"$instance", map=~"$map"}'),
                             'mapcore_map_evacuation_pending_buckets must filter target=~"$target"', source=GO)

    def test_rejects_go_map_variable_ignoring_the_target(self):
        self.assert_rejected(lambda b: variable(b, "map").update(
            query='label_values(mapcore_map_entries{job=~"$job", instance=~"$instance"}, map)'),
            'templating.map: mapcore_map_entries must filter target=~"$target"', source=GO)

    def test_rejects_fixed_rate_window(self):
        self.assert_rejected(self.set_expr("Operations by kind", 'sum(rate(mapcore_map_operations_total{job=~"$job",'
                                           ' instance=~"$instance", map=~"$map"}[5m]))'),
                             "rate(mapcore_map_operations_total[...]) must use [$__rate_interval], found [5m]")

    def test_rejects_bare_counter(self):
        self.assert_rejected(self.set_expr("Operations by kind", 'sum(mapcore_map_operations_total{job=~"$job", '
                                           'instance=~"$instance", map=~"$map"})'),
                             "counter mapcore_map_operations_total must be read through rate() or increase()")

    def test_rejects_counter_under_another_range_function(self):
        self.assert_rejected(self.set_expr("Operations by kind", 'max_over_time(mapcore_map_operations_total{'
                                           'job=~"$job", instance=~"$instance", map=~"$map"}[$__rate_interval])'),
                             "counter mapcore_map_operations_total must be read through rate() or increase()")

    def test_rejects_rate_of_a_gauge(self):
        self.assert_rejected(self.set_expr("Load factor", 'rate(mapcore_map_load_factor{job=~"$job", '
                                           'instance=~"$instance", map=~"$map"}[$__rate_interval])'),
                             "rate() of mapcore_map_load_factor, which is not a counter")

    def test_rejects_unknown_variable(self):
        self.assert_rejected(self.set_expr("Load factor", 'mapcore_map_load_factor{job=~"$job", '
                                           'instance=~"$instance", map=~"$map", team=~"$team"}'),
                             "unknown variable $team")

    def test_promtool_rejects_a_syntax_error(self):
        self.assert_rejected(self.set_expr("Load factor", 'sum by (instance (mapcore_map_load_factor{job=~"$job", '
                                           'instance=~"$instance", map=~"$map"})'),
                             "'Load factor' query A: promtool:")

    def test_promtool_rejects_an_unknown_function(self):
        self.assert_rejected(self.set_expr("Load factor", 'smooth(mapcore_map_load_factor{job=~"$job", '
                                           'instance=~"$instance", map=~"$map"})'),
                             'unknown function with name "smooth"')

    def test_rejects_broken_provisioning(self):
        with tempfile.TemporaryDirectory() as tmp:
            os.makedirs(os.path.join(tmp, "dashboards"))
            os.makedirs(os.path.join(tmp, "datasources"))
            with open(os.path.join(tmp, "dashboards", "p.yaml"), "w", encoding="utf-8") as f:
                f.write("apiVersion: 1\nproviders:\n  - name: mapscope\n    type: file\n")
            with open(os.path.join(tmp, "datasources", "d.yaml"), "w", encoding="utf-8") as f:
                f.write("apiVersion: 1\ndatasources:\n  - name: p\n    type: prometheus\n    url: http://x\n")
            problems, _ = check_dashboards.check([MAP], PROMTOOL, tmp)
        self.assertTrue(any("needs name, type file and options.path" in p for p in problems), problems)
        self.assertTrue(any("access must be proxy" in p for p in problems), problems)
        self.assertTrue(any("missing uid" in p for p in problems), problems)


if __name__ == "__main__":
    unittest.main()
