#!/usr/bin/env python3
"""Writes mapscope's Prometheus rules (mapscope.rules.yml) from this one description and a small configuration.

The configuration follows the `_config` convention of monitoring mixins: DEFAULT_CONFIG below holds the defaults
the shipped file is rendered with; `--config FILE.yml` overrides any of them for a deployment:

    job_selector: 'job=~"mapscope.*"'     # label matchers of the agents' scrape jobs (the alerts on `up`)
    runbook_url_base: https://...         # where docs/runbooks.md is published; each alert adds #its-name
    thresholds:                           # any of the names in DEFAULT_CONFIG["thresholds"]
      overflow_ratio: 0.75

Edit the rules here, run `build_rules.py` to rewrite mapscope.rules.yml, and commit both; `build_rules.py --check`
(a test) fails when the committed file differs from what this script writes. Each threshold is written as one
literal tagged `# threshold: NAME`, and time constants as `for:`, range windows and literals tagged
`# age-seconds`, so that scale_rules.py and lint_rules.py can read the rendered file.

usage: build_rules.py [--config FILE.yml] [--check | --out FILE]   (--out -: stdout)
Exits 2 with FILE:LINE:COLUMN: message on a bad configuration.
"""

import argparse
import copy
import os
import re
import sys
import textwrap
from dataclasses import dataclass

import yaml

import rules_text
from mapscope_prom import promql

HERE = os.path.dirname(os.path.abspath(__file__))
RULES_FILE = os.path.join(HERE, "mapscope.rules.yml")

DEFAULT_CONFIG = {
    # The agents' scrape jobs: the alerts about the agents themselves select `up` with it. The map and agent
    # series (mapcore_*, mapscope_*) are mapscope's own and need no job filter.
    "job_selector": 'job=~"mapscope.*"',
    # docs/runbooks.md as published with the project.
    "runbook_url_base": "https://github.com/mapscope/mapscope/blob/main/docs/runbooks.md",
    # docs/runbooks.md explains each one and its default.
    "thresholds": {
        "old_buckets_large_bytes": 67108864,
        "samesize_grows_per_hour": 12,
        "overflow_ratio": 0.5,
        "overflow_min_buckets": 64,
        "sparse_load_factor": 0.8125,
        "sparse_min_buckets": 1024,
        "swiss_sparse_load_factor": 0.109375,
        "swiss_sparse_min_slots": 8192,
        "swiss_tombstone_share": 0.25,
        "swiss_tombstone_min_slots": 8192,
        "collector_pause_p99_seconds": 0.0005,
        "write_pause_p99_seconds": 0.001,
        "heap_growth_ratio": 0.2,
        "go_gc_pause_p99_seconds": 0.01,
        "go_heap_growth_ratio": 0.2,
    },
}
_WRAP = 120


class ConfigError(Exception):
    """Bad configuration; the message starts with FILE:LINE:COLUMN."""


@dataclass
class Record:
    name: str
    expr: list
    quantile: str = None
    comment: str = None


@dataclass
class Alert:
    name: str
    expr: list
    duration: str
    severity: str
    summary: str
    description: str


@dataclass
class Group:
    name: str
    comment: str
    rules: list


# How a description names a map and where it lives: a Go program's map (target label) also names its target.
MAP_ON_INSTANCE = ("Map {{ $labels.map }}{{ with $labels.target }} of Go target {{ . }}{{ end }} on "
                   "{{ $labels.instance }}")


def old_buckets_retained(min_bytes):
    """Old buckets above min_bytes that no evacuation has touched for 15 minutes, from what both a mapcore map and a
    Go program's map publish (a Go map counts no evacuations, but its pending count moves with every one)."""
    return [
        f'mapcore_map_memory_bytes{{region="oldbuckets"}} > {min_bytes}',
        "and ignoring (region)",
        "  changes(mapcore_map_evacuation_pending_buckets[15m]) == 0",
        "and ignoring (region)",
        "  time() - mapcore_map_grow_start_timestamp_seconds > 900  # age-seconds",
    ]


