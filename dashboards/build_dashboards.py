#!/usr/bin/env python3
"""Writes mapscope's Grafana dashboards (mapscope-overview.json, mapscope-map.json, mapscope-go.json) from this one
description.

Edit the panels here, run `build_dashboards.py` to rewrite the JSON, and commit both; `build_dashboards.py --check`
(a test) fails when the committed JSON differs from what this script writes. check_dashboards.py enforces the
dashboard rules on the JSON itself.

usage: build_dashboards.py [--check] [--out DIR]
"""

import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
# Label filters every query carries; per-map series also follow the map variable.
J = 'job=~"$job", instance=~"$instance"'
M = J + ', map=~"$map"'
# The Go processes view also follows its target variable (the maps and figures of watched Go programs).
G = J + ', target=~"$target"'
GM = G + ', map=~"$map"'
# Names a map in legends; target is set for the maps of watched Go programs and empty for the others.
MAP_LEGEND = "{{instance}} {{target}} {{map}}"


def target(expr, legend="", ref="A", instant=False, fmt=None):
    t = {"datasource": DATASOURCE, "refId": ref, "expr": expr, "legendFormat": legend, "range": not instant,
         "instant": instant}
    if fmt:
        t["format"] = fmt
    return t


def targets(*pairs):
    """(expr, legend) pairs with refIds A, B, C..."""
    return [target(expr, legend, chr(ord("A") + i)) for i, (expr, legend) in enumerate(pairs)]


class Layout:
    """Places panels left to right in rows of 24 columns and numbers them."""

    def __init__(self):
        self.x = 0
        self.y = 0
        self.row_height = 0
        self.next_id = 1
        self.panels = []

    def add(self, panel, w, h):
        if self.x + w > 24:
            self.x, self.y, self.row_height = 0, self.y + self.row_height, 0
        panel["id"] = self.next_id
        panel["gridPos"] = {"x": self.x, "y": self.y, "w": w, "h": h}
        self.next_id += 1
        self.x += w
        self.row_height = max(self.row_height, h)
        self.panels.append(panel)

    def row(self, title):
        self.x, self.y = 0, self.y + self.row_height
        self.row_height = 0
        self.add({"type": "row", "title": title, "collapsed": False, "panels": []}, 24, 1)


def base_panel(kind, title, description, unit, panel_targets):
    return {"type": kind, "title": title, "description": description, "datasource": DATASOURCE,
            "targets": panel_targets, "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}, "options": {}}


def timeseries(title, description, unit, panel_targets, stack=False, bars=False, step=False, thresholds=None):
    panel = base_panel("timeseries", title, description, unit, panel_targets)
    custom = {"drawStyle": "bars" if bars else "line", "lineInterpolation": "stepAfter" if step else "linear",
              "fillOpacity": 60 if stack else (80 if bars else 10), "showPoints": "never",
              "stacking": {"mode": "normal" if stack else "none", "group": "A"}}
    if thresholds:
        custom["thresholdsStyle"] = {"mode": "dashed"}
        panel["fieldConfig"]["defaults"]["thresholds"] = {
            "mode": "absolute", "steps": [{"color": "green", "value": None}] +
            [{"color": color, "value": value} for value, color in thresholds]}
    panel["fieldConfig"]["defaults"]["custom"] = custom
    panel["options"] = {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["lastNotNull", "max"]},
                        "tooltip": {"mode": "multi", "sort": "desc"}}
    return panel


