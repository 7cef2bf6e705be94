#!/usr/bin/env python3
"""Lints mapscope's rule file in the monitoring-mixins style, beyond what `promtool check rules` checks.

Alerts: CamelCase names sharing the first word "Mapscope", the required set present, a `for:`, `severity` of
critical/warning/info and no other label, exactly the annotations summary (a static sentence), description
(templated: names the instance, the map for per-map alerts, and the value; an alert on absent() has neither instance
nor a telling value, so its description only has to exist) and runbook_url (pointing at the alert's own section of
the runbooks). Recording rules: `level:metric:operations` names whose metric appears in the
expression, whose level labels survive the aggregation and whose window suffix matches the expression's window.
With --runbooks: every runbook anchor exists and every `# threshold:` is documented with its value in the table of
its "Thresholds" section.
With --tests: every alert has a promtool test case where it fires and one where it must not.

usage: lint_rules.py RULES [--runbooks docs/runbooks.md] [--tests TEST.yml ...]
Prints one line per finding (FILE:LINE: message) and exits 1 when there is any.
"""

import argparse
import re
import sys

import yaml

import rules_text
from mapscope_prom import promql
from mapscope_prom.findings import Findings, report

REQUIRED_ALERTS = (
    "MapscopeOldBucketsRetained",
    "MapscopeOldBucketsRetainedLarge",
    "MapscopeSameSizeGrowthChurn",
    "MapscopeHighOverflowRatio",
    "MapscopeSparseMap",
    "MapscopeSwissTombstones",
    "MapscopeCollectorPauseHigh",
    "MapscopeWritePauseHigh",
    "MapscopeHeapGrowing",
    "MapscopeAgentDown",
    "MapscopeAgentAbsent",
    "MapscopeConfigReloadFailed",
    "MapscopeTrackRejected",
    "MapscopeGoTargetDown",
    "MapscopeGoGCPauseHigh",
    "MapscopeGoHeapGrowingInMaps",
)
SEVERITIES = ("critical", "warning", "info")
ANNOTATIONS = {"summary", "description", "runbook_url"}
_ALERT_NAME = re.compile(r"^Mapscope[A-Z][A-Za-z0-9]*$")
_RECORD_NAME = re.compile(r"^(?P<level>[a-z][a-z0-9_]*):(?P<metric>[a-z][a-z0-9_]*):(?P<ops>[a-z][a-z0-9_]*)$")
_WINDOW_OP = re.compile(r"(?P<fn>rate|increase|irate|delta|deriv)(?P<window>(?:\d+(?:ms|s|m|h|d|w|y))+)$")
_THRESHOLD_TAG = re.compile(r"#\s*threshold:\s*(?P<name>[a-z0-9_]+)")
_HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*$")
_DOC_THRESHOLD_ROW = re.compile(r"^\|\s*`(?P<name>[a-z0-9_]+)`\s*\|\s*`?(?P<value>[^|`]+?)`?\s*\|")


class RuleLocator:
    """Finds the line where a rule is declared, for messages that point at it."""

    def __init__(self, path, text):
        self.path = path
        self.lines = text.split("\n")
        self.seen = {}

    def where(self, kind, name):
        nth = self.seen.get((kind, name), 0)
        self.seen[(kind, name)] = nth + 1
        pattern = re.compile(r"^\s*-?\s*" + kind + r":\s*['\"]?" + re.escape(name) + r"['\"]?\s*$")
        hits = [i for i, line in enumerate(self.lines) if pattern.match(line)]
        line = hits[nth] + 1 if nth < len(hits) else 1
        return f"{self.path}:{line}"


def github_anchor(heading):
    """The anchor GitHub and most Markdown renderers give a heading."""
    anchor = heading.strip().lower()
    anchor = re.sub(r"[^\w\- ]", "", anchor)
    return anchor.replace(" ", "-")


def lint_alert(rule, where, findings, alert_names):
    name = rule["alert"]
    if not _ALERT_NAME.match(name):
        findings.add(where, f"alert {name}: name must be CamelCase starting with Mapscope")
    if name in alert_names:
        findings.add(where, f"alert {name}: defined twice")
    alert_names.add(name)
    lint_alert_for(rule, where, findings)
    lint_alert_labels(rule, where, findings)
    scan = scan_expr("alert", name, rule, where, findings)
    if scan:
        lint_alert_annotations(rule, scan, where, findings)


