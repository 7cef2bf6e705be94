#!/usr/bin/env python3
"""Checks the end-to-end scripts run against a live Prometheus and the webhook receiver's log.

Subcommands (each prints what it saw and exits 0 when the check holds, 1 when it does not, 2 on bad input):
  targets-up  --prometheus URL --job JOB --count N [--discovered]
      N active targets of JOB are up, or with --discovered known to the scrape loop whatever their health
      (wait conditions).
  webhook-has --log FILE --alert NAME [--map MAP] [--target T] [--status firing|resolved] --instances A,B
      the webhook received a notification of NAME (firing by default) for MAP, of Go target T when given, from
      every instance (a wait condition).
  dashboards  --prometheus URL --start UNIX --instances A,B --job JOB --maps M1,M2 [--targets T1,T2] DASHBOARD.json...
      every variable resolves to the expected values and every panel query returns at least one series with a
      number in it over [start, now], with the variables set to All and to an explicit selection of every value.
  fleet       --prometheus URL --instances A,B DASHBOARD.json
      every query of the dashboard covers each instance: it returns data for each alone, and its result for both
      is either per instance (an `instance` label showing both) or a sum or count that adds up the instances'.
  notifications --log FILE
      prints every notification the webhook received, one line each (status, alert, instance, target, map).
  alerts      --prometheus URL --log FILE --start UNIX --alert NAME --severity S --job JOB --instances A,B
              --fires-for MAP --never-for M1,M2 [--target T] [--never-pending]
      the webhook got NAME firing for MAP on every instance with labels alertname, map, instance, job, severity
      (and target T, for the maps of a watched Go program);
      never for the other maps, which ALERTS in Prometheus never showed firing (nor pending with
      --never-pending) since start.
"""

import argparse
import json
import math
import re
import sys
import time

from mapscope_prom.api import PrometheusApi, PrometheusError, has_finite_value
from mapscope_prom.grafana import Dashboard, GrafanaError, rate_interval, regex_of_selection, substitute

SCRAPE_SECONDS = 1   # the scrape and evaluation interval of the end-to-end Prometheus configurations
STEP_SECONDS = 1     # range-query step, as Grafana's for a few minutes on a wide panel
_AGGREGATE = re.compile(r"^\s*(sum|count)\s*(\(|by\s*\(|without\s*\()")


class CheckFailed(Exception):
    pass


def split_list(text):
    return [item for item in (text or "").split(",") if item]


# --- wait conditions -----------------------------------------------------------------------------------------


def targets_up(args):
    api = PrometheusApi(args.prometheus)
    targets = [t for t in api.active_targets() if t["labels"].get("job") == args.job]
    up = [t["labels"]["instance"] for t in targets if t["health"] == "up" or args.discovered]
    state = "discovered" if args.discovered else "up"
    print(f"{len(up)} of {len(targets)} targets of job {args.job} {state}: {', '.join(sorted(up))}")
    if len(up) != args.count:
        raise CheckFailed(f"expected {args.count} targets {state}")


def read_notifications(path):
    """Every alert the webhook received: [(notification status, alert dict)]."""
    alerts = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                body = json.loads(line)["body"]
                alerts.extend((body.get("status"), alert) for alert in body.get("alerts", []))
    except FileNotFoundError:
        pass
    return alerts


def notified_instances(path, alert_name, labels, status="firing"):
    """The instances the webhook got a notification from of alert_name in `status`, with these labels."""
    return {a["labels"].get("instance") for _, a in read_notifications(path)
            if a.get("status") == status and a["labels"].get("alertname") == alert_name
            and all(a["labels"].get(k) == v for k, v in labels.items())}


def webhook_has(args):
    labels = {k: v for k, v in (("map", args.map), ("target", args.target)) if v is not None}
    seen = notified_instances(args.log, args.alert, labels, args.status)
    wanted = set(split_list(args.instances))
    print(f"{args.alert} {args.status} for {labels} received from: {', '.join(sorted(seen)) or 'none'}")
    if not wanted <= seen:
        raise CheckFailed(f"still missing {', '.join(sorted(wanted - seen))}")


