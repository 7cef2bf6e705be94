#!/usr/bin/env python3
"""Tests of alerts/build_rules.py, alerts/scale_rules.py and alerts/lint_rules.py against the shipped rule file.

The lint must reject each deliberately broken copy with the finding that names the fault, so it cannot pass
vacuously. The scaled copy must differ only in time constants and still fire on the scaled timeline under promtool.
Environment: PROMTOOL (default "promtool"); PYTHONPATH holds python/ and alerts/ (CMake's test environment sets it).
"""

import os
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest

import yaml

import build_rules
import lint_rules
import scale_rules

ALERTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RULES = os.path.join(ALERTS_DIR, "mapscope.rules.yml")
RUNBOOKS = os.path.join(os.path.dirname(ALERTS_DIR), "docs", "runbooks.md")
RUNBOOKS_URL = build_rules.DEFAULT_CONFIG["runbook_url_base"]
PROMTOOL = os.environ.get("PROMTOOL", "promtool")
TIME_TOKEN = re.compile(r"\[[0-9a-z:]+\]|(?<=for: )\S+|(?<=offset )[0-9a-z]+|[0-9.]+(?=\s*# age-seconds)")


def shipped_text():
    with open(RULES, encoding="utf-8") as f:
        return f.read()


def rules_by_name(text):
    """(kind, name, n) -> rule, for comparing two renderings of one file."""
    found = {}
    for group in yaml.safe_load(text)["groups"]:
        for rule in group["rules"]:
            kind = "alert" if "alert" in rule else "record"
            key = (kind, rule[kind], sum(1 for k in found if k[:2] == (kind, rule[kind])))
            found[key] = rule
    return found


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)