def groups(config):
    """The rule groups, with the configuration's thresholds and job selector in place."""
    def threshold(name):
        return f"{rules_text.format_number(config['thresholds'][name])}  # threshold: {name}"

    up = f"up{{{config['job_selector']}}}"
    records = Group("mapscope.records", None, [
        Record("map:mapcore_map_operations:rate5m", ["sum without (op) (rate(mapcore_map_operations_total[5m]))"],
               comment="Aggregates for fleet dashboards and remote_write: a few series per map, per agent and per "
                       "job."),
        Record("instance_region:mapcore_map_memory_bytes:sum",
               ["sum by (job, instance, region) (mapcore_map_memory_bytes)"]),
        Record("job_region:mapcore_map_memory_bytes:sum", ["sum by (job, region) (mapcore_map_memory_bytes)"]),
        Record("instance_kind:mapcore_map_grows:rate5m",
               ["sum by (job, instance, kind) (rate(mapcore_map_grows_total[5m]))"]),
        Record("job_op:mapcore_map_operations:rate5m", ["sum by (job, op) (rate(mapcore_map_operations_total[5m]))"]),
        Record("instance:mapcore_map_entries:sum", ["sum by (job, instance) (mapcore_map_entries)"]),
        Record("map:mapcore_map_evacuated_buckets:increase15m",
               ["sum without (trigger) (increase(mapcore_map_evacuated_buckets_total[15m]))"],
               comment="Evacuation progress of each mapcore map, whatever triggered it (writes or the collector). "
                       "Go maps count no evacuations: the alerts watch evacuation_pending_buckets, which both kinds "
                       "publish."),
    ])
    alert_rules = [
        Record("map_quantile:mapcore_map_write_pause_seconds:histogram_quantile",
               ["histogram_quantile(0.99, rate(mapcore_map_write_pause_seconds_bucket[5m]))"], quantile="0.99"),
        Record("map_quantile:mapcore_map_write_pause_seconds:histogram_quantile",
               ["histogram_quantile(0.5, rate(mapcore_map_write_pause_seconds_bucket[5m]))"], quantile="0.5"),
        Record("instance_quantile:mapcore_gc_pause_seconds:histogram_quantile",
               ["histogram_quantile(0.99, sum by (job, instance, le) (rate(mapcore_gc_pause_seconds_bucket[5m])))"],
               quantile="0.99"),
        Record("instance_quantile:mapcore_gc_pause_seconds:histogram_quantile",
               ["histogram_quantile(0.5, sum by (job, instance, le) (rate(mapcore_gc_pause_seconds_bucket[5m])))"],
               quantile="0.5"),
        Record("target_quantile:mapscope_go_gc_pause_seconds:histogram_quantile",
               ["histogram_quantile(0.99, sum by (job, instance, target, le) "
                "(rate(mapscope_go_gc_pause_seconds_bucket[5m])))"], quantile="0.99"),
        Record("target_quantile:mapscope_go_gc_pause_seconds:histogram_quantile",
               ["histogram_quantile(0.5, sum by (job, instance, target, le) "
                "(rate(mapscope_go_gc_pause_seconds_bucket[5m])))"], quantile="0.5"),
        Record("target:mapcore_map_memory_bytes:sum",
               ['sum by (job, instance, target) (mapcore_map_memory_bytes{target!=""})'],
               comment="The bytes of each Go target's maps, beside its mapscope_go_heap_inuse_bytes."),

        Alert("MapscopeOldBucketsRetained", old_buckets_retained("0"), "5m", "warning",
              "A map keeps its old buckets because no write finishes its grow.",
              f"{MAP_ON_INSTANCE} holds {{{{ $value | humanize1024 }}}} bytes in old buckets and has evacuated none "
              "of them for 15 minutes."),
        Alert("MapscopeOldBucketsRetainedLarge", old_buckets_retained(threshold("old_buckets_large_bytes")), "5m",
              "critical",
              "A map keeps a large old-bucket array because no write finishes its grow.",
              f"{MAP_ON_INSTANCE} holds {{{{ $value | humanize1024 }}}} bytes in old buckets, above the large-leak "
              "threshold, and has evacuated none of them for 15 minutes."),
        Alert("MapscopeSameSizeGrowthChurn", [
            f'increase(mapcore_map_grows_total{{kind="samesize"}}[1h]) > {threshold("samesize_grows_per_hour")}',
        ], "15m", "info",
            "A map keeps repacking itself with same-size grows under delete and insert churn.",
            "Map {{ $labels.map }} on {{ $labels.instance }} made {{ $value | humanize }} same-size grows in the last "
            "hour."),
        Alert("MapscopeHighOverflowRatio", [
            f"mapcore_map_overflow_ratio > {threshold('overflow_ratio')}",
            "and",
            f"  mapcore_map_buckets >= {threshold('overflow_min_buckets')}",
        ], "15m", "warning",
            "A map chains many overflow buckets, so its lookups walk long chains.",
            f"{MAP_ON_INSTANCE} has {{{{ $value | humanizePercentage }}}} as many overflow "
            "buckets as buckets."),
        Alert("MapscopeSparseMap", [
            # A classic map: entries per bucket of 8 slots, against Go's 6.5.
            "(",
            '    sum without (region) (mapcore_map_memory_bytes{region=~"buckets|overflow"})',
            "  and",
            f"    mapcore_map_load_factor < {threshold('sparse_load_factor')}",
            "  and",
            f"    mapcore_map_buckets >= {threshold('sparse_min_buckets')}",
            "  unless on (target, map)",
            '    mapscope_go_map_info{impl="swiss"}',
            ")",
            "or",
            # A Swiss-table map (the only kind with capacity slots): entries per slot, against 7/8.
            "(",
            '    sum without (region) (mapcore_map_memory_bytes{region="buckets"})',
            "  and",
            f"    mapcore_map_load_factor < {threshold('swiss_sparse_load_factor')}",
            "  and",
            f"    mapcore_map_capacity_slots >= {threshold('swiss_sparse_min_slots')}",
            ")",
        ], "15m", "warning",
            "A map holds a bucket array far larger than its entries need and will never shrink by itself.",
            f"{MAP_ON_INSTANCE} holds {{{{ $value | humanize1024 }}}} bytes of buckets at a "
            "load factor under one eighth of the most Go allows."),
        Alert("MapscopeSwissTombstones", [
            "mapcore_map_tombstones / mapcore_map_capacity_slots",
            f"  > {threshold('swiss_tombstone_share')}",
            "and",
            f"  mapcore_map_capacity_slots >= {threshold('swiss_tombstone_min_slots')}",
        ], "30m", "info",
            "Deleted entries of a Swiss-table map keep their slots as tombstones until a table is rehashed.",
            f"{MAP_ON_INSTANCE} has {{{{ $value | humanizePercentage }}}} of its slots taken by tombstones "
            "for 30 minutes."),
        Alert("MapscopeCollectorPauseHigh", [
            'instance_quantile:mapcore_gc_pause_seconds:histogram_quantile{quantile="0.99"}',
            f"  > {threshold('collector_pause_p99_seconds')}",
        ], "10m", "warning",
            "The background collector holds map locks longer than its pause budget.",
            "The collector on {{ $labels.instance }} paused maps for {{ $value | humanizeDuration }} at the 99th "
            "percentile over 5 minutes."),
        Alert("MapscopeWritePauseHigh", [
            'map_quantile:mapcore_map_write_pause_seconds:histogram_quantile{quantile="0.99"}',
            f"  > {threshold('write_pause_p99_seconds')}",
        ], "10m", "warning",
            "Writes to a map spend long pauses in growth work.",
            "Writes to map {{ $labels.map }} on {{ $labels.instance }} spent {{ $value | humanizeDuration }} in growth "
            "work at the 99th percentile over 5 minutes."),
        Alert("MapscopeHeapGrowing", [
            "delta(mapscope_heap_inuse_bytes[1h])",
            f"  > min_over_time(mapscope_heap_inuse_bytes[1h]) * {threshold('heap_growth_ratio')}",
            "and",
            "  deriv(mapscope_heap_inuse_bytes[15m]) > 0",
        ], "1h", "warning",
            "The heap in use keeps growing hour after hour.",
            "Heap in use on {{ $labels.instance }} grew by {{ $value | humanize1024 }} bytes in the last hour and is "
            "still growing."),
        Alert("MapscopeGoTargetDown", [
            "mapscope_go_target_up == 0",
        ], "5m", "warning",
            "The agent cannot read a Go program it watches, so its maps are not watched.",
            "Go target {{ $labels.target }} of the agent at {{ $labels.instance }} has been unreadable for 5 minutes "
            "(mapscope_go_target_up is {{ $value }}): the agent's log line msg=\"Go target down\" gives the "
            "reason, and mapscope_go_read_errors_total{target=\"{{ $labels.target }}\"} counts the failures by kind."),
        Alert("MapscopeGoGCPauseHigh", [
            'target_quantile:mapscope_go_gc_pause_seconds:histogram_quantile{quantile="0.99"}',
            f"  > {threshold('go_gc_pause_p99_seconds')}",
        ], "10m", "warning",
            "A watched Go program stops the world for long garbage collection pauses.",
            "Go target {{ $labels.target }} on {{ $labels.instance }} paused for {{ $value | humanizeDuration }} "
            "per GC cycle at the 99th percentile over 5 minutes."),
        Alert("MapscopeGoHeapGrowingInMaps", [
            "delta(mapscope_go_heap_inuse_bytes[1h])",
            f"  > min_over_time(mapscope_go_heap_inuse_bytes[1h]) * {threshold('go_heap_growth_ratio')}",
            "and",
            "  deriv(mapscope_go_heap_inuse_bytes[15m]) > 0",
            "and on (job, instance, target)",
            "  (",
            "      target:mapcore_map_memory_bytes:sum / on (job, instance, target) mapscope_go_heap_inuse_bytes",
            "    >",
            "      target:mapcore_map_memory_bytes:sum offset 1h",
            "    / on (job, instance, target)",
            "      mapscope_go_heap_inuse_bytes offset 1h",
            "  )",
        ], "1h", "warning",
            "A watched Go program's heap keeps growing and its maps hold a growing share of it.",
            "The heap in use of Go target {{ $labels.target }} on {{ $labels.instance }} grew by "
            "{{ $value | humanize1024 }} bytes in the last hour, is still growing, and its watched maps hold a "
            "larger share of it than an hour ago."),
        Alert("MapscopeConfigReloadFailed", [
            "mapscope_config_last_reload_successful == 0",
        ], "10m", "warning",
            "An agent failed to reload its configuration and still runs the previous one.",
            "The agent at {{ $labels.instance }} (job {{ $labels.job }}) rejected its configuration file at the last "
            "reload and keeps running the configuration it had (last_reload_successful is {{ $value }})."),
        Alert("MapscopeTrackRejected", [
            # A counter younger than the window counts every refusal it holds, including those before the first
            # scrape (a service that tracks more maps than its limit as it starts), which increase() cannot see.
            "mapscope_track_rejected_total > 0 unless mapscope_track_rejected_total offset 15m",
            "or",
            "  increase(mapscope_track_rejected_total[15m]) > 0",
        ], "1m", "warning",
            "An agent refused to track maps, so they are not exported.",
            "The agent at {{ $labels.instance }} refused {{ $value | humanize }} track() calls in the last 15 "
            "minutes: past server.max_tracked_maps, or an invalid or duplicate name or label."),
        Alert("MapscopeAgentDown", [
            f"{up} == 0",
        ], "5m", "warning",
            "Prometheus cannot scrape a mapscope agent, so no map of it is watched.",
            "The agent at {{ $labels.instance }} (job {{ $labels.job }}) has failed every scrape for 5 minutes (up "
            "is {{ $value }})."),
        Alert("MapscopeAgentAbsent", [
            f"absent({up})",
        ], "15m", "warning",
            "Prometheus has no mapscope agent to scrape, so no map is watched.",
            f"No target of the agents' jobs ({up}) has been known to Prometheus for 15 minutes: service discovery "
            "finds none or the scrape configuration lost the job."),
    ]
    alerts = Group("mapscope.alerts", "The recording rules that alerts read live in the alerts' own group: rules "
                   "of one group run in order at the same timestamp, while separate groups run independently and "
                   "would feed the alerts values one interval old.", alert_rules)
    return [records, alerts]