def notifications(args):
    for status, alert in read_notifications(args.log):
        labels = alert["labels"]
        print("  %-8s %-28s %-22s %-8s %s" % (alert.get("status", status), labels.get("alertname"),
                                              labels.get("instance", "-"), labels.get("target", "-"),
                                              labels.get("map", "-")))


# --- dashboards ----------------------------------------------------------------------------------------------


def resolve_variables(api, dashboard, start, end):
    """{name: [values]} for the query variables, each resolved with the ones before it set to All."""
    resolved, all_values = {}, {}
    for name, label, selector, all_value in dashboard.query_variables():
        match = substitute(selector, all_values)
        resolved[name] = sorted(api.label_values(label, match, start, end))
        all_values[name] = all_value or regex_of_selection(resolved[name])
    return resolved


def check_variables(resolved, expected, where):
    for name, wanted in expected.items():
        if name in resolved and not set(wanted) <= set(resolved[name]):
            raise CheckFailed(f"{where}: variable {name} resolves to {resolved[name]}, missing "
                              f"{sorted(set(wanted) - set(resolved[name]))}")


def selections(dashboard, resolved, range_seconds):
    """The two ways a user looks: every variable at All, and every value picked explicitly; range_seconds is the
    dashboard's time range ($__range)."""
    builtins = {"__rate_interval": rate_interval(STEP_SECONDS, SCRAPE_SECONDS), "__interval": f"{STEP_SECONDS}s",
                "__range": f"{max(1, int(range_seconds))}s"}
    all_selected = dict(builtins)
    picked = dict(builtins)
    for name, _, _, all_value in dashboard.query_variables():
        all_selected[name] = all_value or regex_of_selection(resolved[name])
        picked[name] = regex_of_selection(resolved[name])
    return (("All", all_selected), ("every value", picked))


def dashboards(args):
    api = PrometheusApi(args.prometheus)
    end = time.time()
    expected = {"job": [args.job], "instance": split_list(args.instances), "map": split_list(args.maps),
                "target": split_list(args.targets)}
    failures, total = [], 0
    for path in args.dashboards:
        dashboard = Dashboard(path)
        resolved = resolve_variables(api, dashboard, args.start, end)
        print(f"{dashboard.uid}: variables " + "; ".join(f"{k}={','.join(v)}" for k, v in resolved.items()))
        check_variables(resolved, expected, dashboard.uid)
        for label, values in selections(dashboard, resolved, end - args.start):
            for title, ref, expr in dashboard.targets():
                total += 1
                result = api.query_range(substitute(expr, values), args.start, end, STEP_SECONDS)
                numeric = [s for s in result if has_finite_value(s)]
                print(f"  [{label}] {title} ({ref}): {len(result)} series, {len(numeric)} with numbers")
                if not numeric:
                    failures.append(f"{dashboard.uid} [{label}] {title} ({ref}): no series with a number: {expr}")
    for failure in failures:
        print("FAIL " + failure)
    if failures:
        raise CheckFailed(f"{len(failures)} of {total} dashboard queries returned no data")
    print(f"all {total} dashboard queries returned data")


# --- fleet ---------------------------------------------------------------------------------------------------


def labels_key(metric):
    return tuple(sorted((k, v) for k, v in metric.items() if k != "__name__"))