def stat(title, description, unit, panel_targets):
    panel = base_panel("stat", title, description, unit, panel_targets)
    panel["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "colorMode": "value", "graphMode": "area", "textMode": "value_and_name"}
    return panel


def bargauge(title, description, unit, panel_targets):
    panel = base_panel("bargauge", title, description, unit, panel_targets)
    panel["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                        "orientation": "horizontal", "displayMode": "gradient", "showUnfilled": True}
    return panel


def heatmap(title, description, histogram, labels):
    expr = f"sum by (le) (increase({histogram}_bucket{{{labels}}}[$__rate_interval]))"
    panel = base_panel("heatmap", title, description, "short", [target(expr, "{{le}}", fmt="heatmap")])
    panel["options"] = {"calculate": False, "yAxis": {"unit": "s", "axisPlacement": "left"},
                        "cellValues": {"unit": "short"}, "rowsFrame": {"layout": "auto"},
                        "color": {"mode": "scheme", "scheme": "Oranges", "steps": 64},
                        "tooltip": {"show": True, "yHistogram": True}, "legend": {"show": True}}
    return panel


def quantiles(title, description, histogram, labels, by):
    def quantile(q):
        return (f"histogram_quantile({q}, sum by ({by}, le) "
                f"(rate({histogram}_bucket{{{labels}}}[$__rate_interval])))")
    legend = " ".join("{{" + label + "}}" for label in by.split(", "))
    return timeseries(title, description, "s",
                      targets((quantile(0.5), "p50 " + legend), (quantile(0.99), "p99 " + legend)))


def query_variable(name, label, query):
    return {"name": name, "label": label, "type": "query", "datasource": DATASOURCE, "query": query,
            "definition": query, "multi": True, "includeAll": True, "allValue": ".+", "refresh": 2, "sort": 1,
            "current": {"selected": True, "text": ["All"], "value": ["$__all"]}, "hide": 0, "regex": "",
            "options": []}


DATASOURCE_VARIABLE = {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
                       "regex": "", "current": {}, "hide": 0, "refresh": 1, "options": []}
JOB_VARIABLE = query_variable("job", "Job", "label_values(mapscope_build_info, job)")
INSTANCE_VARIABLE = query_variable("instance", "Instance", 'label_values(mapscope_build_info{job=~"$job"}, instance)')


def variables():
    return [DATASOURCE_VARIABLE, JOB_VARIABLE, INSTANCE_VARIABLE,
            query_variable("map", "Map", f"label_values(mapcore_map_entries{{{J}}}, map)")]


def go_variables():
    return [DATASOURCE_VARIABLE, JOB_VARIABLE, INSTANCE_VARIABLE,
            query_variable("target", "Go target", f"label_values(mapscope_go_target_up{{{J}}}, target)"),
            query_variable("map", "Map", f"label_values(mapcore_map_entries{{{G}}}, map)")]


# mapscope's alerts firing on the selected agents, as marks on every time axis.
FIRING_ALERTS = {
    "name": "mapscope alerts firing", "datasource": DATASOURCE, "enable": True, "hide": False, "iconColor": "red",
    "expr": f'ALERTS{{alertstate="firing", alertname=~"Mapscope.*", {J}}}', "step": "1m",
    "titleFormat": "{{alertname}}", "textFormat": "{{severity}} on {{instance}} {{target}} {{map}}",
    "tagKeys": "alertname,severity,target,map", "useValueForTime": False,
}


def dashboard(uid, title, description, layout, template_variables=None):
    return {
        "id": None, "uid": uid, "title": title, "description": description, "tags": ["mapscope"],
        "editable": False, "schemaVersion": 38, "version": 1, "graphTooltip": 1, "timezone": "",
        "refresh": "30s", "time": {"from": "now-1h", "to": "now"}, "timepicker": {}, "fiscalYearStartMonth": 0,
        "liveNow": False, "weekStart": "",
        "annotations": {"list": [FIRING_ALERTS]},
        "links": [{"type": "dashboards", "title": "mapscope", "tags": ["mapscope"], "asDropdown": False,
                   "includeVars": True, "keepTime": True, "icon": "external link", "targetBlank": False,
                   "tooltip": "", "url": ""}],
        "templating": {"list": template_variables or variables()},
        "panels": layout.panels,
    }


# Up targets of the selected jobs that belong to mapscope agents: jobs with a build_info in the dashboard's time
# range, so that a job whose every agent is down still counts them (as 0) rather than vanishing.
AGENTS = f"up{{{J}}} and on (job) group by (job) (last_over_time(mapscope_build_info{{{J}}}[$__range]))"


def overview():
    lay = Layout()
    lay.row("Fleet")
    lay.add(stat("Agents up", "Agents of the selected jobs that answered their last scrape, out of all scraped "
                 "(0 when none answers).", "none",
                 targets((f"sum({AGENTS}) or vector(0)", "up"), (f"count({AGENTS}) or vector(0)", "scraped"))),
            4, 4)
    lay.add(stat("Tracked maps", "Maps the agents track (mapscope_tracked_maps), summed over the fleet.", "none",
                 targets((f"sum(mapscope_tracked_maps{{{J}}})", "maps"),)), 4, 4)
    lay.add(stat("Entries", "Live entries in the selected maps, summed over the fleet.", "short",
                 targets((f"sum(mapcore_map_entries{{{M}}})", "entries"),)), 4, 4)
    lay.add(stat("Heap in use", "Heap bytes in use in the agents' processes (glibc mallinfo2), summed.", "bytes",
                 targets((f"sum(mapscope_heap_inuse_bytes{{{J}}})", "heap in use"),)), 4, 4)
    lay.add(stat("Bytes held in old buckets",
                 "Old bucket arrays kept alive by grows in progress. Flat and above zero while no map is written: "
                 "the retained old-bucket leak (MapscopeOldBucketsRetained).", "bytes",
                 targets((f'sum(mapcore_map_memory_bytes{{{M}, region="oldbuckets"}})', "old buckets"),)), 4, 4)
    lay.add(stat("Maps growing", "Selected maps with a grow in progress (mapcore_map_grow_in_progress).", "none",
                 targets((f"sum(mapcore_map_grow_in_progress{{{M}}})", "growing"),)), 4, 4)
    lay.row("Memory")
    lay.add(timeseries("Memory by region", "Bytes the selected maps hold, by region, stacked over the fleet: "
                       "bucket arrays, overflow buckets, old buckets of grows in progress, out-of-line keys and "
                       "values.", "bytes",
                       targets((f"sum by (region) (mapcore_map_memory_bytes{{{M}}})", "{{region}}"),), stack=True),
            12, 8)
    lay.add(bargauge("Maps holding the most old-bucket bytes",
                     "The ten maps with the largest old bucket arrays right now. A map that stays here without "
                     "writes is leaking; see the map dashboard.", "bytes",
                     [target(f'topk(10, sum by (job, instance, target, map) '
                             f'(mapcore_map_memory_bytes{{{M}, region="oldbuckets"}}))',
                             MAP_LEGEND,
                             instant=True)]), 12, 8)
    lay.add(timeseries("Heap in use by instance", "Heap bytes in use per agent process (mallinfo2).", "bytes",
                       targets((f"sum by (instance) (mapscope_heap_inuse_bytes{{{J}}})", "{{instance}}"),)), 12, 8)
    lay.add(timeseries("Operations by kind", "Inserts, updates and deletes per second on the selected maps.",
                       "ops", targets((f"sum by (op) (rate(mapcore_map_operations_total{{{M}}}[$__rate_interval]))",
                                       "{{op}}"),)), 12, 8)
    lay.row("Growth and pauses")
    lay.add(timeseries("Grows by kind", "Grows started in each interval over the selected maps: doublings, "
                       "same-size grows (repacking after churn) and shrinks (active policy).", "short",
                       targets((f"sum by (kind) (increase(mapcore_map_grows_total{{{M}}}[$__rate_interval]))",
                                "{{kind}}"),), bars=True), 8, 8)
    lay.add(timeseries("Worst overflow ratio", "The highest overflow-bucket ratio of any selected map, per "
                       "instance. Near 0.2 is normal at Go's load factor; a same-size grow starts at 1.",
                       "percentunit",
                       targets((f"max by (instance) (mapcore_map_overflow_ratio{{{M}}})", "{{instance}}"),),
                       thresholds=[(0.5, "orange")]), 8, 8)
    lay.add(timeseries("Collector pause p99", "99th percentile of the background collector's pauses (one hold of "
                       "a map lock) per instance. The default budget is 250us per pause.", "s",
                       targets((f"histogram_quantile(0.99, sum by (instance, le) "
                                f"(rate(mapcore_gc_pause_seconds_bucket{{{J}}}[$__rate_interval])))",
                                "{{instance}}"),), thresholds=[(0.0005, "orange")]), 8, 8)
    return dashboard("mapscope-overview", "mapscope overview",
                     "Every mapscope agent at a glance: memory of the tracked maps, old buckets, growth, pauses.",
                     lay)


def map_detail():
    lay = Layout()
    legend = MAP_LEGEND
    lay.row("Memory")
    lay.add(timeseries("Memory by region", "Bytes each selected map holds, by region, stacked: bucket array, "
                       "overflow buckets, old buckets (kept while a grow is in progress), out-of-line keys and "
                       "values.", "bytes",
                       targets((f"sum by (instance, target, map, region) (mapcore_map_memory_bytes{{{M}}})",
                                legend + " {{region}}"),), stack=True), 12, 9)
    lay.add(timeseries("Entries and capacity", "Live entries against what the bucket array holds before the next "
                       "doubling: buckets times the map's load factor limit (mapcore_map_load_factor_limit: 6.5, "
                       "or 6.0 under the go1.21 profile; for a Swiss-table Go map, 7/8 of its slots). Far below "
                       "capacity: sparse; Go never shrinks.",
                       "short", targets((f"mapcore_map_entries{{{M}}}", "entries " + legend),
                                        (f"mapcore_map_load_factor_limit{{{M}}} * mapcore_map_buckets{{{M}}}",
                                         "capacity " + legend))),
            12, 9)
    lay.row("Shape")
    lay.add(timeseries("Load factor", "Entries per bucket. A doubling starts above 6.5 (6.0 under the go1.21 "
                       "profile); under 0.8125 (one eighth of 6.5) the map is sparse and the active policy would "
                       "shrink it.", "short",
                       targets((f"mapcore_map_load_factor{{{M}}}", legend),),
                       thresholds=[(0.8125, "orange"), (6.5, "red")]), 8, 8)
    lay.add(timeseries("Overflow ratio", "Overflow buckets per bucket. Long chains slow lookups; at 1 Go starts a "
                       "same-size grow.", "percentunit", targets((f"mapcore_map_overflow_ratio{{{M}}}", legend),),
                       thresholds=[(0.5, "orange")]), 8, 8)
    lay.add(timeseries("Grow in progress", "1 while a grow (doubling, same-size or shrink) is in progress.", "bool",
                       targets((f"mapcore_map_grow_in_progress{{{M}}}", legend),), step=True), 8, 8)
    lay.row("Growth")
    lay.add(timeseries("Evacuation pending", "Old buckets not yet evacuated. Flat above zero: the grow is stalled "
                       "because nothing writes.", "short",
                       targets((f"mapcore_map_evacuation_pending_buckets{{{M}}}", legend),)), 8, 8)
    lay.add(timeseries("Age of the current grow", "Time since the grow in progress started (0 when none). It "
                       "rises without end on a map frozen mid-grow.", "s",
                       targets((f"mapcore_map_grow_in_progress{{{M}}} * "
                                f"(time() - mapcore_map_grow_start_timestamp_seconds{{{M}}})", legend),)), 8, 8)
    lay.add(timeseries("Evacuation rate by trigger", "Old buckets evacuated per second, by writes (Go's only way) "
                       "and by the collector (active policy).", "suffix:buckets/s",
                       targets((f"sum by (instance, map, trigger) "
                                f"(rate(mapcore_map_evacuated_buckets_total{{{M}}}[$__rate_interval]))",
                                "{{instance}} {{map}} {{trigger}}"),)), 8, 8)
    lay.add(timeseries("Grows by kind", "Grows started in each interval: doubling, same-size, shrink.", "short",
                       targets((f"sum by (instance, map, kind) "
                                f"(increase(mapcore_map_grows_total{{{M}}}[$__rate_interval]))",
                                "{{instance}} {{map}} {{kind}}"),), bars=True), 8, 8)
    lay.add(timeseries("Operations by kind", "Inserts, updates and deletes per second. Lookups are not writes "
                       "and never evacuate.", "ops",
                       targets((f"sum by (instance, map, op) "
                                f"(rate(mapcore_map_operations_total{{{M}}}[$__rate_interval]))",
                                "{{instance}} {{map}} {{op}}"),)), 8, 8)
    lay.add(timeseries("Heap in use, heap from the OS and RSS", "The agent process: heap bytes in use and obtained "
                       "from the OS (mallinfo2), and resident memory.", "bytes",
                       targets((f"mapscope_heap_inuse_bytes{{{J}}}", "heap in use {{instance}}"),
                               (f"mapscope_heap_sys_bytes{{{J}}}", "heap from the OS {{instance}}"),
                               (f"process_resident_memory_bytes{{{J}}}", "RSS {{instance}}"))), 8, 8)
    lay.row("Pauses")
    lay.add(heatmap("Write pauses", "Time single writes spent in growth work (starting a grow, evacuating), "
                    "counted per histogram bucket in each interval, over the selected maps.",
                    "mapcore_map_write_pause_seconds", M), 12, 8)
    lay.add(quantiles("Write pause p50 and p99", "Median and 99th percentile of growth work inside writes.",
                      "mapcore_map_write_pause_seconds", M, "instance, map"), 12, 8)
    lay.add(heatmap("Collector pauses", "Lengths of the collector's pauses (holds of a map lock), counted per "
                    "histogram bucket in each interval.", "mapcore_gc_pause_seconds", J), 12, 8)
    lay.add(quantiles("Collector pause p50 and p99", "Median and 99th percentile of the collector's pauses; the "
                      "default budget is 250us per pause.", "mapcore_gc_pause_seconds", J, "instance"), 12, 8)
    return dashboard("mapscope-map", "mapscope map",
                     "Selected maps in depth: memory by region, shape, growth and evacuation, pauses.", lay)


def table(title, description, unit, panel_targets, columns, column_units=None):
    """Instant queries side by side, one row per series (merged on their labels); columns renames each query's value
    column ("Value #REF", or "Value" when there is one query), and hides it when its name is None; column_units
    gives a renamed column a unit of its own (unit is the others')."""
    panel = base_panel("table", title, description, unit, panel_targets)
    panel["fieldConfig"]["overrides"] = [
        {"matcher": {"id": "byName", "options": name}, "properties": [{"id": "unit", "value": column_unit}]}
        for name, column_unit in (column_units or {}).items()]
    value_column = {ref: f"Value #{ref}" if len(panel_targets) > 1 else "Value" for ref in columns}
    hidden = {"Time": True} | {value_column[ref]: True for ref, name in columns.items() if name is None}
    panel["transformations"] = [
        {"id": "merge", "options": {}},
        {"id": "organize", "options": {"excludeByName": hidden,
                                       "renameByName": {value_column[ref]: name for ref, name in columns.items()
                                                        if name is not None}}}]
    panel["options"] = {"showHeader": True, "cellHeight": "sm", "footer": {"show": False}}
    return panel


def go_processes():
    lay = Layout()
    legend = MAP_LEGEND
    lay.row("Targets")
    lay.add(stat("Targets up", "Go targets the agents read in their last scrape, out of all configured "
                 "(mapscope_go_target_up). A target down is explained by the agent's log and "
                 "mapscope_go_read_errors_total.", "none",
                 targets((f"sum(mapscope_go_target_up{{{G}}})", "up"),
                         (f"count(mapscope_go_target_up{{{G}}})", "configured"))), 6, 5)
    lay.add(table("Processes read", "The process of each target read last: pid, Go version from the binary's build "
                  "information and executable (mapscope_go_target_info).", "none",
                  [target(f"mapscope_go_target_info{{{G}}}", instant=True, fmt="table")], {"A": None}), 12, 5)
    lay.add(stat("Bytes held in old buckets", "Old bucket arrays of the selected Go maps, kept alive by grows in "
                 "progress. Flat and above zero while the program stops writing to a map: the retained old-bucket "
                 "leak (MapscopeOldBucketsRetained).", "bytes",
                 targets((f'sum(mapcore_map_memory_bytes{{{GM}, region="oldbuckets"}})', "old buckets"),)), 6, 5)
    lay.row("Memory")
    lay.add(timeseries("Heap in use and its maps' bytes by region",
                       "The program's heap in use and obtained from the OS (runtime.MemStats HeapInuse, HeapSys) "
                       "beside the bytes its selected maps hold, by region. Maps rising with the heap are the "
                       "cause of its growth; the region says which effect.", "bytes",
                       targets((f"mapscope_go_heap_inuse_bytes{{{G}}}", "heap in use {{target}}"),
                               (f"mapscope_go_heap_sys_bytes{{{G}}}", "heap from the OS {{target}}"),
                               (f"sum by (target, region) (mapcore_map_memory_bytes{{{GM}}})",
                                "maps {{region}} {{target}}"))), 24, 9)
    lay.add(bargauge("Maps holding the most old-bucket bytes",
                     "The ten Go maps with the largest old bucket arrays right now. A map that stays here while its "
                     "pending evacuation does not move is leaking; see the runbook of MapscopeOldBucketsRetained.",
                     "bytes", [target(f'topk(10, mapcore_map_memory_bytes{{{GM}, region="oldbuckets"}} > 0)',
                                      legend, instant=True)]), 12, 8)
    lay.add(bargauge("Top maps by overflow ratio",
                     "The ten Go maps with the most overflow buckets per bucket. Near 0.2 is normal at Go's load "
                     "factor; long chains slow lookups, and Go starts a same-size grow when they pile up.",
                     "percentunit", [target(f"topk(10, mapcore_map_overflow_ratio{{{GM}}})", legend,
                                            instant=True)]), 12, 8)
    lay.row("Maps")
    impl = f"* on (job, instance, target, map) group_left (impl) mapscope_go_map_info{{{GM}}}"
    lay.add(table("Maps: implementation, entries, slots, bytes and tombstones",
                  "Every selected Go map: classic (go1.19 to go1.23, or built with GOEXPERIMENT=noswissmap) or "
                  "swiss (go1.24 and later); its entries; its slots (a Swiss map's capacity, a classic map's "
                  "buckets times 8); the bytes it holds in every region; and a Swiss map's tombstones. Entries far "
                  "below the slots is a drained map that never gives its memory back (MapscopeSparseMap).", "short",
                  [target(f"mapcore_map_entries{{{GM}}} {impl}", ref="A", instant=True, fmt="table"),
                   target(f"(mapcore_map_capacity_slots{{{GM}}} or mapcore_map_buckets{{{GM}}} * 8) {impl}",
                          ref="B", instant=True, fmt="table"),
                   target(f"sum without (region) (mapcore_map_memory_bytes{{{GM}}}) {impl}", ref="C",
                          instant=True, fmt="table"),
                   target(f"mapcore_map_tombstones{{{GM}}} {impl}", ref="D", instant=True, fmt="table")],
                  {"A": "entries", "B": "slots", "C": "bytes", "D": "tombstones"}, {"bytes": "bytes"}), 14, 8)
    lay.add(timeseries("Swiss tables: entries, tombstones and capacity",
                       "For each selected Swiss-table map (go1.24 and later): its slots, which never fall while the "
                       "map lives; its entries; and its tombstones, deleted entries that keep their slots until "
                       "their table is rehashed (MapscopeSwissTombstones).", "short",
                       targets((f"mapcore_map_capacity_slots{{{GM}}}", "slots " + legend),
                               (f"mapcore_map_entries{{{GM}}} and on (job, instance, target, map) "
                                f"mapcore_map_capacity_slots{{{GM}}}", "entries " + legend),
                               (f"mapcore_map_tombstones{{{GM}}}", "tombstones " + legend))), 10, 8)
    lay.row("Grows")
    lay.add(table("Grows in progress",
                  "Every selected Go map with a grow in progress: how long it has been growing (time() - "
                  "mapcore_map_grow_start_timestamp_seconds; for a Go map, since the agent first saw the grow, "
                  "so a lower bound), the old buckets still to evacuate and the bytes they hold. A pending count "
                  "that does not move while the time rises is a stalled grow: nothing writes to the map.", "s",
                  [target(f"(time() - mapcore_map_grow_start_timestamp_seconds{{{GM}}}) and on (job, instance, "
                          f"target, map) (mapcore_map_grow_in_progress{{{GM}}} == 1)", ref="A", instant=True,
                          fmt="table"),
                   target(f"mapcore_map_evacuation_pending_buckets{{{GM}}} > 0", ref="B", instant=True,
                          fmt="table"),
                   target(f'sum without (region) (mapcore_map_memory_bytes{{{GM}, region="oldbuckets"}}) > 0',
                          ref="C", instant=True, fmt="table")],
                  {"A": "growing for", "B": "pending old buckets", "C": "old-bucket bytes"},
                  {"pending old buckets": "short", "old-bucket bytes": "bytes"}), 14, 8)
    lay.add(timeseries("Evacuation pending", "Old buckets not yet evacuated, per Go map. Flat above zero: the grow "
                       "is stalled because the program no longer writes to the map.", "short",
                       targets((f"mapcore_map_evacuation_pending_buckets{{{GM}}}", legend),)), 10, 8)
    lay.row("Garbage collector")
    lay.add(quantiles("GC pause quantiles", "Median and 99th percentile of the program's stop-the-world GC pauses "
                      "(runtime.MemStats PauseNs, one per cycle). MapscopeGoGCPauseHigh fires on the p99.",
                      "mapscope_go_gc_pause_seconds", G, "target"), 8, 8)
    lay.add(timeseries("GC cycles per second", "Completed GC cycles per second (runtime.MemStats NumGC). A heap "
                       "that grows makes cycles rarer but longer to mark.", "cps",
                       targets((f"rate(mapscope_go_gc_cycles_total{{{G}}}[$__rate_interval])", "{{target}}"),)),
            8, 8)
    lay.add(timeseries("Read errors by kind", "Reads of the target that failed, by kind: not_found, permission, "
                       "vanished, unsupported, dwarf, inconsistent, memory, budget, internal "
                       "(mapscope_go_read_errors_total).", "short",
                       targets((f"sum by (target, kind) "
                                f"(increase(mapscope_go_read_errors_total{{{G}}}[$__rate_interval]))",
                                "{{target}} {{kind}}"),), bars=True), 8, 8)
    return dashboard("mapscope-go", "mapscope Go processes",
                     "Go programs the agent reads from outside: heap beside their maps' bytes, GC pauses, maps "
                     "holding old buckets, stalled grows, drained and Swiss-table maps.", lay, go_variables())


DASHBOARDS = {"mapscope-overview.json": overview, "mapscope-map.json": map_detail, "mapscope-go.json": go_processes}


def render(build):
    return json.dumps(build(), indent=2) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail when the committed JSON is out of date")
    parser.add_argument("--out", default=HERE, help="directory to write (default: this one)")
    args = parser.parse_args(argv)
    stale = []
    for name, build in DASHBOARDS.items():
        path = os.path.join(args.out, name)
        text = render(build)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(name)
            except OSError:
                stale.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if stale:
        print(f"build_dashboards: out of date, run dashboards/build_dashboards.py: {', '.join(stale)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