class ScaleRulesTest(unittest.TestCase):
    def test_divides_every_time_constant_of_the_shipped_file(self):
        scaled, changes = scale_rules.scale_text(shipped_text(), 60)
        rules = rules_by_name(scaled)
        leak = rules[("alert", "MapscopeOldBucketsRetained", 0)]
        self.assertEqual(leak["for"], "5s")
        self.assertIn("> 15  # age-seconds", leak["expr"])
        self.assertEqual(rules[("alert", "MapscopeHeapGrowing", 0)]["for"], "1m")
        self.assertIn("[15s]", rules[("record", "map:mapcore_map_evacuated_buckets:increase15m", 0)]["expr"])
        self.assertIn("[1m]", rules[("alert", "MapscopeSameSizeGrowthChurn", 0)]["expr"])
        original_tokens = TIME_TOKEN.findall(shipped_text())
        self.assertEqual(changes, len(original_tokens))
        self.assertNotIn("[5m]", scaled)
        self.assertNotIn("[15m]", scaled)
        self.assertNotIn("[1h]", scaled)

    def test_changes_nothing_but_time_constants(self):
        original = shipped_text()
        scaled, _ = scale_rules.scale_text(original, 60)
        self.assertEqual(len(original.split("\n")), len(scaled.split("\n")))
        for before, after in zip(original.split("\n"), scaled.split("\n")):
            self.assertEqual(TIME_TOKEN.sub("T", before), TIME_TOKEN.sub("T", after))
        before_rules, after_rules = rules_by_name(original), rules_by_name(scaled)
        self.assertEqual(before_rules.keys(), after_rules.keys())
        for key, rule in before_rules.items():
            for field in set(rule) - {"for", "expr"}:
                self.assertEqual(rule[field], after_rules[key][field], f"{key} {field}")

    def test_uneven_factor_rounds_to_milliseconds(self):
        text = ("groups:\n- name: g\n  rules:\n  - alert: A\n"
                "    expr: rate(x[15m]) > 0 and y offset 1h\n    for: 1h30m\n")
        scaled, changes = scale_rules.scale_text(text, 7)
        self.assertEqual(changes, 3)
        self.assertIn("rate(x[128571ms])", scaled)
        self.assertIn("offset 514286ms", scaled)
        self.assertIn("for: 771429ms", scaled)

    def test_subquery_range_and_step_scale(self):
        text = "    expr: |\n      max_over_time(rate(x[5m])[1h:1m])\n"
        scaled, _ = scale_rules.scale_text(text, 60)
        self.assertIn("max_over_time(rate(x[5s])[1m:1s])", scaled)

    def test_comments_and_annotations_are_left_alone(self):
        text = ("    expr: |\n      x > 3  # threshold: t [5m]\n    annotations:\n      description: over [5m]\n"
                "    for: 5m  # five minutes\n")
        scaled, _ = scale_rules.scale_text(text, 60)
        self.assertIn("# threshold: t [5m]", scaled)
        self.assertIn("description: over [5m]", scaled)
        self.assertIn("for: 5s  # five minutes", scaled)

    def test_rejects_bad_input(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.yml")
            result = run([sys.executable, os.path.join(ALERTS_DIR, "scale_rules.py"), "--factor", "0", RULES, out])
            self.assertEqual(result.returncode, 2)
            self.assertIn("--factor must be above 0", result.stderr)
            bad = os.path.join(tmp, "bad.yml")
            with open(bad, "w", encoding="utf-8") as f:
                f.write("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 5minutes\n")
            result = run([sys.executable, os.path.join(ALERTS_DIR, "scale_rules.py"), "--factor", "2", bad, out])
            self.assertEqual(result.returncode, 2)
            self.assertIn("bad.yml:6: not a Prometheus duration: '5minutes'", result.stderr)
            result = run([sys.executable, os.path.join(ALERTS_DIR, "scale_rules.py"), "--factor", "1e6", RULES, out])
            self.assertEqual(result.returncode, 2)
            self.assertIn("is under 1ms", result.stderr)

    def test_scaled_copy_passes_promtool_and_fires_on_the_scaled_timeline(self):
        """The leak alert of a copy scaled by 60 fires 25 s after a map stops writing at 5 s, as the
        original does after 25 minutes; the active twin stays quiet."""
        with tempfile.TemporaryDirectory() as tmp:
            scaled = os.path.join(tmp, "scaled.rules.yml")
            result = run([sys.executable, os.path.join(ALERTS_DIR, "scale_rules.py"), "--factor", "60", RULES,
                          scaled])
            self.assertEqual(result.returncode, 0, result.stderr)
            result = run([PROMTOOL, "check", "rules", "--lint=all", "--lint-fatal", scaled])
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            test_file = os.path.join(tmp, "scaled.test.yml")
            with open(test_file, "w", encoding="utf-8") as f:
                f.write(SCALED_LEAK_TEST)
            result = run([PROMTOOL, "test", "rules", test_file])
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)


SCALED_LEAK_TEST = textwrap.dedent("""\
    rule_files: [scaled.rules.yml]
    evaluation_interval: 1s
    tests:
      - interval: 1s
        input_series:
          - series: 'mapcore_map_memory_bytes{job="j",instance="i",map="frozen",region="oldbuckets"}'
            values: '163840x60'
          - series: 'mapcore_map_evacuation_pending_buckets{job="j",instance="i",map="frozen"}'
            values: '100-10x5 50x55'
          - series: 'mapcore_map_grow_start_timestamp_seconds{job="j",instance="i",map="frozen"}'
            values: '1x60'
          - series: 'mapcore_map_memory_bytes{job="j",instance="i",map="twin",region="oldbuckets"}'
            values: '163840 163840 0x58'
          - series: 'mapcore_map_evacuation_pending_buckets{job="j",instance="i",map="twin"}'
            values: '1000 400 0x58'
          - series: 'mapcore_map_grow_start_timestamp_seconds{job="j",instance="i",map="twin"}'
            values: '1 1 0x58'
        alert_rule_test:
          - eval_time: 24s
            alertname: MapscopeOldBucketsRetained
            exp_alerts: []
          - eval_time: 25s
            alertname: MapscopeOldBucketsRetained
            exp_alerts:
              - exp_labels: {severity: warning, job: j, instance: i, map: frozen, region: oldbuckets}
                exp_annotations:
                  summary: A map keeps its old buckets because no write finishes its grow.
                  description: >-
                    Map frozen on i holds 160ki bytes in old buckets and has evacuated none of them for 15 minutes.
                  runbook_url: RUNBOOKS_URL#mapscopeoldbucketsretained
    """).replace("RUNBOOKS_URL", RUNBOOKS_URL)