def lint_alert_for(rule, where, findings):
    name = rule["alert"]
    duration = str(rule.get("for", ""))
    try:
        if rules_text.parse_duration(duration) <= 0:
            raise ValueError
    except ValueError:
        findings.add(where, f"alert {name}: needs a non-zero for: duration")


def lint_alert_labels(rule, where, findings):
    name = rule["alert"]
    labels = rule.get("labels") or {}
    if labels.get("severity") not in SEVERITIES:
        findings.add(where, f"alert {name}: label severity must be one of {', '.join(SEVERITIES)}")
    for extra in sorted(set(labels) - {"severity"}):
        findings.add(where, f"alert {name}: unexpected label {extra} (only severity is set by the rules)")


def is_per_map(scan):
    """Per-map alerts read mapcore_map_* series or recording rules at the map level."""
    return any(s.name.startswith("mapcore_map_") or re.match(r"map(?:_\w+)?:\w+:\w+$", s.name)
               for s in scan.selectors)


def is_absence(scan):
    """Alerts on absent() fire with no series behind them: no instance label, a value of 1."""
    return any(s.function in ("absent", "absent_over_time") for s in scan.selectors)


def scan_expr(kind, name, rule, where, findings):
    """The scan of a rule's expression, or None (with a finding) when it cannot be scanned."""
    try:
        return promql.scan(str(rule.get("expr", "")))
    except promql.ScanError as err:
        findings.add(where, f"{kind} {name}: cannot scan the expression: {err}")
        return None


def lint_alert_annotations(rule, scan, where, findings):
    name = rule["alert"]
    annotations = rule.get("annotations") or {}
    for missing in sorted(ANNOTATIONS - set(annotations)):
        findings.add(where, f"alert {name}: missing annotation {missing}")
    for extra in sorted(set(annotations) - ANNOTATIONS):
        findings.add(where, f"alert {name}: unexpected annotation {extra}")
    summary = str(annotations.get("summary", ""))
    if summary and ("{{" in summary or not summary[0].isupper() or not summary.endswith(".")):
        findings.add(where, f"alert {name}: summary must be a static sentence with a capital and a period")
    description = str(annotations.get("description", ""))
    if description and not is_absence(scan):
        lint_description(name, description, is_per_map(scan), where, findings)
    runbook = str(annotations.get("runbook_url", ""))
    if runbook and not runbook.endswith("runbooks.md#" + name.lower()):
        findings.add(where, f"alert {name}: runbook_url must end with runbooks.md#{name.lower()}")


def lint_description(name, description, per_map, where, findings):
    required = ["$labels.instance", "$value"] + (["$labels.map"] if per_map else [])
    if "{{" not in description:
        findings.add(where, f"alert {name}: description must be templated")
    for needle in required:
        if needle not in description:
            findings.add(where, f"alert {name}: description must show {needle}")
    if not description.rstrip().endswith("."):
        findings.add(where, f"alert {name}: description must end with a period")


def lint_record(rule, where, findings):
    name = rule["record"]
    match = _RECORD_NAME.match(name)
    if not match:
        findings.add(where, f"record {name}: name must be level:metric:operations")
        return
    scan = scan_expr("record", name, rule, where, findings)
    if not scan:
        return
    metric = match["metric"]
    read = {s.name for s in scan.selectors}
    if not read & {metric + suffix for suffix in ("",) + promql.COUNTER_SUFFIXES}:
        findings.add(where, f"record {name}: metric {metric} does not appear in the expression")
    lint_record_window(name, match["ops"], scan, where, findings)
    lint_record_level(name, match["level"], scan, rule.get("labels") or {}, where, findings)
    if rule.get("annotations"):
        findings.add(where, f"record {name}: recording rules carry no annotations")


def lint_record_window(name, ops, scan, where, findings):
    window = _WINDOW_OP.search(ops)
    if not window:
        return
    fn, duration = window["fn"], window["window"]
    if not any(s.function == fn and s.range == duration for s in scan.selectors):
        findings.add(where, f"record {name}: operations say {fn} over {duration}, the expression does not")


def lint_record_level(name, level, scan, labels, where, findings):
    """The labels named by the level must survive the outermost aggregation (or be set by the rule)."""
    level_labels = set(level.split("_"))
    aggregation = scan.outermost_aggregation()
    if aggregation is None:
        missing = set()
    elif aggregation.grouping == "without":
        missing = level_labels & set(aggregation.labels) - set(labels)
    else:
        missing = level_labels - set(aggregation.labels) - set(labels)
    for label in sorted(missing):
        findings.add(where, f"record {name}: level label {label} does not survive the aggregation")