HEADER = """\
mapscope recording and alerting rules for Prometheus 2.x (load this file with `rule_files`).
Written by alerts/build_rules.py from its rules and configuration (docs/runbooks.md, "Configuration"): change
those and run it again rather than editing this file.

Recording rules follow the `level:metric:operations` convention; they are the aggregation layer that dashboards
of a fleet and remote_write to Thanos or Mimir use (docs/scaling.md). Each threshold is one literal tagged
`# threshold: NAME`; time constants (`for:`, range windows, offsets and literals tagged `# age-seconds`) scale
together with alerts/scale_rules.py for tests that cannot wait.
"""


def header(config):
    thresholds = ", ".join(f"{name}={rules_text.format_number(value)}"
                           for name, value in config["thresholds"].items())
    return (HEADER + "\nConfiguration:\n" + f"  job_selector: {config['job_selector']}\n"
            + f"  runbook_url_base: {config['runbook_url_base']}\n"
            + textwrap.fill(thresholds, _WRAP - 2, initial_indent="  thresholds: ", subsequent_indent="    "))


def scalar(text):
    """A YAML scalar for one line of text: plain when YAML reads it back unchanged, else double-quoted."""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrap_template(text, indent):
    """Wraps text at _WRAP columns without breaking a Go template action ({{ ... }}), nor a parenthesis around one:
    a value stays with the words that say what it is."""
    unbroken = re.sub(r"\([^()]*?\{\{.*?\}\}[^()]*?\)|\{\{.*?\}\}", lambda m: m.group().replace(" ", "\0"), text)
    return [line.replace("\0", " ") for line in
            textwrap.wrap(unbroken, _WRAP, initial_indent=indent, subsequent_indent=indent)]


