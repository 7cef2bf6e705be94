#!/usr/bin/env python3
"""Renders the key dashboard panel, memory by region over time, for chosen maps as PNG charts with gnuplot.

Grafana is not packaged for Debian; this draws the same series from Prometheus's range API (the query of the map
dashboard's "Memory by region" panel, one map at a time), so a reader can see the leak and the fix without a
Grafana. One chart per map (memory-MAP.png) and one sheet with all of them side by side (memory-by-region.png).
With --go-target NAME it draws the Go processes dashboard's key panel instead: the bytes of that Go program's maps
by region, stacked, under its heap in use (go-heap-NAME.png).

usage: render_panels.py --prometheus URL --out DIR [--maps A,B,... | --go-target NAME] [--start -15m|UNIX]
                        [--end now|UNIX] [--step SECONDS] [--job REGEX] [--instance REGEX] [--size WxH]
                        [--keep-data]
Exits 2 with a one-line error when Prometheus cannot be read or gnuplot fails.
"""

import argparse
import math
import os
import re
import subprocess
import sys
import time

from mapscope_prom.api import PrometheusApi, PrometheusError

DEFAULT_MAPS = "frozen-midgrow,frozen-midgrow-active,drained,drained-active"
# Stacking order, bottom to top, and colours of the regions.
REGIONS = (("buckets", "#4e79a7"), ("overflow", "#f28e2b"), ("oldbuckets", "#e15759"), ("indirect", "#76b7b2"))
MIB = 1024.0 * 1024.0
_RELATIVE = re.compile(r"^-(\d+)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RenderError(Exception):
    pass


def parse_time(text, now):
    if text == "now":
        return now
    relative = _RELATIVE.match(text)
    if relative:
        return now - int(relative.group(1)) * _UNIT_SECONDS[relative.group(2)]
    try:
        return float(text)
    except ValueError:
        raise RenderError(f"bad time {text!r}: expected now, -15m style or unix seconds") from None


def memory_query(labels, job, instance):
    """The bytes by region of the series with these exact labels (a map, or every map of a Go target)."""
    selector = ", ".join(f'{k}="{v}"' for k, v in labels.items()) + f', job=~"{job}", instance=~"{instance}"'
    return f"sum by (region) (mapcore_map_memory_bytes{{{selector}}})"


def heap_query(go_target, job, instance):
    return f'sum(mapscope_go_heap_inuse_bytes{{target="{go_target}", job=~"{job}", instance=~"{instance}"}})'


def query_range(prometheus, query, start, end, step):
    """Returns {region: [(t, value), ...]} from Prometheus's range API."""
    try:
        result = PrometheusApi(prometheus).query_range(query, start, end, step)
    except PrometheusError as err:
        raise RenderError(f"{prometheus}: cannot read the range API: {err}") from None
    return {series["metric"].get("region", ""): series["values"] for series in result}


def mib_rows(values):
    """Rows of (t, MiB) of one series; NaN samples are left out."""
    return [(t, value / MIB) for t, value in values if not math.isnan(value)]


def stacked_rows(series):
    """Rows of (t, cumulative MiB per region in REGIONS order); a missing or NaN sample counts 0."""
    times = sorted({t for values in series.values() for t, _ in values})
    lookup = {region: dict(values) for region, values in series.items()}
    rows = []
    for t in times:
        total = 0.0
        row = [t]
        for region, _ in REGIONS:
            value = lookup.get(region, {}).get(t, 0.0)
            total += 0.0 if math.isnan(value) else value / MIB
            row.append(total)
        rows.append(row)
    return rows


def write_data(path, rows, columns=tuple(f"cumulative_{region}_mib" for region, _ in REGIONS)):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# unix_time " + " ".join(columns) + "\n")
        for row in rows:
            f.write(" ".join(f"{value:.6f}" if i else f"{value:.3f}" for i, value in enumerate(row)) + "\n")


def plot_commands(data_path, title, line=None):
    """gnuplot commands drawing one stacked-area chart, and over it line = (data path, title) when given."""
    lines = [f'set title "{title}"', "set xdata time", 'set timefmt "%s"', 'set format x "%H:%M:%S"',
             'set xlabel "time (UTC)"', 'set ylabel "MiB"', "set yrange [0:*]", "set autoscale xfix",
             "set key below horizontal", "set grid ytics"]
    layers = []
    for column, (region, colour) in enumerate(REGIONS, start=2):
        below = f"${column - 1}" if column > 2 else "0"
        layers.append(f'"{data_path}" using 1:({below}):{column} with filledcurves '
                      f'fillcolor rgb "{colour}" fillstyle solid 0.8 title "{region}"')
    if line:
        layers.append(f'"{line[0]}" using 1:2 with lines linewidth 2 linecolor rgb "#333333" title "{line[1]}"')
    lines.append("plot " + ", \\\n     ".join(layers))
    return lines


def run_gnuplot(commands):
    try:
        result = subprocess.run(["gnuplot"], input="\n".join(commands) + "\n", capture_output=True, text=True,
                                check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RenderError(f"gnuplot: {err}") from None
    if result.returncode != 0:
        raise RenderError(f"gnuplot failed: {result.stderr.strip().splitlines()[-1:] or result.returncode}")


def render_go_target(args, start, end, step, width, height):
    """go-heap-TARGET.png: the Go program's maps by region, stacked, under its heap in use."""
    name = args.go_target
    series = query_range(args.prometheus, memory_query({"target": name}, args.job, args.instance), start, end, step)
    heap = query_range(args.prometheus, heap_query(name, args.job, args.instance), start, end, step)
    if not series or not heap:
        raise RenderError(f"no maps or no heap series for Go target {name} between {start:.0f} and {end:.0f}")
    maps_path = os.path.join(args.out, f"go-maps-{name}.dat")
    heap_path = os.path.join(args.out, f"go-heap-{name}.dat")
    write_data(maps_path, stacked_rows(series))
    write_data(heap_path, mib_rows(next(iter(heap.values()))), columns=("heap_inuse_mib",))
    png = os.path.join(args.out, f"go-heap-{name}.png")
    run_gnuplot([f'set terminal pngcairo size {width},{height} font "sans,10"', f'set output "{png}"']
                + plot_commands(maps_path, f"Go target {name}: heap in use and its maps' bytes by region",
                                line=(heap_path, "heap in use")))
    if not args.keep_data:
        os.unlink(maps_path)
        os.unlink(heap_path)
    return [png]


def render(args):
    now = time.time()
    end = parse_time(args.end, now)
    start = parse_time(args.start, end)
    if start >= end:
        raise RenderError("--start must be before --end")
    step = args.step or max(1, int((end - start) / 300))
    width, height = (int(n) for n in args.size.split("x"))
    os.makedirs(args.out, exist_ok=True)
    if args.go_target:
        return render_go_target(args, start, end, step, width, height)
    maps = [m for m in args.maps.split(",") if m]
    written = []
    charts = []
    for map_name in maps:
        series = query_range(args.prometheus, memory_query({"map": map_name}, args.job, args.instance), start, end,
                             step)
        if not series:
            raise RenderError(f"no series for map {map_name} between {start:.0f} and {end:.0f}")
        data_path = os.path.join(args.out, f"memory-{map_name}.dat")
        write_data(data_path, stacked_rows(series))
        title = f"{map_name}: memory by region"
        png = os.path.join(args.out, f"memory-{map_name}.png")
        run_gnuplot([f'set terminal pngcairo size {width},{height} font "sans,10"', f'set output "{png}"']
                    + plot_commands(data_path, title))
        written.append(png)
        charts.append((data_path, title))
    sheet = os.path.join(args.out, "memory-by-region.png")
    columns = 2 if len(charts) > 1 else 1
    rows = (len(charts) + columns - 1) // columns
    commands = [f'set terminal pngcairo size {width * columns},{height * rows} font "sans,10"',
                f'set output "{sheet}"', f"set multiplot layout {rows},{columns}"]
    for data_path, title in charts:
        commands += plot_commands(data_path, title)
    run_gnuplot(commands + ["unset multiplot"])
    written.append(sheet)
    if not args.keep_data:
        for data_path, _ in charts:
            os.unlink(data_path)
    return written


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prometheus", required=True, help="Prometheus base URL, e.g. http://127.0.0.1:9090")
    parser.add_argument("--out", required=True, help="directory for the PNG files")
    parser.add_argument("--maps", default=DEFAULT_MAPS, help=f"comma-separated map names (default {DEFAULT_MAPS})")
    parser.add_argument("--go-target", help="draw this Go target's heap and maps instead of --maps")
    parser.add_argument("--start", default="-15m")
    parser.add_argument("--end", default="now")
    parser.add_argument("--step", type=int, default=0, help="seconds between points (default: about 300 points)")
    parser.add_argument("--job", default=".+")
    parser.add_argument("--instance", default=".+")
    parser.add_argument("--size", default="800x450", help="size of one chart in pixels")
    parser.add_argument("--keep-data", action="store_true", help="keep the gnuplot data files next to the PNGs")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d+x\d+", args.size):
        print(f"render_panels: bad --size {args.size!r}: expected WIDTHxHEIGHT", file=sys.stderr)
        return 2
    try:
        written = render(args)
    except RenderError as err:
        print(f"render_panels: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