def lint_thresholds(path, text, findings):
    """Each threshold name is tagged once; returns {name: value}."""
    lines = text.split("\n")
    flags = rules_text.expr_line_flags(lines)
    values = {}
    for i, (line, is_expr) in enumerate(zip(lines, flags)):
        code, comment = rules_text.split_comment(line) if is_expr else (line, "")
        tag = _THRESHOLD_TAG.search(comment)
        if not tag:
            continue
        value = re.search(r"(" + rules_text.NUMBER + r")\s*$", code)
        if not value:
            findings.add(f"{path}:{i + 1}", f"threshold {tag['name']} tags no number literal")
        elif tag["name"] in values:
            findings.add(f"{path}:{i + 1}", f"threshold {tag['name']} is tagged twice")
        else:
            values[tag["name"]] = value.group(1)
    return values


def lint_runbooks(path, alerts, thresholds, findings):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    anchors = set()
    documented = {}
    section = None
    for line in text.split("\n"):
        heading = _HEADING.match(line)
        if heading:
            anchors.add(github_anchor(heading["text"]))
            section = heading["text"]
        row = _DOC_THRESHOLD_ROW.match(line) if section == "Thresholds" else None
        if row:
            documented[row["name"]] = row["value"].strip()
    for alert in alerts:
        if alert.lower() not in anchors:
            findings.add(path, f"no section for {alert} (anchor #{alert.lower()})")
    for name, value in sorted(thresholds.items()):
        if name not in documented:
            findings.add(path, f"threshold {name} is not in the thresholds table")
        elif documented[name] != value:
            findings.add(path, f"threshold {name} is documented as {documented[name]}, the rules say {value}")
    for name in sorted(set(documented) - set(thresholds)):
        findings.add(path, f"threshold {name} is documented but no rule tags it")


def lint_test_coverage(test_paths, alerts, findings):
    fires, quiet = set(), set()
    for path in test_paths:
        with open(path, encoding="utf-8") as f:
            tests = yaml.safe_load(f) or {}
        for group in tests.get("tests") or []:
            for case in group.get("alert_rule_test") or []:
                (fires if case.get("exp_alerts") else quiet).add(case.get("alertname"))
    where = ", ".join(test_paths) or "tests"
    for alert in alerts:
        if alert not in fires:
            findings.add(where, f"no test case where {alert} fires")
        if alert not in quiet:
            findings.add(where, f"no test case where {alert} must not fire")


def lint(rules_path, runbooks_path=None, test_paths=()):
    findings = Findings()
    with open(rules_path, encoding="utf-8") as f:
        text = f.read()
    try:
        document = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        findings.add(rules_path, f"not YAML: {err}".replace("\n", " "))
        return findings.lines
    locator = RuleLocator(rules_path, text)
    alert_names = set()
    group_names = set()
    for group in document.get("groups") or []:
        group_name = str(group.get("name", ""))
        if not group_name.startswith("mapscope.") or group_name in group_names:
            findings.add(rules_path, f"group {group_name!r}: names are unique and start with 'mapscope.'")
        group_names.add(group_name)
        for rule in group.get("rules") or []:
            if "alert" in rule:
                lint_alert(rule, locator.where("alert", rule["alert"]), findings, alert_names)
            else:
                lint_record(rule, locator.where("record", rule.get("record", "")), findings)
    for missing in REQUIRED_ALERTS:
        if missing not in alert_names:
            findings.add(rules_path, f"required alert {missing} is missing")
    thresholds = lint_thresholds(rules_path, text, findings)
    alerts = sorted(alert_names)
    if runbooks_path:
        lint_runbooks(runbooks_path, alerts, thresholds, findings)
    if test_paths:
        lint_test_coverage(list(test_paths), alerts, findings)
    return findings.lines


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rules")
    parser.add_argument("--runbooks", help="docs/runbooks.md: check anchors and the thresholds table")
    parser.add_argument("--tests", nargs="*", default=[], help="promtool test files: check every alert's coverage")
    args = parser.parse_args(argv)
    try:
        findings = lint(args.rules, args.runbooks, args.tests)
    except OSError as err:
        print(f"lint_rules: {err}", file=sys.stderr)
        return 2
    return report("lint_rules", findings, f"{args.rules}: clean")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