class BuildRulesTest(unittest.TestCase):
    def render(self, config_text):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "config.yml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(config_text)
            return build_rules.render(build_rules.load_config(path))

    def assert_config_rejected(self, config_text, expected):
        with self.assertRaises(build_rules.ConfigError) as caught:
            self.render(config_text)
        self.assertIn(expected, str(caught.exception))

    def test_committed_file_is_the_default_rendering(self):
        self.assertEqual(build_rules.render(build_rules.DEFAULT_CONFIG), shipped_text())

    def test_every_threshold_is_tagged_once(self):
        thresholds = lint_rules.lint_thresholds(RULES, shipped_text(), lint_rules.Findings())
        self.assertEqual(thresholds["old_buckets_large_bytes"], "67108864")
        self.assertEqual(thresholds["sparse_load_factor"], "0.8125")
        self.assertEqual(set(thresholds), set(build_rules.DEFAULT_CONFIG["thresholds"]))
        self.assertEqual(len(thresholds), 15)

    def test_threshold_changes_only_its_literal(self):
        original = shipped_text()
        tuned = self.render("thresholds:\n  old_buckets_large_bytes: 268435456\n")
        changed = [(a, b) for a, b in zip(original.split("\n"), tuned.split("\n")) if a != b]
        self.assertEqual(len(original.split("\n")), len(tuned.split("\n")))
        # The rule and the header's summary of the configuration.
        self.assertEqual(len(changed), 2)
        self.assertIn("> 268435456  # threshold: old_buckets_large_bytes", changed[1][1])

    def test_runbook_base_sets_every_runbook_url(self):
        tuned = self.render("runbook_url_base: https://docs.example.org/mapscope/runbooks.md\n")
        urls = [r["annotations"]["runbook_url"] for r in rules_by_name(tuned).values() if "alert" in r]
        self.assertEqual(len(urls), len(lint_rules.REQUIRED_ALERTS))
        for url in urls:
            self.assertRegex(url, r"^https://docs\.example\.org/mapscope/runbooks\.md#mapscope[a-z]+$")
        shipped = [r["annotations"]["runbook_url"] for r in rules_by_name(shipped_text()).values() if "alert" in r]
        self.assertTrue(all(url.startswith("https://") for url in shipped), shipped)

    def test_job_selector_selects_the_agents_in_the_agent_alerts(self):
        rules = rules_by_name(self.render("job_selector: 'job=\"payments\", env=\"prod\"'\n"))
        self.assertEqual(rules[("alert", "MapscopeAgentDown", 0)]["expr"].strip(),
                         'up{job="payments", env="prod"} == 0')
        self.assertEqual(rules[("alert", "MapscopeAgentAbsent", 0)]["expr"].strip(),
                         'absent(up{job="payments", env="prod"})')

    def test_tuned_copy_passes_promtool(self):
        with tempfile.TemporaryDirectory() as tmp:
            config, out = os.path.join(tmp, "config.yml"), os.path.join(tmp, "tuned.yml")
            with open(config, "w", encoding="utf-8") as f:
                f.write("job_selector: job=\"m\"\n"
                        "thresholds: {overflow_ratio: 0.75, write_pause_p99_seconds: 2.5e-3}\n")
            result = run([sys.executable, os.path.join(ALERTS_DIR, "build_rules.py"), "--config", config, "--out",
                          out])
            self.assertEqual(result.returncode, 0, result.stderr)
            with open(out, encoding="utf-8") as f:
                self.assertIn("> 0.0025  # threshold: write_pause_p99_seconds", f.read())
            result = run([PROMTOOL, "check", "rules", "--lint=all", "--lint-fatal", out])
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_rejects_unknown_names_and_bad_values_with_their_place(self):
        self.assert_config_rejected("thresholds:\n  no_such: 1\n",
                                    ":2:3: no threshold named no_such (known: collector_pause_p99_seconds")
        self.assert_config_rejected("thresholds:\n  overflow_ratio: half\n",
                                    ":2:19: threshold overflow_ratio must be a number")
        self.assert_config_rejected("thresholds:\n  overflow_ratio: true\n", "must be a number")
        self.assert_config_rejected("job_selector: 'job=~'\n", ":1:15: job_selector must be label matchers")
        self.assert_config_rejected("runbook_url_base: ''\n", "runbook_url_base must be a non-empty string")
        self.assert_config_rejected("selector: x\n", ":1:1: unknown key selector")
        self.assert_config_rejected("thresholds: [1]\n", "thresholds must be a mapping")
        self.assert_config_rejected("a: [\n", "not YAML")

    def test_command_line_reports_a_bad_configuration_in_one_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            config = os.path.join(tmp, "config.yml")
            with open(config, "w", encoding="utf-8") as f:
                f.write("thresholds:\n  overflow_ratio: -1\n")
            result = run([sys.executable, os.path.join(ALERTS_DIR, "build_rules.py"), "--config", config, "--out",
                          "-"])
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr.strip(),
                         f"build_rules: {config}:2:19: threshold overflow_ratio must be a number of 0 or more")


