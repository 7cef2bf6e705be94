"""Shared helpers of the mapscope-agent end-to-end tests: start the binary, scrape it, wait for its scenarios.
What it says is parsed with mapscope_prom.exposition.

Paths come from the environment that CTest sets: MAPSCOPE_AGENT (the binary), MAPSCOPE_SOURCE_DIR; PYTHONPATH
holds python/.
"""
import base64
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import unittest
import urllib.request

from mapscope_prom.exposition import Exposition

AGENT = os.environ.get("MAPSCOPE_AGENT", "mapscope-agent")
SOURCE_DIR = os.environ.get("MAPSCOPE_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# A scenario that fills a map to just past a doubling threshold and then only reads: its statistics stop
# changing once the fill phase is over, so a scrape and /debug/maps can be compared value for value.
FROZEN_CONFIG = """
server:
  listen_address: 127.0.0.1:0
labels:
  env: e2e
collector:
  enabled: true
  interval: 50ms
scenarios:
  - name: frozen
    map: {key: int64, value: int64}
    phases:
      - name: fill
        mix: {insert: 1}
        operations: 212993
      - name: read
        mix: {lookup: 1}
        rate: 200
        forever: true
  - name: small
    map: {key: int64, value: int64}
    phases:
      - name: fill
        mix: {insert: 3, delete: 1}
        operations: 4000
      - name: read
        mix: {lookup: 1}
        rate: 100
        forever: true
  - name: frozen-active
    map: {key: int64, value: int64, maintenance: active}
    phases:
      - name: fill
        mix: {insert: 1}
        operations: 212993
      - name: read
        mix: {lookup: 1}
        rate: 100
        forever: true
"""


def write_temp(text, suffix=".yml", directory=None):
    handle = tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False, dir=directory)
    handle.write(text)
    handle.close()
    return handle.name


class Agent:
    """A running mapscope-agent whose stderr is collected in a file."""

    def __init__(self, *args, config_text=None, config_file=None, wrapper=()):
        """`wrapper` runs the agent through another command, e.g. setpriv to run it as another user."""
        self.config_file = config_file
        if config_text is not None:
            self.config_file = write_temp(config_text)
        command = list(wrapper) + [AGENT, "--log.level=debug"]
        if self.config_file:
            command += ["--config.file", self.config_file]
        command += list(args)
        self.stderr_path = write_temp("", suffix=".log")
        self.stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=self.stderr)
        self.port = self._wait_for_port()

    # Deadlines in this harness only guard against a hang: a loaded machine is slow, and tests check what
    # happens, not how fast.
    def _wait_for_port(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            log = self.log()
            match = (re.search(r'msg=listening .*port=(\d+)', log)
                     or re.search(r'"msg":"listening".*"port":"(\d+)"', log))
            if match and ("msg=ready" in log or '"msg":"ready"' in log):
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError("mapscope-agent exited with %d: %s" % (self.process.returncode, self.log()))
            time.sleep(0.05)
        raise RuntimeError("mapscope-agent did not start: " + self.log())

    def log(self):
        with open(self.stderr_path) as handle:
            return handle.read()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def get(self, path, user=None, password=None, method="GET"):
        """(status, headers, body) of a request; HTTP errors are answers, not exceptions."""
        request = urllib.request.Request(self.url(path), method=method, data=b"" if method == "POST" else None)
        if user is not None:
            token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
            request.add_header("Authorization", "Basic " + token)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def scrape(self, **auth):
        status, _, body = self.get("/metrics", **auth)
        assert status == 200, "scrape answered %d" % status
        return body

    def debug_maps(self):
        status, _, body = self.get("/debug/maps")
        assert status == 200
        return json.loads(body)

    def send_signal(self, number):
        self.process.send_signal(number)

    def stop(self, number=signal.SIGTERM, timeout=60):
        """Sends the signal and returns (exit code, seconds it took to exit)."""
        if self.process.poll() is not None:
            return self.process.returncode, 0.0
        start = time.monotonic()
        self.process.send_signal(number)
        code = self.process.wait(timeout=timeout)
        return code, time.monotonic() - start

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stderr.close()


def run_agent(*args, timeout=60):
    """Runs the binary to completion: (exit code, stdout, stderr)."""
    result = subprocess.run([AGENT] + list(args), capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout, result.stderr


def wait_until(predicate, timeout=60, interval=0.1, what="condition"):
    """Polls predicate until it is true; the timeout is a hang guard."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("timed out waiting for " + what)


def scenario_settled(agent, names):
    """True once every named scenario has finished its fill phase (the read phase is running)."""
    exposition = Exposition(agent.scrape())
    return all(exposition.sample("mapscope_scenario_phase", scenario=name, phase="read") == 1 for name in names)


class FrozenAgentTestCase(unittest.TestCase):
    """One agent on FROZEN_CONFIG for the whole class, its `frozen` and `small` maps filled."""

    @classmethod
    def setUpClass(cls):
        cls.agent = Agent(config_text=FROZEN_CONFIG)
        wait_until(lambda: scenario_settled(cls.agent, ["frozen", "small"]), what="fill phases to end")

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()
