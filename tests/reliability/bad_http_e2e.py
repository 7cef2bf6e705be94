"""Bad HTTP input against a running mapscope-agent with basic authentication on, over raw sockets.

Every bad request gets a 4xx/5xx answer or a closed connection, never a crash; between bad requests the
agent answers a well-formed, authenticated scrape correctly; stalled clients do not stop it from serving.
Each test prints how many inputs it tried; docs/reliability.md quotes them.
"""
import socket
import time
import unittest

import agent_harness
from mapscope_prom.exposition import Exposition
from reliability_harness import (WEB_CONFIG, authorization, given_up_by_server, many_maps_config, raw_exchange, request,
                                 rss_kib, status_of)

MAPS = 20
AUTH = ("Authorization", authorization())
WRONG_AUTH = ("Authorization", authorization(password="wrong-password"))


def bad_requests():
    """(name, bytes, acceptable statuses; None in the set means a connection closed without an answer)."""
    huge = "a" * 100_000
    return [
        ("header of 100 KB", request("GET", "/metrics", [AUTH, ("X-Big", huge)]), {400, 413, 431, None}),
        ("header of 17 KB", request("GET", "/metrics", [AUTH, ("X-Big", huge[:17_000])]), {400, 413, 431, None}),
        ("URL of 100 KB", request("GET", "/metrics?" + huge, [AUTH]), {400, 413, 414, None}),
        ("path of 100 KB", request("GET", "/" + huge, [AUTH]), {400, 404, 413, 414, None}),
        ("2,000 headers", request("GET", "/metrics", [AUTH] + [("X-H%d" % i, "v") for i in range(2000)]),
         {400, 413, 431, None}),
        ("unknown path", request("GET", "/nope", [AUTH]), {404}),
        ("unknown path, traversal", request("GET", "/../../etc/passwd", [AUTH]), {404}),
        ("unknown path without credentials", request("GET", "/nope"), {401}),
        ("DELETE /metrics", request("DELETE", "/metrics", [AUTH]), {405}),
        ("POST /metrics", request("POST", "/metrics", [AUTH]), {405}),
        ("PUT /", request("PUT", "/", [AUTH]), {405}),
        ("GET /-/reload", request("GET", "/-/reload", [AUTH]), {405}),
        ("OPTIONS /debug/maps", request("OPTIONS", "/debug/maps", [AUTH]), {405}),
        ("made-up method", request("BREW", "/metrics", [AUTH]), {400, 405, 501}),
        ("POST /-/reload without credentials", request("POST", "/-/reload"), {401}),
        ("POST /-/reload with a wrong password", request("POST", "/-/reload", [WRONG_AUTH]), {401}),
        ("POST /-/reload, malformed Authorization", request("POST", "/-/reload", [("Authorization", "Basic %%%")]),
         {401}),
        ("POST /-/reload, other scheme", request("POST", "/-/reload", [("Authorization", "Bearer abc")]), {401}),
        ("GET /metrics without credentials", request("GET", "/metrics"), {401}),
        ("/debug/maps limit too large", request("GET", "/debug/maps?limit=100000", [AUTH]), {400}),
        ("/debug/maps negative offset", request("GET", "/debug/maps?offset=-1", [AUTH]), {400}),
        ("/debug/maps offset past the end", request("GET", "/debug/maps?offset=99999999999999999999", [AUTH]),
         {200, 400}),
        ("truncated request line", b"GET /met", {400, None}),
        ("truncated headers", b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz", {400, None}),
        ("truncated body", b"POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc", {400, 401, None}),
        ("chunked body never ending", b"POST /-/reload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"ffffffff\r\n", {400, 401, None}),
        ("negative Content-Length", b"POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
         {400, 401, 411, None}),
        ("binary garbage", bytes(range(256)) * 4, {400, None}),
        ("NUL in the path", b"GET /met\x00rics HTTP/1.1\r\nHost: x\r\n\r\n", {400, 401, 404, None}),
        ("HTTP/0.9", b"GET /\r\n\r\n", {400, None}),
        ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400, 505, None}),
        ("unknown HTTP version", b"GET / HTTP/9.9\r\n\r\n", {400, 505, None}),
        ("TLS ClientHello on the plain port", bytes.fromhex("16030100a5010000a10303") + b"\x00" * 160, {400, None}),
        ("empty request", b"\r\n\r\n", {400, None}),
    ]


