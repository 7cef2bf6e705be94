#!/usr/bin/env python3
"""Turns the raw results of bench/run.sh into tables, charts and the document.

  report.py describe [--realtime N]                 prints the machine description as JSON
  report.py report --results DIR --charts DIR [--duration S] [--document docs/benchmarks.md]

`report` reads DIR (throughput_cpp.json, throughput_go.jsonl, stats_cost_*.json, instructions.jsonl,
latency.jsonl, memory.jsonl, collector_pauses.json, exporter_scrape.json, machine.json), writes summary CSVs
next to them, PNG charts (gnuplot) into the charts directory and, with --document, replaces every
block between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->` in the document. Targets
are reported, never enforced: the exit status only says whether the inputs could be read.
"""
import argparse
import csv
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

MAPS = ["mapcore", "absl", "std", "go"]
OPS = ["insert", "insert_hint", "lookup_hit", "lookup_hit_many", "lookup_miss", "iterate", "mix", "erase"]
OP_TITLES = {
    "insert": "insert, no hint", "insert_hint": "insert, with hint", "lookup_hit": "lookup hit",
    "lookup_hit_many": "lookup hit, batched (mapcore find_many)",
    "lookup_miss": "lookup miss", "iterate": "iterate (per entry)", "mix": "90/10 read/write mix",
    "erase": "erase", "update": "update (key present)",
}
KEYS = {"int64": "int64 → int64", "string24": "string(24) → int64", "string_view": "string_view(24) → int64"}
# Go has one string type, a header that shares its bytes: its map[string]int64 runs (key
# "string24") are the Go column of both the std::string and the std::string_view tables.
GO_PEER_KEY = {"string_view": "string24"}
# How many times Go's time each key type's operations should at least be (Go ÷ mapcore).
GO_SPEEDUP_TARGET = {"int64": 1.5, "string24": 1.5, "string_view": 1.0}


def with_go_peers(records):
    """Latency or memory records, plus a copy of each Go record under every key it is the peer of."""
    copies = [dict(record, key=key) for record in records if record["map"] == "go"
              for key, peer in GO_PEER_KEY.items() if record["key"] == peer]
    return records + copies


# ---- machine ------------------------------------------------------------------------------