class LintRulesTest(unittest.TestCase):
    def lint_text(self, text, runbooks=None, tests=()):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "rules.yml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return lint_rules.lint(path, runbooks, tests)

    def assert_rejected(self, old, new, expected, count=1):
        text = shipped_text()
        self.assertEqual(text.count(old), count, f"mutation anchor {old!r} not found as expected")
        findings = self.lint_text(text.replace(old, new))
        self.assertTrue(any(expected in f for f in findings), f"{expected!r} not in {findings}")

    def test_shipped_rules_runbooks_and_tests_are_clean(self):
        tests_dir = os.path.join(ALERTS_DIR, "tests")
        tests = sorted(os.path.join(tests_dir, f) for f in os.listdir(tests_dir) if f.endswith(".test.yml"))
        self.assertEqual(lint_rules.lint(RULES, RUNBOOKS, tests), [])

    def test_rejects_alert_names_outside_the_convention(self):
        self.assert_rejected("alert: MapscopeAgentDown", "alert: mapscopeAgentDown",
                             "name must be CamelCase starting with Mapscope")

    def test_rejects_a_missing_required_alert(self):
        self.assert_rejected("alert: MapscopeAgentDown", "alert: MapscopeAgentGone",
                             "required alert MapscopeAgentDown is missing")

    def test_rejects_unknown_severity(self):
        self.assert_rejected("severity: critical", "severity: page", "label severity must be one of")

    def test_rejects_extra_labels(self):
        self.assert_rejected("severity: critical", "severity: critical\n          team: core",
                             "unexpected label team")

    def test_rejects_alert_without_for(self):
        text = shipped_text()
        start = text.index("alert: MapscopeAgentDown")
        mutated = text[:start] + text[start:].replace("        for: 5m\n", "", 1)
        findings = self.lint_text(mutated)
        self.assertTrue(any("MapscopeAgentDown: needs a non-zero for:" in f for f in findings), findings)

    def test_rejects_templated_summary(self):
        self.assert_rejected("summary: The heap in use keeps growing hour after hour.",
                             "summary: The heap on {{ $labels.instance }} keeps growing.",
                             "summary must be a static sentence")

    def test_rejects_summary_without_period(self):
        self.assert_rejected("summary: The heap in use keeps growing hour after hour.",
                             "summary: The heap in use keeps growing hour after hour",
                             "summary must be a static sentence")

    def test_rejects_description_without_the_map(self):
        self.assert_rejected("Map {{ $labels.map }}{{ with $labels.target }} of Go target {{ . }}{{ end }} on "
                             "{{ $labels.instance }} has\n            {{ $value | humanizePercentage }} as many",
                             "A map on {{ $labels.instance }} has\n"
                             "            {{ $value | humanizePercentage }} as many",
                             "MapscopeHighOverflowRatio: description must show $labels.map")

    def test_rejects_description_without_the_value(self):
        self.assert_rejected("(up is {{ $value }})", "(it is down)", "description must show $value")

    def test_rejects_missing_runbook(self):
        self.assert_rejected(f"          runbook_url: {RUNBOOKS_URL}#mapscopeagentdown\n", "",
                             "MapscopeAgentDown: missing annotation runbook_url")

    def test_rejects_runbook_of_another_alert(self):
        self.assert_rejected(f"runbook_url: {RUNBOOKS_URL}#mapscopeagentdown",
                             f"runbook_url: {RUNBOOKS_URL}#mapscopeheapgrowing",
                             "runbook_url must end with runbooks.md#mapscopeagentdown")

    def test_rejects_unknown_annotation(self):
        self.assert_rejected(f"runbook_url: {RUNBOOKS_URL}#mapscopeagentdown",
                             f"runbook_url: {RUNBOOKS_URL}#mapscopeagentdown\n          dashboard: x",
                             "unexpected annotation dashboard")

    def test_rejects_record_names_outside_the_convention(self):
        self.assert_rejected("record: instance:mapcore_map_entries:sum", "record: mapcore_map_entries_sum",
                             "name must be level:metric:operations")

    def test_rejects_record_window_that_differs_from_its_name(self):
        self.assert_rejected("record: job_op:mapcore_map_operations:rate5m",
                             "record: job_op:mapcore_map_operations:rate1m",
                             "operations say rate over 1m, the expression does not")

    def test_rejects_record_level_the_aggregation_drops(self):
        self.assert_rejected("sum by (job, op) (rate(mapcore_map_operations_total[5m]))",
                             "sum by (job) (rate(mapcore_map_operations_total[5m]))",
                             "level label op does not survive the aggregation")

    def test_rejects_record_metric_missing_from_expression(self):
        self.assert_rejected("record: instance:mapcore_map_entries:sum", "record: instance:mapcore_map_buckets:sum",
                             "metric mapcore_map_buckets does not appear in the expression")

    def test_rejects_threshold_tagged_twice(self):
        self.assert_rejected("# threshold: sparse_min_buckets", "# threshold: sparse_load_factor",
                             "threshold sparse_load_factor is tagged twice")

    def test_runbooks_must_document_anchors_and_threshold_values(self):
        with tempfile.TemporaryDirectory() as tmp:
            runbooks = os.path.join(tmp, "runbooks.md")
            with open(RUNBOOKS, encoding="utf-8") as f:
                doc = f.read()
            self.assertIn("## MapscopeSparseMap", doc)
            doc = doc.replace("## MapscopeSparseMap", "## Sparse maps")
            doc = re.sub(r"(\|\s*`overflow_ratio`\s*\|\s*`?)0\.5", r"\g<1>0.6", doc)
            with open(runbooks, "w", encoding="utf-8") as f:
                f.write(doc)
            findings = lint_rules.lint(RULES, runbooks)
        self.assertTrue(any("no section for MapscopeSparseMap" in f for f in findings), findings)
        self.assertTrue(any("threshold overflow_ratio is documented as 0.6, the rules say 0.5" in f
                            for f in findings), findings)

    def test_every_alert_needs_a_firing_and_a_quiet_test_case(self):
        with tempfile.TemporaryDirectory() as tmp:
            test_file = os.path.join(tmp, "one.test.yml")
            with open(test_file, "w", encoding="utf-8") as f:
                f.write("tests:\n- alert_rule_test:\n"
                        "  - {eval_time: 1m, alertname: MapscopeAgentDown, exp_alerts: []}\n")
            findings = lint_rules.lint(RULES, None, [test_file])
        self.assertTrue(any("no test case where MapscopeAgentDown fires" in f for f in findings), findings)
        self.assertFalse(any("MapscopeAgentDown must not fire" in f for f in findings), findings)
        self.assertTrue(any("no test case where MapscopeSparseMap must not fire" in f for f in findings), findings)


if __name__ == "__main__":
    unittest.main()