def check_fleet_query(api, expr, values, instances, at):
    """One query over both instances against each instance alone; returns a description of what covered them."""
    both = api.query(substitute(expr, dict(values, instance=regex_of_selection(instances))), at)
    alone = {}
    for instance in instances:
        alone[instance] = api.query(substitute(expr, dict(values, instance=regex_of_selection([instance]))), at)
        if not alone[instance]:
            raise CheckFailed(f"no data for instance {instance} alone")
    if not both:
        raise CheckFailed("no data for both instances")
    if all("instance" in s["metric"] for s in both):
        shown = {s["metric"]["instance"] for s in both}
        if shown != set(instances):
            raise CheckFailed(f"series show instances {sorted(shown)}, expected {sorted(instances)}")
        return f"per instance, {len(both)} series over {len(shown)} instances"
    if not _AGGREGATE.match(expr):
        raise CheckFailed("result has no instance label and the query is not a sum or count: cannot check it")
    return check_additive(both, alone)


def check_additive(both, alone):
    """A sum or count over both instances equals the sum of each instance's, series by series."""
    expected = {}
    for results in alone.values():
        for series in results:
            key = labels_key(series["metric"])
            expected[key] = expected.get(key, 0.0) + series["value"]
    got = {labels_key(s["metric"]): s["value"] for s in both}
    if set(got) != set(expected):
        raise CheckFailed(f"label sets differ: both {sorted(got)} vs instances {sorted(expected)}")
    for key, value in got.items():
        if math.isnan(value) and math.isnan(expected[key]):
            continue
        if not math.isclose(value, expected[key], rel_tol=1e-9, abs_tol=1e-9):
            raise CheckFailed(f"{dict(key)}: {value} for both instances, {expected[key]} summed per instance")
    contributors = sum(1 for results in alone.values() if any(s["value"] != 0 for s in results))
    return f"sum of the instances over {len(got)} series ({contributors} instances non-zero)"


def fleet(args):
    api = PrometheusApi(args.prometheus)
    instances = split_list(args.instances)
    at = time.time() - 2 * SCRAPE_SECONDS   # both agents' latest scrapes are in by then
    dashboard = Dashboard(args.dashboard)
    resolved = resolve_variables(api, dashboard, at - 60, at)
    values = dict(selections(dashboard, resolved, 60)[0][1])   # All for job and map
    failures = []
    for title, ref, expr in dashboard.targets():
        try:
            print(f"  {title} ({ref}): {check_fleet_query(api, expr, values, instances, at)}")
        except CheckFailed as err:
            failures.append(f"{title} ({ref}): {err}: {expr}")
    for failure in failures:
        print("FAIL " + failure)
    if failures:
        raise CheckFailed(f"{len(failures)} overview queries do not cover both instances")
    print(f"all {len(dashboard.targets())} queries of {dashboard.uid} cover the instances {', '.join(instances)}")


# --- alerts --------------------------------------------------------------------------------------------------


def alert_history(api, alert_name, start, state, target=None):
    """{(map, instance)} that ALERTS showed in `state` for alert_name (of that Go target only, when given) at any
    evaluation since start."""
    window = max(1, int(time.time() - start) + 1)
    of_target = f', target="{target}"' if target else ""
    query = f'max_over_time(ALERTS{{alertname="{alert_name}", alertstate="{state}"{of_target}}}[{window}s])'
    return {(s["metric"].get("map"), s["metric"].get("instance")) for s in api.query(query)}


def check_alert_labels(alert, args):
    labels = alert["labels"]
    wanted = {"alertname": args.alert, "job": args.job, "severity": args.severity, "map": args.fires_for}
    if args.target:
        wanted["target"] = args.target
    for name, value in wanted.items():
        if labels.get(name) != value:
            raise CheckFailed(f"notification label {name}={labels.get(name)!r}, expected {value!r}: {labels}")
    if labels.get("instance") not in split_list(args.instances):
        raise CheckFailed(f"notification for unknown instance {labels.get('instance')!r}: {labels}")
    for name in ("summary", "description", "runbook_url"):
        if not alert.get("annotations", {}).get(name):
            raise CheckFailed(f"notification without annotation {name}: {alert.get('annotations')}")