def command_output(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def package_version(package):
    return command_output(["dpkg-query", "-W", "-f=${Version}", package]) or "not installed"


def describe(realtime):
    lscpu = {}
    for line in command_output(["lscpu"]).splitlines():
        name, _, value = line.partition(":")
        lscpu[name.strip()] = value.strip()
    memory_kib = 0
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                memory_kib = int(line.split()[1])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": lscpu.get("Model name", "?"),
        "cpus": lscpu.get("CPU(s)", "?"),
        "hypervisor": lscpu.get("Hypervisor vendor", "none"),
        "caches": "L1d {}, L2 {}, L3 {}".format(lscpu.get("L1d cache", "?"), lscpu.get("L2 cache", "?"),
                                                lscpu.get("L3 cache", "?")),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "kernel": platform.release(),
        "os": command_output(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "compiler": command_output(["c++", "--version"]).splitlines()[0],
        "go": command_output(["go", "version"]),
        "absl": package_version("libabsl-dev"),
        "google_benchmark": package_version("libbenchmark-dev"),
        "glibc": package_version("libc6"),
        "load_average_at_start": os.getloadavg()[0],
        "realtime": realtime != 0,
        "commit": command_output(["git", "-C", root, "rev-parse", "--short", "HEAD"]),
    }


# ---- reading results ----------------------------------------------------------------------

def read_json_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def read_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def google_benchmark_times(path):
    """{(op, map, key, n): ns per operation} from a Google Benchmark JSON file."""
    times = {}
    data = read_json(path)
    for run in (data or {}).get("benchmarks", []):
        if run.get("run_type", "iteration") != "iteration" or "items_per_second" not in run:
            continue
        op, map_name, key, n = run["name"].split("/")[:4]
        times[(op, map_name, key, int(n))] = 1e9 / run["items_per_second"]
    return times


def throughput_times(results):
    times = google_benchmark_times(os.path.join(results, "throughput_cpp.json"))
    for run in read_json_lines(os.path.join(results, "throughput_go.jsonl")):
        op, map_name, key, n = run["name"].split("/")
        times[(op, map_name, key, int(n))] = run["ns_per_op"]
        for alias, peer in GO_PEER_KEY.items():
            if key == peer:
                times[(op, map_name, alias, int(n))] = run["ns_per_op"]
    return times


def stats_cost(results):
    """{(op, key, n): (median ns with statistics, median ns without, repetitions)}."""
    with_stats, without = {}, {}
    for path in sorted(glob.glob(os.path.join(results, "stats_cost_*.json"))):
        for (op, map_name, key, n), ns in google_benchmark_times(path).items():
            target = without if map_name == "mapcore_nostats" else with_stats
            target.setdefault((op, key, n), []).append(ns)
    out = {}
    for point, samples in with_stats.items():
        if point in without:
            out[point] = (statistics.median(samples), statistics.median(without[point]), len(samples))
    return out


# The operations of bench_op_instructions (bench/instructions/count.sh), in the names of OP_TITLES.
INSTRUCTION_OPS = {"insert_no_hint": "insert", "insert_with_hint": "insert_hint", "lookup_hit": "lookup_hit",
                   "lookup_miss": "lookup_miss", "update": "update", "erase": "erase"}


def instruction_counts(results):
    """{(build, key, n, op): record} from instructions.jsonl (build: "stats" or "nostats")."""
    return {(rec["build"], rec["key"], rec["n"], rec["op"]): rec
            for rec in read_json_lines(os.path.join(results, "instructions.jsonl"))}


def instruction_costs(counts):
    """[(cost percent, key, n, op, with statistics, without)]: what the statistics cost in instructions."""
    out = []
    for (build, key, n, op), rec in sorted(counts.items()):
        off = counts.get(("nostats", key, n, op))
        if build == "stats" and off:
            on_i, off_i = rec["instructions"], off["instructions"]
            out.append(((on_i - off_i) / off_i * 100, key, n, op, on_i, off_i))
    return out


# ---- formatting ---------------------------------------------------------------------------

def fmt_ns(ns):
    if ns is None:
        return "–"
    if ns >= 1e6:
        return "{:.1f} ms".format(ns / 1e6)
    if ns >= 1e3:
        return "{:.1f} µs".format(ns / 1e3)
    if ns >= 100:
        return "{:.0f} ns".format(ns)
    return "{:.1f} ns".format(ns)


def fmt_ratio(ratio, good):
    if ratio is None:
        return "–"
    return "{:.2f}x {}".format(ratio, "✓" if good(ratio) else "✗")


def fmt_n(n):
    return "{}M".format(n // 1000000) if n % 1000000 == 0 else "{}k".format(n // 1000)


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ratio(numerator, denominator):
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


# ---- sections -----------------------------------------------------------------------------

def machine_section(machine, duration):
    if not machine:
        return "_No machine description: run bench/run.sh._"
    rows = [
        ("CPU", "{} ({} CPUs, hypervisor: {})".format(machine["cpu"], machine["cpus"], machine["hypervisor"])),
        ("Caches", machine["caches"]),
        ("Memory", "{} GiB".format(machine["memory_gib"])),
        ("System", "{}, Linux {}, glibc {}".format(machine["os"], machine["kernel"], machine["glibc"])),
        ("Compiler", machine["compiler"] + ", CMake Release (-O3)"),
        ("Go", machine["go"]),
        ("Peers", "absl {} (libabsl-dev), libstdc++ of the compiler".format(machine["absl"])),
        ("Google Benchmark", machine["google_benchmark"]),
        ("Run", "{}, commit {}, {} s, load average {:.1f} at the start{}".format(
            machine["date"], machine["commit"], duration if duration is not None else "?",
            machine["load_average_at_start"],
            ", SCHED_FIFO (--realtime)" if machine["realtime"] else "")),
    ]
    return table(["", ""], rows)


def throughput_section(times, key, n):
    target = GO_SPEEDUP_TARGET[key]
    header = ["operation"] + MAPS + ["Go ÷ mapcore (≥ {:g})".format(target), "mapcore ÷ absl", "std ÷ mapcore"]
    rows = []
    for op in OPS:
        t = {m: times.get((op, m, key, n)) for m in MAPS}
        if all(v is None for v in t.values()):
            continue
        rows.append([OP_TITLES[op]] + [fmt_ns(t[m]) for m in MAPS] + [
            fmt_ratio(ratio(t["go"], t["mapcore"]), lambda r: r >= target),
            fmt_ratio(ratio(t["mapcore"], t["absl"]),
                      (lambda r: r <= 1.25) if op == "lookup_hit" else (lambda r: True)).replace(" ✓", ""),
            fmt_ratio(ratio(t["std"], t["mapcore"]),
                      (lambda r: r > 1) if op.startswith("insert") else (lambda r: True)).replace(" ✓", ""),
        ])
    if not rows:
        return "_No throughput results for this size._"
    return table(header, rows)


def memory_section(memory):
    if not memory:
        return "_No memory results._"
    rows = []
    for record in sorted(memory, key=lambda r: (r["key"], r["n"], MAPS.index(r["map"]))):
        rows.append([KEYS[record["key"]], fmt_n(record["n"]), record["map"],
                     "{:.1f}".format(record["own_bytes_per_entry"]), "{:.1f}".format(record["heap_bytes_per_entry"]),
                     "{:.1f}".format(record["rss_bytes_per_entry"])])
    return table(["keys", "entries", "map", "own figure B/entry", "heap B/entry", "RSS B/entry"], rows)


def latency_section(latency):
    if not latency:
        return "_No latency results._"
    rows = []
    for record in sorted(latency, key=lambda r: (r["key"], MAPS.index(r["map"]))):
        worst = record["worst"][0] if record["worst"] else {"index": "?"}
        # Page faults come from bench_insert_latency's own pass; Go's runner does not count them.
        faults = "{} (#{}); {} inserts, {} in all".format(
            record["max_faults"], record["max_faults_index"], record["inserts_with_faults"],
            record["faults_total"]) if "max_faults" in record else "–"
        rows.append([KEYS[record["key"]], record["map"], fmt_ns(record["p50_ns"]), fmt_ns(record["p99_ns"]),
                     fmt_ns(record["p999_ns"]), "**{}**".format(fmt_ns(record["max_ns"])),
                     "#{}".format(worst["index"]), fmt_ns(record["max_single_run_ns"]),
                     "{:.2f} s".format(record["total_s"]), faults])
    return table(["keys", "map", "p50", "p99", "p99.9", "max (repeatable)", "at insert", "max (any run)",
                  "whole growth", "page faults: most in one insert; inserts that faulted; total"], rows)


def stats_section(costs):
    if not costs:
        return "_No statistics-cost results._"
    rows = []
    for (op, key, n), (with_stats, without, reps) in sorted(costs.items(), key=lambda i: (i[0][1], OPS.index(i[0][0]))):
        cost = (with_stats - without) / without * 100
        rows.append([KEYS[key], OP_TITLES[op], fmt_ns(with_stats), fmt_ns(without),
                     "{:+.1f}% {}".format(cost, "✓" if cost <= 3 else "✗")])
    reps = next(iter(costs.values()))[2]
    n = next(iter(costs))[2]
    return table(["keys", "operation", "statistics in", "statistics out", "cost (≤ 3%)"], rows) + \
        "\n\nMedians of {} alternating runs of each build at {} entries.".format(reps, fmt_n(n))


def instructions_section(counts):
    if not counts:
        return "_No instruction counts._"
    rows = []

    def order(cost):
        return list(KEYS).index(cost[1]), cost[2], list(INSTRUCTION_OPS).index(cost[3])

    for cost, key, n, op, on_i, off_i in sorted(instruction_costs(counts), key=order):
        rec = counts[("stats", key, n, op)]
        title = OP_TITLES.get(INSTRUCTION_OPS[op], INSTRUCTION_OPS[op])
        rows.append([KEYS[key], fmt_n(n), title, "{:.1f}".format(on_i), "{:.1f}".format(off_i),
                     "{:+.1f}% {}".format(cost, "✓" if cost <= 3 else "✗"),
                     "{:.2f}".format(rec["d1_misses"]), "{:.2f}".format(rec["ll_misses"])])
    return table(["keys", "entries", "operation", "instructions, statistics in", "statistics out",
                  "cost (≤ 3%)", "L1 data misses", "last-level misses"], rows) + \
        "\n\nPer operation, counted by callgrind in the measured loop alone (bench/instructions/count.sh); " \
        "cache misses are callgrind's simulation of this machine's caches, for the build with statistics."


def optimisation_section(results):
    """Before and after the hot-path work, from results/optimisation/{before,after}_*.json."""
    samples = {}
    for tag in ("before", "after"):
        for path in glob.glob(os.path.join(results, "optimisation", tag + "_*.json")):
            for point, ns in google_benchmark_times(path).items():
                samples.setdefault((tag, point), []).append(ns)
    points = sorted({p for (_, p) in samples}, key=lambda p: (p[2], OPS.index(p[0])))
    rows = []
    for point in points:
        if ("before", point) not in samples or ("after", point) not in samples:
            continue
        before = statistics.median(samples[("before", point)])
        after = statistics.median(samples[("after", point)])
        rows.append([KEYS[point[2]], OP_TITLES[point[0]], fmt_ns(before), fmt_ns(after),
                     "{:+.0f}%".format((after - before) / before * 100)])
    if not rows:
        return "_No before/after measurements._"
    reps = len(next(iter(samples.values())))
    return table(["keys", "operation", "before", "after", "change"], rows) + \
        "\n\nmapcore alone at {}, medians of {} alternating runs of each build.".format(fmt_n(points[0][3]), reps)


def collector_section(collector):
    if not collector:
        return ("_Not measured in this run: `collector_pauses` was not built. It comes from "
                "bench/collector (`collector_pauses [--quick] RESULT.json`); bench/run.sh runs it when present._")
    pauses, reclaimed = collector["pauses"], collector["reclaimed"]
    owners = collector["owner_write_latency"]
    rows = [
        ["collector pauses (every hold of a map's lock)", "{} pauses: p50 {:.1f} µs, p99 {:.1f} µs, max {:.1f} µs "
         "(max_pause {} µs)".format(pauses["count"], pauses["p50_us"], pauses["p99_us"], pauses["max_us"],
                                    collector["collector"]["max_pause_us"])],
        ["bytes reclaimed", "{:.1f} MB in {:.2f} s: {:.1f} MB/s of wall time, {:.0f} MB/s of pause time".format(
            reclaimed["bytes"] / 1e6, collector["collector"]["seconds"], reclaimed["bytes_per_second"] / 1e6,
            reclaimed["bytes_per_pause_second"] / 1e6)],
    ]
    for name, title in (("baseline", "owners' writes, no collector"),
                        ("while_collecting", "owners' writes, collector at work")):
        w = owners[name]
        rows.append([title, "p50 {:.2f} µs, p99 {:.2f} µs, p99.9 {:.2f} µs, max {:.1f} µs".format(
            w["p50_us"], w["p99_us"], w["p999_us"], w["max_us"])])
    return table(["", ""], rows)


def exporter_section(scrape):
    if not scrape:
        return ("_Not measured in this run: no exporter scrape benchmark was built. bench/run.sh runs a target "
                "named `exporter_scrape_bench` (argument: the JSON result path, e.g. "
                "`build-bench/bin/exporter_scrape_bench bench/results/exporter_scrape.json`) when the agent "
                "provides one; its figures (server-side scrape time with 1, 100, 1,000 and 10,000 tracked maps) "
                "then appear here._")
    rows = [[point.get("maps"), fmt_ns(point.get("p50_ns")), fmt_ns(point.get("p99_ns")), fmt_ns(point.get("max_ns")),
             fmt_ns(point.get("maps_source_p50_ns")), "{:.1f} MB".format(point.get("bytes", 0) / 1e6)]
            for point in scrape.get("points", [])]
    return ("Whole scrapes over loopback HTTP (plain text), and the server-side time of the maps source as the "
            "exporter measured it (`mapscope_scrape_collector_duration_seconds{collector=\"maps\"}`).\n\n" +
            table(["tracked maps", "scrape p50", "scrape p99", "scrape max", "maps source p50", "response"], rows))


def targets_section(times, latency, memory, counts, scrape, sizes):
    rows = []

    def worst_ratio(pairs):
        values = [(r, label) for r, label in pairs if r is not None]
        return min(values) if values else (None, "")

    def go_target(keys, target, title):
        go_pairs = [(ratio(times.get((op, "go", key, n)), times.get((op, "mapcore", key, n))),
                     "{} {} {}".format(OP_TITLES[op], key, fmt_n(n)))
                    for op in OPS for key in keys for n in sizes]
        r, label = worst_ratio(go_pairs)
        met = sum(1 for p, _ in go_pairs if p is not None and p >= target)
        rows.append([title, "{}/{} met; slowest: {:.2f}x ({})".format(
            met, sum(1 for p, _ in go_pairs if p is not None), r, label) if r else "–",
            "✓" if r and r >= target else "✗"])

    go_target([k for k in KEYS if GO_SPEEDUP_TARGET[k] == 1.5], 1.5, "every operation ≥ 1.5x faster than Go 1.19")
    go_target(["string_view"], 1.0, "string_view → int64 at {}: every operation at least as fast as Go's "
              "map[string]int64".format(" and ".join(fmt_n(n) for n in sizes)))

    hit = [(ratio(times.get(("lookup_hit", "mapcore", key, n)), times.get(("lookup_hit", "absl", key, n))),
            "{} {}".format(key, fmt_n(n))) for key in KEYS for n in sizes]
    values = [(p, label) for p, label in hit if p is not None]
    if values:
        worst = max(values)
        rows.append(["lookup hit ≤ 1.25x absl's time", "worst {:.2f}x ({})".format(*worst),
                     "✓" if worst[0] <= 1.25 else "✗"])

    ins = [(ratio(times.get((op, "std", key, n)), times.get((op, "mapcore", key, n))),
            "{} {} {}".format(OP_TITLES[op], key, fmt_n(n))) for op in ("insert", "insert_hint") for key in KEYS
           for n in sizes]
    r, label = worst_ratio(ins)
    if r:
        rows.append(["insert faster than std::unordered_map", "std ÷ mapcore ≥ {:.2f}x ({})".format(r, label),
                     "✓" if r > 1 else "✗"])

    by_map = {(rec["map"], rec["key"]): rec for rec in latency}
    for key in KEYS:
        mine = by_map.get(("mapcore", key))
        if not mine:
            continue
        peers = [by_map[(m, key)]["max_ns"] for m in ("absl", "std", "go") if (m, key) in by_map]
        better = min(peers) / mine["max_ns"] if peers else None
        rows.append(["worst single insert growing to {} < 100 µs ({})".format(fmt_n(mine["n"]), key),
                     "{}; best peer's is {:.0f}x worse".format(fmt_ns(mine["max_ns"]), better) if better
                     else fmt_ns(mine["max_ns"]), "✓" if mine["max_ns"] < 100e3 else "✗"])

    mem = {(rec["map"], rec["key"], rec["n"]): rec for rec in memory}
    for n in sizes:
        # Go's own figure for string keys leaves out the keys' bytes: it compares with string_view keys.
        for key in ("int64", "string_view"):
            mine, go = mem.get(("mapcore", key, n)), mem.get(("go", key, n))
            if mine and go:
                diff = mine["own_bytes_per_entry"] / go["own_bytes_per_entry"] - 1
                rows.append(["bytes per entry = Go's, {}, {}".format(KEYS[key], fmt_n(n)),
                             "mapcore {:.2f} B, Go {:.2f} B ({:+.1f}%)".format(
                                 mine["own_bytes_per_entry"], go["own_bytes_per_entry"], diff * 100),
                             "✓" if abs(diff) <= 0.01 else "✗"])
        for key in KEYS:
            mine, std = mem.get(("mapcore", key, n)), mem.get(("std", key, n))
            if mine and std:
                ok = mine["rss_bytes_per_entry"] < std["rss_bytes_per_entry"] and \
                    mine["own_bytes_per_entry"] < std["own_bytes_per_entry"]
                rows.append(["bytes per entry below std::unordered_map, {} {}".format(key, fmt_n(n)),
                             "own {:.1f} vs {:.1f} B, RSS {:.1f} vs {:.1f} B".format(
                                 mine["own_bytes_per_entry"], std["own_bytes_per_entry"],
                                 mine["rss_bytes_per_entry"], std["rss_bytes_per_entry"]), "✓" if ok else "✗"])

    # The scrape targets are server-side times: the maps source's collection, as the exporter times it. The
    # whole scrape over loopback (writing and sending the body, and the client reading it) is shown beside it.
    for point in (scrape or {}).get("points", []):
        limit_ns = {1000: 10e6, 10000: 100e6}.get(point.get("maps"))
        if limit_ns and point.get("maps_source_p50_ns") is not None:
            rows.append(["scrape, {:,} tracked maps: server side < {}".format(point["maps"], fmt_ns(limit_ns)),
                         "maps source p50 {}; whole scrape over loopback p50 {} ({:.1f} MB)".format(
                             fmt_ns(point["maps_source_p50_ns"]), fmt_ns(point["p50_ns"]), point["bytes"] / 1e6),
                         "✓" if point["maps_source_p50_ns"] < limit_ns else "✗"])

    costs = instruction_costs(counts)
    if costs:
        worst = max(costs)
        over = sum(1 for c in costs if c[0] > 3)
        rows.append(["statistics cost ≤ 3% in instructions, every operation",
                     "{}/{} met; worst {:+.1f}% ({} {} {})".format(
                         len(costs) - over, len(costs), worst[0], OP_TITLES.get(INSTRUCTION_OPS[worst[3]], worst[3]),
                         worst[1], fmt_n(worst[2])), "✓" if over == 0 else "✗"])
    return table(["target", "measured", ""], rows)


# ---- charts -------------------------------------------------------------------------------

GNUPLOT_STYLE = """set terminal pngcairo size 820,400 font "DejaVu Sans,9"
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set xtics nomirror
set linetype 1 lc rgb "#1b6ca8"
set linetype 2 lc rgb "#e8a33d"
set linetype 3 lc rgb "#9b9b9b"
set linetype 4 lc rgb "#3fa34d"
"""


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def chart_throughput(times, key, n, path, scratch):
    data = os.path.join(scratch, "throughput_{}_{}.dat".format(key, n))
    with open(data, "w") as out:
        out.write("op " + " ".join(MAPS) + "\n")
        for op in OPS:
            values = [times.get((op, m, key, n)) for m in MAPS]
            if any(v is None for v in values):
                continue
            out.write('"{}" '.format(OP_TITLES[op]) + " ".join("{:.2f}".format(v) for v in values) + "\n")
    gnuplot(GNUPLOT_STYLE + """set output "{out}"
set title "{title}, {n} entries: time per operation (lower is better)"
set ylabel "ns per operation"
set logscale y
set xtics rotate by -20
plot for [i=2:5] "{data}" using i:xtic(1) title columnheader(i)
""".format(out=path, title=KEYS[key], n=fmt_n(n), data=data))


def chart_latency(latency, key, path, scratch):
    records = {r["map"]: r for r in latency if r["key"] == key}
    if not records:
        return False
    data = os.path.join(scratch, "latency_{}.dat".format(key))
    with open(data, "w") as out:
        out.write("percentile " + " ".join(m for m in MAPS if m in records) + "\n")
        for field, title in (("p50_ns", "p50"), ("p99_ns", "p99"), ("p999_ns", "p99.9"), ("max_ns", "max")):
            out.write('"{}" '.format(title) + " ".join(
                "{:.3f}".format(records[m][field] / 1000) for m in MAPS if m in records) + "\n")
    columns = 1 + len(records)
    gnuplot(GNUPLOT_STYLE + """set output "{out}"
set title "{title}: latency of every single insert while growing to {n} (lower is better)"
set ylabel "µs (log scale)"
set logscale y
plot for [i=2:{columns}] "{data}" using i:xtic(1) title columnheader(i)
""".format(out=path, title=KEYS[key], n=fmt_n(next(iter(records.values()))["n"]), data=data, columns=columns))
    return True


def chart_spikes(results, key, path):
    series, quiet = [], []
    for index, m in enumerate(MAPS):
        file_key = GO_PEER_KEY.get(key, key) if m == "go" else key
        spikes = os.path.join(results, "spikes_{}_{}.csv".format(m, file_key))
        if os.path.exists(spikes) and sum(1 for _ in open(spikes)) <= 1:
            quiet.append(m)  # no insert over the threshold: nothing to plot
        elif os.path.exists(spikes):
            series.append('"{}" using ($1/1e6):($2/1e6) skip 1 with points pt 7 ps 0.4 lt {} title "{}"'.format(
                spikes, index + 1, m))
    if not series:
        return False
    gnuplot(GNUPLOT_STYLE + """set output "{out}"
set datafile separator ","
set title "{title}: every insert slower than 50 µs while growing (repeatable part){quiet}"
set xlabel "insert number (millions)"
set ylabel "ms (log scale)"
set logscale y
set key top left
plot {series}
""".format(out=path, title=KEYS[key], series=", ".join(series),
           quiet="; none: " + ", ".join(quiet) if quiet else ""))
    return True


def chart_memory(memory, n, path, scratch):
    records = {(r["map"], r["key"]): r for r in memory if r["n"] == n}
    if not records:
        return False
    data = os.path.join(scratch, "memory_{}.dat".format(n))
    with open(data, "w") as out:
        out.write("figure " + " ".join(MAPS) + "\n")
        for key in KEYS:
            for field, title in (("own_bytes_per_entry", "own"), ("rss_bytes_per_entry", "RSS")):
                out.write('"{} {}" '.format(key, title) + " ".join(
                    "{:.2f}".format(records[(m, key)][field]) if (m, key) in records else "0" for m in MAPS) + "\n")
    gnuplot(GNUPLOT_STYLE + """set output "{out}"
set title "Bytes per entry at {n} entries (lower is better)"
set ylabel "bytes per entry"
set yrange [0:*]
plot for [i=2:5] "{data}" using i:xtic(1) title columnheader(i)
""".format(out=path, n=fmt_n(n), data=data))
    return True


# ---- summaries and document ---------------------------------------------------------------

def write_csv(path, header, rows):
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def replace_blocks(document, blocks):
    with open(document) as f:
        text = f.read()
    for name, body in blocks.items():
        pattern = re.compile(r"(<!-- generated:{0} -->\n).*?(<!-- /generated:{0} -->)".format(re.escape(name)),
                             re.DOTALL)
        if not pattern.search(text):
            print("report.py: {}: no block '{}'".format(document, name), file=sys.stderr)
            continue
        text = pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text)
    with open(document, "w") as f:
        f.write(text)


def report(args):
    results, charts = args.results, args.charts
    os.makedirs(charts, exist_ok=True)
    machine = read_json(os.path.join(results, "machine.json"))
    times = throughput_times(results)
    costs = stats_cost(results)
    counts = instruction_counts(results)
    latency = with_go_peers(read_json_lines(os.path.join(results, "latency.jsonl")))
    memory = with_go_peers(read_json_lines(os.path.join(results, "memory.jsonl")))
    collector = read_json(os.path.join(results, "collector_pauses.json"))
    scrape = read_json(os.path.join(results, "exporter_scrape.json"))
    sizes = sorted({n for (_, _, _, n) in times})

    write_csv(os.path.join(results, "throughput.csv"), ["op", "map", "key", "n", "ns_per_op"],
              [[op, m, key, n, "{:.3f}".format(ns)] for (op, m, key, n), ns in sorted(times.items())])
    write_csv(os.path.join(results, "stats_cost.csv"),
              ["op", "key", "n", "ns_with_stats", "ns_without", "cost_percent"],
              [[op, key, n, "{:.3f}".format(w), "{:.3f}".format(o), "{:.2f}".format((w - o) / o * 100)]
               for (op, key, n), (w, o, _) in sorted(costs.items())])

    blocks = {"machine": machine_section(machine, args.duration),
              "targets": targets_section(times, latency, memory, counts, scrape, sizes),
              "instructions": instructions_section(counts),
              "memory": memory_section(memory), "latency": latency_section(latency),
              "stats": stats_section(costs), "collector": collector_section(collector),
              "exporter": exporter_section(scrape), "optimisation": optimisation_section(results)}
    throughput_parts, chart_links = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for key in KEYS:
            for n in sizes:
                name = "throughput_{}_{}.png".format(key, fmt_n(n))
                chart_throughput(times, key, n, os.path.join(charts, name), scratch)
                throughput_parts.append("#### {}, {} entries\n\n{}\n\n![{}](benchmarks/{})".format(
                    KEYS[key], fmt_n(n), throughput_section(times, key, n), name, name))
            if chart_latency(latency, key, os.path.join(charts, "latency_{}.png".format(key)), scratch):
                chart_links.append("![latency {0}](benchmarks/latency_{0}.png)".format(key))
            if chart_spikes(results, key, os.path.join(charts, "spikes_{}.png".format(key))):
                chart_links.append("![spikes {0}](benchmarks/spikes_{0}.png)".format(key))
        if sizes and chart_memory(memory, sizes[-1], os.path.join(charts, "memory.png"), scratch):
            blocks["memory"] += "\n\n![memory](benchmarks/memory.png)"
    blocks["throughput"] = "\n\n".join(throughput_parts) or "_No throughput results._"
    blocks["latency"] += "\n\n" + "\n\n".join(chart_links)
    if args.document:
        replace_blocks(args.document, blocks)
    else:
        for name, body in blocks.items():
            print("## {}\n\n{}\n".format(name, body))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("describe")
    d.add_argument("--realtime", type=int, default=0)
    r = sub.add_parser("report")
    r.add_argument("--results", required=True)
    r.add_argument("--charts", required=True)
    r.add_argument("--duration", type=int)
    r.add_argument("--document")
    args = parser.parse_args()
    if args.command == "describe":
        json.dump(describe(args.realtime), sys.stdout, indent=2)
        print()
        return 0
    return report(args)


if __name__ == "__main__":
    sys.exit(main())
