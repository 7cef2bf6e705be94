#!/usr/bin/env python3
"""Negative tests of deploy/kubernetes/check_manifests.py: the shipped manifests pass, and each broken copy is
rejected with the problem that names the fault, so the check cannot pass vacuously.
Environment: MAPSCOPE_AGENT, the mapscope-agent binary; PYTHONPATH holds deploy/kubernetes (CMake sets both).
"""

import os
import tempfile
import unittest

import check_manifests

AGENT = os.environ["MAPSCOPE_AGENT"]
SIDECAR = os.path.join(check_manifests.HERE, "sidecar.yaml")
DAEMONSET = os.path.join(check_manifests.HERE, "daemonset.yaml")


class CheckManifests(unittest.TestCase):
    def problems_of(self, source, old, new):
        with open(source, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text.count(old), 1, f"mutation anchor {old!r} not found once in {source}")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, os.path.basename(source))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace(old, new))
            return check_manifests.check([path], AGENT)

    def assert_rejected(self, source, old, new, expected):
        problems = self.problems_of(source, old, new)
        self.assertTrue(any(expected in p for p in problems), f"{expected!r} not in {problems}")

    def test_shipped_manifests_pass(self):
        self.assertEqual(check_manifests.check([SIDECAR, DAEMONSET], AGENT), [])

    def test_rejects_a_flag_the_agent_does_not_have(self):
        self.assert_rejected(SIDECAR, "--log.format=json", "--log-format=json",
                             "--log-format is not a flag of mapscope-agent --help")

    def test_rejects_a_flag_value_the_agent_refuses(self):
        self.assert_rejected(DAEMONSET, "--log.level=info", "--log.level=verbose", "--check-config refuses it")

    def test_rejects_a_configuration_key_the_agent_refuses(self):
        self.assert_rejected(DAEMONSET, "min_bytes: 4MiB", "min_byte: 4MiB", "--check-config refuses it")
        self.assert_rejected(SIDECAR, "exe: /app/api", "exe: app/api", "--check-config refuses it")

    def test_rejects_a_configuration_that_is_not_mounted(self):
        self.assert_rejected(SIDECAR, "mountPath: /etc/mapscope", "mountPath: /etc/other",
                             "/etc/mapscope/mapscope.yaml is not mounted from a ConfigMap")

    def test_rejects_a_scrape_port_that_is_not_the_listen_port(self):
        self.assert_rejected(SIDECAR, "containerPort: 8931", "containerPort: 9100",
                             "container port mapscope (9100) must be the port of --web.listen-address (8931)")

    def test_rejects_missing_process_access(self):
        self.assert_rejected(SIDECAR, "shareProcessNamespace: true", "shareProcessNamespace: false",
                             "needs shareProcessNamespace: true")
        self.assert_rejected(DAEMONSET, "hostPID: true", "hostPID: false", "needs hostPID: true")
        self.assert_rejected(DAEMONSET, "add: [SYS_PTRACE]", "add: []", "needs the capability SYS_PTRACE")

    def test_rejects_the_capability_on_the_service(self):
        self.assert_rejected(SIDECAR, "          ports:\n            - name: http",
                             "          securityContext: {capabilities: {add: [SYS_PTRACE]}}\n"
                             "          ports:\n            - name: http",
                             "container api must not hold SYS_PTRACE")


if __name__ == "__main__":
    unittest.main()