def comment_lines(text, indent):
    return [indent + "# " + line for line in textwrap.wrap(text, _WRAP - len(indent) - 2)]


def render_rule(rule, config):
    pad = " " * 6
    lines = comment_lines(rule.comment, pad) if isinstance(rule, Record) and rule.comment else []
    kind = "record" if isinstance(rule, Record) else "alert"
    lines += [f"{pad}- {kind}: {rule.name}", f"{pad}  expr: |"] + [f"{pad}    {line}" for line in rule.expr]
    if isinstance(rule, Record):
        if rule.quantile:
            lines += [f"{pad}  labels:", f'{pad}    quantile: "{rule.quantile}"']
        return lines
    base = config["runbook_url_base"].rstrip("#")
    lines += [f"{pad}  for: {rule.duration}", f"{pad}  labels:", f"{pad}    severity: {rule.severity}",
              f"{pad}  annotations:", f"{pad}    summary: {scalar(rule.summary)}", f"{pad}    description: >-"]
    lines += wrap_template(rule.description, pad + "  " * 3)
    lines.append(f"{pad}    runbook_url: {scalar(base + '#' + rule.name.lower())}")
    return lines


def render(config):
    lines = ["# " + line if line else "#" for line in header(config).split("\n")]
    lines.append("groups:")
    for number, group in enumerate(groups(config)):
        if number:
            lines.append("")
        if group.comment:
            lines += comment_lines(group.comment, "  ")
        lines += [f"  - name: {group.name}", "    rules:"]
        for rule in group.rules:
            if isinstance(rule, Alert):
                lines.append("")
            lines += render_rule(rule, config)
    return "\n".join(lines) + "\n"


