"""Helpers of the reliability tests: a configuration with many maps, resident memory of a process, raw HTTP.

The agent itself is started with tests/agent/e2e/agent_harness.py (Agent, wait_until, ...), which the tests
share with the exporter's end-to-end suites; scrapes are parsed with mapscope_prom.exposition. Paths come from the
environment CTest sets: MAPSCOPE_AGENT (the binary), MAPSCOPE_SOURCE_DIR, and PYTHONPATH with python/ and
tests/agent/e2e/.
"""
import base64
import os
import select
import socket
import threading
import time

SOURCE_DIR = os.environ.get("MAPSCOPE_SOURCE_DIR",
                            os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

WEB_CONFIG = os.path.join(SOURCE_DIR, "tests", "agent", "e2e", "data", "web-config.yml")
USER, PASSWORD = "prometheus", "e2e-password"  # what WEB_CONFIG's bcrypt hash verifies

# Scenarios that keep mutating their maps, under the active policy so that the collector has work:
# constant-size churn with fresh keys (same-size grows), random keys over a fixed range, and a fill/drain
# cycle (doublings, then shrinks the collector performs).
MUTATING_SCENARIOS = """
  - name: churn-fresh-keys
    map: {key: int64, value: int64, maintenance: active}
    phases:
      - {name: fill, mix: {insert: 1}, operations: 20000}
      - {name: churn, mix: {insert: 1, delete: 1}, rate: 20000, forever: true}
  - name: churn-uniform
    map: {key: {type: string, length: 16}, value: {type: bytes, size: 32}, maintenance: active}
    phases:
      - {name: mixed, mix: {insert: 1, delete: 1, lookup: 2}, keys: {pattern: uniform, from: 0, to: 50000},
         rate: 20000, forever: true}
  - name: fill-drain
    map: {key: int64, value: int64, maintenance: active}
    repeat: forever
    phases:
      - {name: fill, mix: {insert: 1}, rate: 50000, until: {entries_at_least: 30000}}
      - {name: drain, mix: {delete: 1}, rate: 50000, until: {entries_at_most: 100}}
"""
MUTATING_NAMES = ("churn-fresh-keys", "churn-uniform", "fill-drain")


def many_maps_config(total_maps=1000, entries=50, mutating=True, web_config=None):
    """A configuration tracking `total_maps` maps: the mutating scenarios above plus small maps filled with
    `entries` entries, whose scenarios then end (their threads exit; the maps stay exported, unchanged)."""
    lines = ["server:", "  listen_address: 127.0.0.1:0", "  max_tracked_maps: %d" % total_maps]
    if web_config:
        lines.append("  web_config_file: %s" % web_config)
    lines += ["labels: {env: reliability}",
              "collector: {enabled: true, interval: 50ms, budget: 1ms, max_pause: 250us}",
              "scenarios:"]
    text = "\n".join(lines) + "\n"
    static = total_maps
    if mutating:
        text += MUTATING_SCENARIOS.lstrip("\n")
        static -= len(MUTATING_NAMES)
    for i in range(static):
        text += ("  - {name: static-%04d, phases: [{name: fill, mix: {insert: 1}, operations: %d}]}\n"
                 % (i, entries))
    return text


def static_names(total_maps=1000, mutating=True):
    return ["static-%04d" % i for i in range(total_maps - (len(MUTATING_NAMES) if mutating else 0))]


def rss_kib(pid):
    """VmRSS of the process in KiB (None once it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


class RssSampler:
    """Samples a process's VmRSS every `interval` seconds on a thread: [(seconds since start, KiB)]."""

    def __init__(self, pid, interval=1.0):
        self.pid, self.interval = pid, interval
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        start = time.monotonic()
        while not self._stop.is_set():
            value = rss_kib(self.pid)
            if value is not None:
                self.samples.append((time.monotonic() - start, value))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def between(self, first, last):
        return [kib for at, kib in self.samples if first <= at < last]


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values, p):
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def authorization(user=USER, password=PASSWORD):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def raw_exchange(port, data, timeout=5.0, read=True, shutdown_write=True):
    """Sends `data` on a fresh connection and returns everything the server sends until it closes
    (b"" when it closes without answering). Raises socket.timeout if the server neither answers nor
    closes within `timeout`."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        if data:
            try:
                connection.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may refuse before reading everything; what it answered is still there
        if shutdown_write:
            try:
                connection.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        if not read:
            return b""
        chunks = []
        while True:
            try:
                chunk = connection.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def tcp_connections(port, state):
    """Sockets on this machine whose local port is `port` in a TCP state of /proc/net/tcp ("01" established,
    "06" TIME_WAIT)."""
    count = 0
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
                count += 1
    return count


def given_up_by_server(connection):
    """Whether the server has stopped waiting for this stalled client: it closed or reset the connection, or sent
    an answer (an error for the incomplete request); any of these makes the socket readable. Does not wait and
    consumes nothing (a socket with a timeout cannot be polled with recv: Python would wait out the timeout)."""
    readable, _, _ = select.select([connection], [], [], 0)
    return bool(readable)


def status_of(response):
    """The status code of a raw HTTP response, or None when there is none."""
    if not response.startswith(b"HTTP/1."):
        return None
    return int(response.split(b" ", 2)[1])


def request(method, path, headers=(), body=b""):
    """A well-formed HTTP/1.1 request as bytes."""
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
    for name, value in headers:
        head += "%s: %s\r\n" % (name, value)
    if body or method == "POST":
        head += "Content-Length: %d\r\n" % len(body)
    return head.encode() + b"\r\n" + body
