#!/usr/bin/env python3
"""Checks the example configurations under alerts/examples/ with the real tools.

- prometheus.yml and prometheus-fleet.yml: `promtool check config` (rule files and file_sd target files included).
- prometheus-kubernetes.yml: Debian's promtool has no Kubernetes discovery, so the pod discovery block is asserted
  here and swapped for an empty static block; promtool checks everything else.
- alertmanager.yml: `amtool check-config`, then `amtool config routes test` proves where each severity goes.

usage: check_examples.py [--promtool PATH] [--amtool PATH]
"""

import argparse
import os
import subprocess
import sys
import tempfile

import yaml

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
# (labels of an alert, receiver it must reach)
ROUTES = (
    (["alertname=MapscopeOldBucketsRetainedLarge", "severity=critical"], "mapscope-oncall"),
    (["alertname=MapscopeOldBucketsRetained", "severity=warning"], "mapscope-team"),
    (["alertname=MapscopeSameSizeGrowthChurn", "severity=info"], "mapscope-tickets"),
    (["alertname=NodeDown", "severity=critical"], "default"),
)


def run(args):
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    return result.returncode, (result.stdout + result.stderr).strip()


def check_prometheus(promtool, name):
    code, output = run([promtool, "check", "config", os.path.join(EXAMPLES, name)])
    return [] if code == 0 else [f"{name}: promtool check config failed: {output}"]


def check_kubernetes(promtool):
    name = "prometheus-kubernetes.yml"
    with open(os.path.join(EXAMPLES, name), encoding="utf-8") as f:
        config = yaml.safe_load(f)
    problems = []
    for job in config["scrape_configs"]:
        sd = job.pop("kubernetes_sd_configs", None)
        if not sd or sd[0].get("role") != "pod":
            problems.append(f"{name}: job {job['job_name']} must discover pods with kubernetes_sd_configs")
        job["static_configs"] = []
    config["rule_files"] = [os.path.normpath(os.path.join(EXAMPLES, p)) for p in config.get("rule_files", [])]
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        yaml.safe_dump(config, f)
        swapped = f.name
    try:
        code, output = run([promtool, "check", "config", swapped])
    finally:
        os.unlink(swapped)
    if code != 0:
        problems.append(f"{name}: promtool check config failed on the rest of the file: {output}")
    return problems


def check_alertmanager(amtool):
    path = os.path.join(EXAMPLES, "alertmanager.yml")
    code, output = run([amtool, "check-config", path])
    if code != 0:
        return [f"alertmanager.yml: amtool check-config failed: {output}"]
    problems = []
    for labels, receiver in ROUTES:
        code, output = run([amtool, "config", "routes", "test", f"--config.file={path}",
                            f"--verify.receivers={receiver}", *labels])
        if code != 0:
            problems.append(f"alertmanager.yml: {' '.join(labels)} must reach {receiver}: {output}")
    return problems


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--promtool", default="promtool")
    parser.add_argument("--amtool", default="amtool")
    args = parser.parse_args(argv)
    try:
        problems = check_prometheus(args.promtool, "prometheus.yml")
        problems += check_prometheus(args.promtool, "prometheus-fleet.yml")
        problems += check_kubernetes(args.promtool)
        problems += check_alertmanager(args.amtool)
    except (OSError, yaml.YAMLError, KeyError) as err:
        print(f"check_examples: {err}", file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"check_examples: 3 Prometheus configurations, 1 Alertmanager configuration, {len(ROUTES)} routes: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
