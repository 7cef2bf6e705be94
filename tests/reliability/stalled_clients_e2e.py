"""Stalled clients: connections that send half a request header and then wait must not stop scrapes.

The agent runs on its default HTTP settings with 20 small maps. Each stalled connection sends
"GET /metrics HTTP/1.1", a Host header and the first bytes of another header, then nothing. While they are
open, scrapes must keep answering 200 with every map; with 100 of them the agent's resident memory must stay
within 64 MiB of its idle level; with 1,000 the agent must stay up and serve again as soon as they close.

Nothing here asserts a latency: the timeouts only guard against a hang. The figures printed (scrape times,
RSS) are the ones docs/reliability.md reports. Run with MAPSCOPE_STALLED_COUNTS="2,4,8,16,50,100,1000" (and
no test names), it prints the same measurements for other counts instead of testing.
"""
import os
import resource
import socket
import sys
import threading
import time
import unittest

import agent_harness
from mapscope_prom.exposition import Exposition
from reliability_harness import many_maps_config, rss_kib

MAPS = 20
HANG_GUARD_SECONDS = 60  # one scrape; far above anything the agent should take
MEMORY_HEADROOM_KIB = 64 * 1024
PARTIAL_REQUEST = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Stalled: "


def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


class Stallers:
    """`count` connections, each stalled mid-header. Connections the kernel does not take (full backlog)
    are retried in the background until they are taken or the stallers close."""

    def __init__(self, port, count):
        self.port, self.count = port, count
        self.connections = []
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.threads = [threading.Thread(target=self._open, daemon=True) for _ in range(min(count, 50))]
        self.remaining = count

    def _claim(self):
        with self.lock:
            if self.remaining == 0:
                return False
            self.remaining -= 1
            return True

    def _open(self):
        while not self.closed.is_set() and self._claim():
            while not self.closed.is_set():
                try:
                    connection = socket.create_connection(("127.0.0.1", self.port), timeout=2)
                    connection.sendall(PARTIAL_REQUEST)
                except OSError:
                    time.sleep(0.1)
                    continue
                with self.lock:
                    if self.closed.is_set():
                        connection.close()
                    else:
                        self.connections.append(connection)
                break

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.opened() < self.count:
            time.sleep(0.05)
        time.sleep(0.5)  # let the agent take them off its listening socket
        return self

    def opened(self):
        with self.lock:
            return len(self.connections)

    def __exit__(self, *exc):
        self.closed.set()
        for thread in self.threads:
            thread.join()
        with self.lock:
            for connection in self.connections:
                connection.close()
            self.connections.clear()


class StalledClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = agent_harness.Agent(config_text=many_maps_config(total_maps=MAPS, mutating=False))
        raise_fd_limit(4096)  # for this process's 1,000 sockets; the agent keeps the limit it started with
        agent_harness.wait_until(lambda: cls.complete(cls.agent.scrape()), what="every map filled")
        for _ in range(5):
            cls.agent.scrape()  # the workers' buffers and arenas exist before the idle level is taken
        time.sleep(0.5)
        cls.idle_kib = rss_kib(cls.agent.process.pid)
        print("idle RSS %.1f MiB" % (cls.idle_kib / 1024))

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    @staticmethod
    def complete(text):
        exposition = Exposition(text)
        filled = [name for name in ("static-%04d" % i for i in range(MAPS))
                  if exposition.sample("mapcore_map_entries", map=name, env="reliability") == 50]
        return len(filled) == MAPS

    def timed_scrape(self):
        """(seconds, status, complete) of one scrape on a fresh connection."""
        start = time.monotonic()
        request = b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.agent.port), timeout=HANG_GUARD_SECONDS) as connection:
            connection.sendall(request)
            chunks = []
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        took = time.monotonic() - start
        response = b"".join(chunks).decode(errors="replace")
        head, _, body = response.partition("\r\n\r\n")
        status = int(head.split(" ", 2)[1]) if head.startswith("HTTP/") else 0
        return took, status, status == 200 and self.complete(body)

    def measure(self, count, scrapes=5):
        """Scrapes with `count` stalled connections open: (times, statuses, all complete, peak RSS KiB)."""
        with Stallers(self.agent.port, count) as stallers:
            results = [self.timed_scrape() for _ in range(scrapes)]
            peak = rss_kib(self.agent.process.pid)
            opened = stallers.opened()
        times = [took for took, _, _ in results]
        print("%5d stalled (%d connected): scrapes %s s, RSS %+.1f MiB over idle" % (
            count, opened, ", ".join("%.3f" % t for t in times), (peak - self.idle_kib) / 1024))
        return times, [status for _, status, _ in results], all(ok for _, _, ok in results), peak

    def test_100_stalled_connections_leave_scrapes_answering_within_the_memory_budget(self):
        _, statuses, complete, peak = self.measure(100)
        self.assertEqual(statuses, [200] * 5)
        self.assertTrue(complete, "every scrape holds every map at its entries")
        self.assertLess(peak - self.idle_kib, MEMORY_HEADROOM_KIB)
        self.assertIsNone(self.agent.process.poll())

    def test_1000_stalled_connections_do_not_bring_the_agent_down_and_it_recovers_when_they_close(self):
        with Stallers(self.agent.port, 1000) as stallers:
            print("1000 stalled: %d connected" % stallers.opened())
            try:
                took, status, _ = self.timed_scrape()
                print("1000 stalled: a scrape answered %d in %.3f s" % (status, took))
            except OSError as error:  # a hang guard or reset while every worker is held is not a failure
                print("1000 stalled: a scrape failed: %s" % error)
            self.assertIsNone(self.agent.process.poll(), "the agent is up with 1,000 stalled connections")
        closed_at = time.monotonic()
        agent_harness.wait_until(lambda: self.timed_scrape()[1:] == (200, True), timeout=HANG_GUARD_SECONDS,
                                 what="a complete scrape after the stalled connections closed")
        print("1000 stalled: served again %.3f s after they closed" % (time.monotonic() - closed_at))
        self.assertIsNone(self.agent.process.poll())


def measure_counts(counts):
    """Prints the measurements for each count, for docs/reliability.md's table."""
    StalledClients.setUpClass()
    try:
        case = StalledClients()
        for count in counts:
            try:
                case.measure(count)
            except OSError as error:
                print("%5d stalled: a scrape failed: %s" % (count, error))
            time.sleep(1)
    finally:
        StalledClients.tearDownClass()


if __name__ == "__main__":
    if os.environ.get("MAPSCOPE_STALLED_COUNTS"):
        measure_counts([int(count) for count in os.environ["MAPSCOPE_STALLED_COUNTS"].split(",")])
    else:
        unittest.main(argv=sys.argv)