def alerts(args):
    api = PrometheusApi(args.prometheus)
    instances = set(split_list(args.instances))
    never = split_list(args.never_for)
    received = [a for _, a in read_notifications(args.log) if a["labels"].get("alertname") == args.alert
                and (not args.target or a["labels"].get("target") == args.target)]
    firing = [a for a in received if a.get("status") == "firing"]
    for alert in firing:
        print(f"  webhook: {args.alert} firing, labels {json.dumps(alert['labels'], sort_keys=True)}")
    wrong = sorted({(a["labels"].get("map"), a["labels"].get("instance")) for a in received
                    if a["labels"].get("map") != args.fires_for})
    if wrong:
        raise CheckFailed(f"the webhook received {args.alert} for other maps: {wrong}")
    for alert in firing:
        check_alert_labels(alert, args)
    got = {a["labels"]["instance"] for a in firing}
    if args.fires_for and got != instances:
        raise CheckFailed(f"{args.alert} for {args.fires_for} reached the webhook from {sorted(got)}, "
                          f"expected {sorted(instances)}")
    states = ("firing", "pending") if args.never_pending else ("firing",)
    for state in states:
        history = alert_history(api, args.alert, args.start, state, args.target)
        print(f"  Prometheus ALERTS {state} since start: {sorted(history)}")
        bad = sorted(key for key in history if key[0] in never)
        if bad:
            raise CheckFailed(f"{args.alert} was {state} for maps that must never raise it: {bad}")
        if state == "firing" and args.fires_for and {i for m, i in history if m == args.fires_for} != instances:
            raise CheckFailed(f"ALERTS does not show {args.alert} firing for {args.fires_for} on every instance")
    fires = f"firing for {args.fires_for} on {len(instances)} instances" if args.fires_for else "firing for no map"
    print(f"{args.alert}{' of target ' + args.target if args.target else ''}: {fires}, "
          f"never {'/'.join(states)} for {', '.join(never)}")


# --- command line --------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("targets-up")
    p.add_argument("--prometheus", required=True)
    p.add_argument("--job", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--discovered", action="store_true")
    p.set_defaults(run=targets_up)

    p = sub.add_parser("webhook-has")
    p.add_argument("--log", required=True)
    p.add_argument("--alert", required=True)
    p.add_argument("--map")
    p.add_argument("--target")
    p.add_argument("--status", choices=("firing", "resolved"), default="firing")
    p.add_argument("--instances", required=True)
    p.set_defaults(run=webhook_has)

    p = sub.add_parser("notifications")
    p.add_argument("--log", required=True)
    p.set_defaults(run=notifications)

    p = sub.add_parser("dashboards")
    p.add_argument("--prometheus", required=True)
    p.add_argument("--start", type=float, required=True)
    p.add_argument("--instances", required=True)
    p.add_argument("--job", required=True)
    p.add_argument("--maps", required=True)
    p.add_argument("--targets")
    p.add_argument("dashboards", nargs="+")
    p.set_defaults(run=dashboards)

    p = sub.add_parser("fleet")
    p.add_argument("--prometheus", required=True)
    p.add_argument("--instances", required=True)
    p.add_argument("dashboard")
    p.set_defaults(run=fleet)

    p = sub.add_parser("alerts")
    p.add_argument("--prometheus", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--start", type=float, required=True)
    p.add_argument("--alert", required=True)
    p.add_argument("--severity", required=True)
    p.add_argument("--job", required=True)
    p.add_argument("--instances", required=True)
    p.add_argument("--fires-for", help="the one map it fires for (with --target: of that target); none if absent")
    p.add_argument("--never-for", required=True)
    p.add_argument("--target")
    p.add_argument("--never-pending", action="store_true")
    p.set_defaults(run=alerts)
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    try:
        args.run(args)
    except CheckFailed as err:
        print(f"{args.command}: {err}")
        return 1
    except (PrometheusError, GrafanaError, OSError, ValueError, KeyError) as err:
        print(f"{args.command}: error: {err}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