def any_status(response):
    """The status of a raw response whatever HTTP version it claims (civetweb echoes odd ones back)."""
    if response.startswith(b"HTTP/"):
        return int(response.split(b" ", 2)[1])
    return None


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = agent_harness.Agent("--web.config.file", WEB_CONFIG,
                                        config_text=many_maps_config(MAPS, 50, mutating=False))
        agent_harness.wait_until(cls.scrape_is_complete, timeout=30, what="maps to fill")

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    @classmethod
    def scrape_is_complete(cls):
        response = raw_exchange(cls.agent.port, request("GET", "/metrics", [AUTH]), timeout=10)
        if status_of(response) != 200:
            return False
        body = response.split(b"\r\n\r\n", 1)[1].decode()
        exposition = Exposition(body)
        entries = [value for _, value in exposition.select("mapcore_map_entries")]
        return len(entries) == MAPS and all(value == 50 for value in entries)

    def assert_serves(self):
        self.assertIsNone(self.agent.process.poll(), "the agent exited: " + self.agent.log()[-2000:])
        self.assertTrue(self.scrape_is_complete(), "a well-formed scrape was not answered correctly")

    def test_bad_requests_get_an_error_and_the_agent_keeps_serving(self):
        tried = 0
        for name, data, acceptable in bad_requests():
            with self.subTest(name):
                answer = any_status(raw_exchange(self.agent.port, data, timeout=15))
                self.assertIn(answer, acceptable, "%s answered %s" % (name, answer))
                print("  %-45s %s" % (name, answer if answer is not None else "closed"))
                tried += 1
                self.assert_serves()
        print("bad requests tried: %d, each followed by a correct authenticated scrape" % tried)

    def test_reload_is_refused_without_credentials_and_applied_with_them(self):
        before = self.agent.log().count("configuration reloaded")
        self.assertEqual(status_of(raw_exchange(self.agent.port, request("POST", "/-/reload"))), 401)
        self.assertEqual(status_of(raw_exchange(self.agent.port, request("POST", "/-/reload", [WRONG_AUTH]))), 401)
        self.assertEqual(self.agent.log().count("configuration reloaded"), before, "an anonymous reload ran")
        self.assertEqual(status_of(raw_exchange(self.agent.port, request("POST", "/-/reload", [AUTH]))), 200)
        self.assertEqual(self.agent.log().count("configuration reloaded"), before + 1)

    def test_a_large_reload_body_is_not_read_into_memory(self):
        """POST /-/reload never reads its body: 64 MB sent after the headers change nothing."""
        header = (b"POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\nAuthorization: %s\r\n\r\n"
                  % (64 << 20, AUTH[1].encode()))
        rss_before = agent_rss(self.agent)
        with socket.create_connection(("127.0.0.1", self.agent.port), timeout=10) as connection:
            connection.sendall(header)
            sent = 0
            chunk = b"x" * 65536
            try:
                while sent < 64 << 20:
                    connection.sendall(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the agent answered and closed without reading the rest
            answer = connection.recv(4096)
        grown = agent_rss(self.agent) - rss_before
        print("reload with a 64 MB body: %d bytes sent, answer %s, RSS %+d KiB"
              % (sent, any_status(answer), grown))
        self.assertIn(any_status(answer), {200, 413, None})
        self.assertLess(grown, 16 << 10, "the body was buffered")
        self.assert_serves()

    def test_requests_are_served_while_clients_stall(self):
        """A few stalled connections hold a few of the HTTP workers: every well-formed request is answered while
        the stalled ones are still waited for (none was given up). stalled_clients_e2e.py holds 100 and 1,000."""
        stallers = self.open_stallers(3)
        try:
            took = []
            for _ in range(10):
                start = time.monotonic()
                self.assert_serves()
                took.append(time.monotonic() - start)
            print("with 3 stalled clients, 10 scrapes took at most %.3f s" % max(took))
            self.assertEqual([given_up_by_server(c) for c in stallers], [False] * len(stallers),
                             "the scrapes waited until the agent gave up on a stalled client")
        finally:
            for connection in stallers:
                connection.close()

    def open_stallers(self, count):
        """Connections that send nothing, or half a request, and then wait."""
        stallers = []
        for i in range(count):
            connection = socket.create_connection(("127.0.0.1", self.agent.port), timeout=30)
            if i % 2:
                connection.sendall(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthori")
            stallers.append(connection)
        return stallers


def agent_rss(agent):
    return rss_kib(agent.process.pid)


if __name__ == "__main__":
    unittest.main()
