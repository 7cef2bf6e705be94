#!/usr/bin/env python3
"""Enforces mapscope's Grafana dashboard rules and parses every query with promtool.

Dashboard: a fixed uid of 8-40 characters (unique across files), a title, `editable: false`, schemaVersion 38, `id`
null, no `__inputs`. Variables: `datasource` of type datasource (query prometheus); `job`, `instance` and `map`
query variables (and `target` before `map` on a dashboard of Go programs) with multi, includeAll, allValue ".+",
refresh 2 and datasource ${datasource}, each filtering on the variables before it. Panels: a title, a description, a
unit (a Grafana unit id, or a custom unit written as Grafana reads it: `suffix:TEXT`, `prefix:TEXT`, `count:TEXT`,
`si:TEXT`, `currency:TEXT`, `time:FORMAT`) and datasource ${datasource}; a known panel type; a place on the
24-column grid that overlaps no other; heatmaps read `format: heatmap` targets. Annotations: Prometheus queries on
${datasource}, held to the query rules. Queries: every selector filters on job=~"$job" and instance=~"$instance"
(and map=~"$map" for mapcore_map_* series, and on a dashboard with a `target` variable target=~"$target" for
mapcore_map_* and mapscope_go_* series); rate() and increase() read counters over [$__rate_interval]; counters
(_total, and histogram _bucket/_count/_sum) appear only inside rate() or increase(); only known variables are used.
Finally every query and variable selector, with the variables replaced by valid values, goes through `promtool check
rules`, Prometheus's own parser. Provisioning: the dashboard and datasource provider files under provisioning/.

usage: check_dashboards.py [--promtool PATH] [--provisioning DIR] DASHBOARD.json...
Prints one line per problem (FILE: where: what) and exits 1 when there is any, 2 on unreadable input.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

from mapscope_prom import grafana, promql
from mapscope_prom.findings import Findings, report

SCHEMA_VERSION = 38
UID = re.compile(r"^[A-Za-z0-9_-]{8,40}$")
FILTER_VARIABLES = ("job", "instance", "map")
# A dashboard of Go programs filters on their target too, between the instance and the map.
GO_FILTER_VARIABLES = ("job", "instance", "target", "map")
# The series that carry a target label: the maps (a Go program's; mapcore maps have none, and the Go view shows
# only Go maps) and the Go programs' own figures.
TARGET_SERIES = ("mapcore_map_", "mapscope_go_")
PANEL_TYPES = {"timeseries", "stat", "bargauge", "heatmap", "table", "gauge", "barchart", "text", "row"}
RATE_FUNCTIONS = {"rate", "increase"}
# Grafana's unit ids the dashboards may use (Grafana's value formats; an unknown id shows the bare number).
UNITS = {"none", "short", "bool", "percent", "percentunit", "bytes", "decbytes", "bits", "s", "ms", "µs", "ns",
         "dtdurations", "ops", "reqps", "rps", "wps", "iops", "cps", "Bps", "binBps"}
# Custom units: KIND:TEXT, TEXT right after the colon.
CUSTOM_UNIT = re.compile(r"^(?:suffix|prefix|count|si|currency|time):\S.*$")
# Values that make an expression parse where Grafana would substitute its variables.
SUBSTITUTES = {"__rate_interval": "1m", "__interval": "15s", "__range": "1h", "job": ".+", "instance": ".+",
               "map": ".+", "target": ".+"}


def is_datasource_ref(value):
    """${datasource}, as a plain string or as {type: prometheus, uid: ${datasource}}."""
    if value == "${datasource}":
        return True
    return isinstance(value, dict) and value.get("uid") == "${datasource}" and value.get("type") == "prometheus"


def substitute(expr):
    """Replaces Grafana variables with values that parse."""
    return grafana.substitute(expr, SUBSTITUTES, fallback=".+")


class DashboardChecker:
    """Checks one dashboard file; collects the expressions to hand to promtool."""

    def __init__(self, path, problems):
        self.path = os.path.basename(path)
        self.full_path = path
        self.problems = problems
        self.expressions = []   # (where, expression with Grafana variables)
        self.variable_names = set()
        self.filter_variables = FILTER_VARIABLES

    def add(self, where, message):
        self.problems.add(f"{self.path}: {where}", message)

    def check(self, board):
        self.check_top_level(board)
        self.check_variables(board.get("templating", {}).get("list", []))
        self.check_panels(board)
        self.check_annotations(board.get("annotations", {}).get("list", []))

    def check_top_level(self, board):
        if not UID.match(str(board.get("uid", ""))):
            self.add("uid", "needs a fixed uid of 8-40 letters, digits, '-' or '_'")
        if not board.get("title"):
            self.add("title", "missing")
        if board.get("editable") is not False:
            self.add("editable", "must be false")
        if board.get("schemaVersion") != SCHEMA_VERSION:
            self.add("schemaVersion", f"must be {SCHEMA_VERSION}, found {board.get('schemaVersion')}")
        if board.get("id") is not None:
            self.add("id", "must be null (Grafana assigns it)")
        if "__inputs" in board:
            self.add("__inputs", "must not be shipped: file provisioning does not resolve it")

    def check_variables(self, variables):
        by_name = {v.get("name"): v for v in variables}
        self.variable_names = set(by_name)
        datasource = by_name.get("datasource")
        if not datasource:
            self.add("templating", "missing variable datasource")
        elif datasource.get("type") != "datasource" or datasource.get("query") != "prometheus":
            self.add("templating.datasource", "must be of type datasource with query prometheus")
        if "target" in by_name:
            self.filter_variables = GO_FILTER_VARIABLES
        for position, name in enumerate(self.filter_variables):
            variable = by_name.get(name)
            if not variable:
                self.add("templating", f"missing variable {name}")
                continue
            self.check_query_variable(variable, self.filter_variables[:position])

    def check_query_variable(self, variable, earlier):
        name = variable["name"]
        where = f"templating.{name}"
        expected = {"type": "query", "multi": True, "includeAll": True, "allValue": ".+", "refresh": 2}
        for key, value in expected.items():
            if variable.get(key) != value:
                self.add(where, f"{key} must be {json.dumps(value)}, found {json.dumps(variable.get(key))}")
        if not is_datasource_ref(variable.get("datasource")):
            self.add(where, "datasource must be ${datasource}")
        query = grafana.label_values(grafana.variable_query(variable))
        if not query or query[1] != name:
            self.add(where, f"query must be label_values(SELECTOR, {name})")
            return
        selector = query[0]
        self.expressions.append((where, selector))
        self.check_selectors(where, selector, required=earlier)

    def check_panels(self, board):
        seen_ids = set()
        cells = {}
        for panel in grafana.panels(board):
            where = f"panel {panel.get('id')} {panel.get('title', '')!r}"
            if panel.get("id") in seen_ids:
                self.add(where, "duplicate panel id")
            seen_ids.add(panel.get("id"))
            self.check_grid(where, panel, cells)
            if panel.get("type") == "row":
                if not panel.get("title"):
                    self.add(where, "row needs a title")
                continue
            self.check_panel(where, panel)

    def check_annotations(self, annotations):
        for annotation in annotations:
            if (annotation.get("builtIn") or annotation.get("type") == "dashboard") and not annotation.get("expr"):
                continue    # Grafana's own annotations of the dashboard
            where = f"annotation {annotation.get('name', '')!r}"
            if "datasource" not in annotation:
                self.add(where, "datasource must be ${datasource}")
            self.check_target(where, annotation)

    def check_grid(self, where, panel, cells):
        grid = panel.get("gridPos") or {}
        try:
            x, y, w, h = (int(grid[k]) for k in ("x", "y", "w", "h"))
        except (KeyError, TypeError, ValueError):
            self.add(where, "needs gridPos x, y, w, h")
            return
        if x < 0 or w < 1 or x + w > 24 or h < 1:
            self.add(where, "gridPos outside the 24-column grid")
        for cell in ((cx, cy) for cx in range(x, x + w) for cy in range(y, y + h)):
            if cell in cells:
                self.add(where, f"overlaps {cells[cell]}")
                return
            cells[cell] = where

    def check_panel(self, where, panel):
        if panel.get("type") not in PANEL_TYPES:
            self.add(where, f"unknown or deprecated panel type {panel.get('type')!r}")
        if not str(panel.get("title", "")).strip():
            self.add(where, "needs a title")
        if not str(panel.get("description", "")).strip():
            self.add(where, "needs a description")
        unit = str(panel.get("fieldConfig", {}).get("defaults", {}).get("unit", "")).strip()
        if not unit:
            self.add(where, "needs a unit (fieldConfig.defaults.unit)")
        elif unit not in UNITS and not CUSTOM_UNIT.match(unit):
            self.add(where, f"unit {unit!r} is neither a Grafana unit id nor a custom unit such as suffix:TEXT")
        if not is_datasource_ref(panel.get("datasource")):
            self.add(where, "datasource must be ${datasource}")
        panel_targets = panel.get("targets") or []
        if not panel_targets:
            self.add(where, "has no query")
        if panel.get("type") == "heatmap":
            self.check_heatmap(where, panel)
        ref_ids = set()
        for target in panel_targets:
            ref = target.get("refId")
            if ref in ref_ids:
                self.add(where, f"duplicate refId {ref}")
            ref_ids.add(ref)
            self.check_target(f"{where} query {ref}", target)

    def check_heatmap(self, where, panel):
        options = panel.get("options", {})
        if options.get("calculate") is not False:
            self.add(where, "heatmap must read buckets as they are (options.calculate false)")
        if not options.get("yAxis", {}).get("unit"):
            self.add(where, "heatmap needs a y-axis unit (options.yAxis.unit)")
        for target in panel.get("targets") or []:
            if target.get("format") != "heatmap":
                self.add(where, f"heatmap query {target.get('refId')} needs format heatmap")

    def check_target(self, where, target):
        if "datasource" in target and not is_datasource_ref(target["datasource"]):
            self.add(where, "datasource must be ${datasource}")
        expr = str(target.get("expr", "")).strip()
        if not expr:
            self.add(where, "empty expression")
            return
        self.expressions.append((where, expr))
        self.check_selectors(where, expr, required=self.filter_variables)

    def check_selectors(self, where, expr, required):
        for name in sorted(grafana.variables_used(expr) - self.variable_names - grafana.BUILTIN_VARIABLES):
            self.add(where, f"unknown variable ${name}")
        try:
            selectors = promql.selectors(expr)
        except promql.ScanError as err:
            self.add(where, f"cannot scan: {err}")
            return
        if not selectors:
            self.add(where, "reads no series")
        for selector in selectors:
            self.check_selector(where, selector, required)

    def check_selector(self, where, selector, required):
        name = selector.name or "{...}"
        for label in required:
            if label == "map" and not name.startswith("mapcore_map_"):
                continue
            if label == "target" and not name.startswith(TARGET_SERIES):
                continue
            wanted = (label, "=~", f"${label}")
            if wanted not in selector.matchers and (label, "=~", f"${{{label}}}") not in selector.matchers:
                self.add(where, f'{name} must filter {label}=~"${label}"')
        if selector.function in RATE_FUNCTIONS:
            if selector.range != "$__rate_interval":
                self.add(where, f"{selector.function}({name}[...]) must use [$__rate_interval], "
                                f"found [{selector.range}]")
            if not promql.is_counter(name):
                self.add(where, f"{selector.function}() of {name}, which is not a counter")
        elif promql.is_counter(name):
            self.add(where, f"counter {name} must be read through rate() or increase()")


def check_with_promtool(promtool, checkers, problems):
    """Writes every expression as a recording rule and lets promtool parse them all."""
    rules, owners = [], []
    for checker in checkers:
        for where, expr in checker.expressions:
            owners.append((checker, where, expr))
            rules.append({"record": f"dashboard_query_{len(rules)}", "expr": substitute(expr)})
    if not rules:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".rules.yml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}, f)
        path = f.name
    try:
        result = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True, check=False)
    except OSError as err:
        problems.add("promtool", f"cannot run {promtool}: {err}")
        return
    finally:
        os.unlink(path)
    if result.returncode == 0:
        return
    output = result.stdout + result.stderr
    blamed = False
    for number, (checker, where, expr) in enumerate(owners):
        for line in output.splitlines():
            if f'"dashboard_query_{number}"' in line:
                checker.add(where, f"promtool: {line.split(': ', 1)[-1].strip()}  (expr: {expr})")
                blamed = True
    if not blamed:
        problems.add("promtool", output.strip().replace("\n", " "))


def check_provisioning(directory, problems):
    dashboards = sorted(_yaml_files(os.path.join(directory, "dashboards")))
    datasources = sorted(_yaml_files(os.path.join(directory, "datasources")))
    if not dashboards:
        problems.add(directory, "no dashboards/*.yaml provider file")
    if not datasources:
        problems.add(directory, "no datasources/*.yaml file")
    for path in dashboards:
        document = _load_yaml(path, problems) or {}
        if document.get("apiVersion") != 1:
            problems.add(path, "apiVersion must be 1")
        providers = document.get("providers") or []
        if not providers:
            problems.add(path, "no providers")
        for provider in providers:
            if not provider.get("name") or provider.get("type") != "file" or \
                    not (provider.get("options") or {}).get("path"):
                problems.add(path, f"provider {provider.get('name')!r} needs name, type file and options.path")
    for path in datasources:
        document = _load_yaml(path, problems) or {}
        if document.get("apiVersion") != 1:
            problems.add(path, "apiVersion must be 1")
        for source in document.get("datasources") or []:
            for key, value in (("type", "prometheus"), ("access", "proxy")):
                if source.get(key) != value:
                    problems.add(path, f"datasource {source.get('name')!r}: {key} must be {value}")
            for key in ("name", "uid", "url"):
                if not source.get(key):
                    problems.add(path, f"datasource {source.get('name')!r}: missing {key}")


def _yaml_files(directory):
    if not os.path.isdir(directory):
        return []
    return [os.path.join(directory, f) for f in os.listdir(directory) if f.endswith((".yaml", ".yml"))]


def _load_yaml(path, problems):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except yaml.YAMLError as err:
        problems.add(path, f"not YAML: {err}".replace("\n", " "))
        return None


def check(paths, promtool="promtool", provisioning=None):
    """Returns the problem lines for the dashboards (and provisioning directory)."""
    problems = Findings()
    checkers = []
    uids = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            try:
                board = json.load(f)
            except json.JSONDecodeError as err:
                problems.add(os.path.basename(path), f"not JSON: {err}")
                continue
        checker = DashboardChecker(path, problems)
        checker.check(board)
        checkers.append(checker)
        uid = board.get("uid")
        if uid in uids:
            problems.add(os.path.basename(path), f"uid {uid} also used by {uids[uid]}")
        uids[uid] = os.path.basename(path)
    check_with_promtool(promtool, checkers, problems)
    if provisioning:
        check_provisioning(provisioning, problems)
    return problems.lines, sum(len(c.expressions) for c in checkers)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--promtool", default="promtool")
    parser.add_argument("--provisioning", help="directory with dashboards/ and datasources/ provider files")
    parser.add_argument("dashboards", nargs="+")
    args = parser.parse_args(argv)
    try:
        problems, parsed = check(args.dashboards, args.promtool, args.provisioning)
    except OSError as err:
        print(f"check_dashboards: {err}", file=sys.stderr)
        return 2
    return report("check_dashboards", problems,
                  f"{len(args.dashboards)} dashboards, {parsed} queries parsed by promtool: ok")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