def _where(path, node):
    return f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _number(path, node, name):
    value = yaml.safe_load(yaml.serialize(node))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value < 0:
        raise ConfigError(f"{_where(path, node)}: threshold {name} must be a number of 0 or more")
    return value


def _string(path, node, key):
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise ConfigError(f"{_where(path, node)}: {key} must be a non-empty string")
    return str(node.value).strip()


def _mapping(path, node, what):
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{_where(path, node)}: {what} must be a mapping")
    seen = set()
    for key, value in node.value:
        if key.value in seen:
            raise ConfigError(f"{_where(path, key)}: {key.value} is given twice")
        seen.add(key.value)
        yield key, value


def check_job_selector(path, node, selector):
    try:
        found = promql.selectors(f"up{{{selector}}}")
    except promql.ScanError as err:
        raise ConfigError(f"{_where(path, node)}: job_selector must be label matchers such as "
                          f"'job=~\"mapscope.*\"': {err}") from None
    if len(found) != 1 or not found[0].matchers:
        raise ConfigError(f"{_where(path, node)}: job_selector must be label matchers such as 'job=~\"mapscope.*\"'")


def load_config(path):
    """DEFAULT_CONFIG with the file's settings applied; ConfigError (FILE:LINE:COLUMN: ...) for a bad one."""
    config = copy.deepcopy(DEFAULT_CONFIG)
    with open(path, encoding="utf-8") as f:
        try:
            root = yaml.compose(f)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
            raise ConfigError(f"{where}: not YAML: {getattr(err, 'problem', err)}") from None
    if root is None:
        return config
    for key, value in _mapping(path, root, "the configuration"):
        if key.value == "thresholds":
            for name, number in _mapping(path, value, "thresholds"):
                if name.value not in config["thresholds"]:
                    known = ", ".join(sorted(config["thresholds"]))
                    raise ConfigError(f"{_where(path, name)}: no threshold named {name.value} (known: {known})")
                config["thresholds"][name.value] = _number(path, number, name.value)
        elif key.value in ("job_selector", "runbook_url_base"):
            config[key.value] = _string(path, value, key.value)
            if key.value == "job_selector":
                check_job_selector(path, value, config["job_selector"])
        else:
            raise ConfigError(f"{_where(path, key)}: unknown key {key.value} "
                              "(known: job_selector, runbook_url_base, thresholds)")
    return config


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="YAML file overriding job_selector, runbook_url_base and thresholds")
    parser.add_argument("--check", action="store_true", help="fail when the committed mapscope.rules.yml is stale")
    parser.add_argument("--out", default=RULES_FILE, help="file to write, - for stdout (default: mapscope.rules.yml)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config) if args.config else DEFAULT_CONFIG
        text = render(config)
        if args.check:
            with open(RULES_FILE, encoding="utf-8") as f:
                if f.read() != text:
                    print("build_rules: out of date, run alerts/build_rules.py: mapscope.rules.yml", file=sys.stderr)
                    return 1
        else:
            rules_text.write_rules(args.out, text)
    except (OSError, ConfigError) as err:
        print(f"build_rules: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
