"""TLS through a reverse proxy: docs/examples/nginx-tls.conf, as shipped, in front of mapscope-agent.

A self-signed certificate for 127.0.0.1 is made with openssl at test time; the example's port, certificate
paths and upstream address are replaced by the test's (each must appear in the file exactly as the test
expects, so the document and the test cannot drift apart); Debian's nginx runs it in the foreground from a
temporary prefix. curl, verifying the certificate, scrapes through it with and without credentials; then
stalled clients hold connections to nginx while curl still gets through at once, since nginx forwards only
whole requests to the agent.
"""
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import agent_harness
from mapscope_prom.exposition import Exposition
from reliability_harness import (PASSWORD, SOURCE_DIR, USER, WEB_CONFIG, given_up_by_server, many_maps_config,
                                 tcp_connections)

EXAMPLE = os.path.join(SOURCE_DIR, "docs", "examples", "nginx-tls.conf")
PLACEHOLDERS = {  # what the example says -> what the test puts there
    "listen 9443 ssl;": "listen 127.0.0.1:{tls_port} ssl;",
    "/etc/ssl/mapscope/server.crt": "{directory}/server.crt",
    "/etc/ssl/mapscope/server.key": "{directory}/server.key",
    "proxy_pass http://127.0.0.1:8931;": "proxy_pass http://127.0.0.1:{agent_port};",
}
MAIN_CONFIG = """{user}
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    include {directory}/mapscope.conf;
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_certificate(directory):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", os.path.join(directory, "server.key"), "-out", os.path.join(directory, "server.crt")],
                   check=True, capture_output=True, timeout=60)


def site_config(values):
    """The shipped example with the test's port, certificate and upstream."""
    with open(EXAMPLE) as handle:
        text = handle.read()
    for placeholder, replacement in PLACEHOLDERS.items():
        if text.count(placeholder) != 1:
            raise AssertionError("%s should contain %r once" % (EXAMPLE, placeholder))
        text = text.replace(placeholder, replacement.format(**values))
    return text


class NginxTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("nginx", "openssl", "curl"):
            if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
                raise unittest.SkipTest(tool + " is not installed")
        cls.directory = tempfile.mkdtemp(prefix="mapscope-nginx-")
        make_certificate(cls.directory)
        cls.agent = agent_harness.Agent("--web.config.file", WEB_CONFIG,
                                        config_text=many_maps_config(10, 50, mutating=False))
        cls.tls_port = free_port()
        values = {"directory": cls.directory, "tls_port": cls.tls_port, "agent_port": cls.agent.port}
        with open(os.path.join(cls.directory, "mapscope.conf"), "w") as handle:
            handle.write(site_config(values))
        with open(os.path.join(cls.directory, "nginx.conf"), "w") as handle:
            # As root, nginx would switch its worker to www-data, which cannot write to this directory.
            handle.write(MAIN_CONFIG.format(user="user root;" if os.geteuid() == 0 else "", **values))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        cls.nginx = subprocess.Popen([nginx, "-p", cls.directory, "-c", os.path.join(cls.directory, "nginx.conf"),
                                      "-e", os.path.join(cls.directory, "error.log"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        agent_harness.wait_until(cls.nginx_listens, timeout=20, what="nginx to listen")

    @classmethod
    def nginx_listens(cls):
        if cls.nginx.poll() is not None:
            raise RuntimeError("nginx exited: " + cls.nginx.stderr.read().decode() + cls.error_log())
        try:
            socket.create_connection(("127.0.0.1", cls.tls_port), timeout=1).close()
            return True
        except OSError:
            return False

    @classmethod
    def error_log(cls):
        try:
            with open(os.path.join(cls.directory, "error.log")) as handle:
                return handle.read()
        except FileNotFoundError:
            return ""

    @classmethod
    def tearDownClass(cls):
        cls.nginx.terminate()
        cls.nginx.wait(timeout=10)
        cls.agent.close()
        shutil.rmtree(cls.directory, ignore_errors=True)

    def curl(self, path, *extra, scheme="https"):
        """(HTTP status, body, seconds) of a request through nginx, verifying the certificate."""
        url = "%s://127.0.0.1:%d%s" % (scheme, self.tls_port, path)
        start = time.monotonic()
        result = subprocess.run(["curl", "-sS", "--cacert", os.path.join(self.directory, "server.crt"),
                                 "--max-time", "60", "-o", "-", "-w", "\n%{http_code}", *extra, url],
                                capture_output=True, text=True, timeout=90)
        took = time.monotonic() - start
        self.assertEqual(result.returncode, 0, result.stderr + self.error_log())
        body, _, status = result.stdout.rpartition("\n")
        return int(status), body, took

    def test_metrics_over_tls_with_basic_auth_end_to_end(self):
        status, body, took = self.curl("/metrics", "-u", "%s:%s" % (USER, PASSWORD))
        self.assertEqual(status, 200)
        exposition = Exposition(body)
        self.assertEqual(exposition.sample("mapscope_tracked_maps"), 10)
        self.assertIn("mapscope_build_info", body)
        print("scrape through nginx over TLS: 200, %d bytes, %.3f s" % (len(body), took))

    def test_credentials_are_still_checked_by_the_agent(self):
        self.assertEqual(self.curl("/metrics")[0], 401)
        self.assertEqual(self.curl("/metrics", "-u", "%s:wrong" % USER)[0], 401)
        self.assertEqual(self.curl("/-/reload", "-X", "POST")[0], 401)
        self.assertEqual(self.curl("/healthz")[0], 200)

    def test_tls_only_and_bodies_refused(self):
        status, body, _ = self.curl("/metrics", scheme="http")
        self.assertEqual(status, 400)  # plain HTTP sent to the TLS port
        status, _, _ = self.curl("/-/reload", "-u", "%s:%s" % (USER, PASSWORD), "--data-binary", "x" * 4096)
        self.assertEqual(status, 413)  # client_max_body_size 1k: the agent never sees it

    def test_stalled_clients_wait_in_nginx_not_in_the_agent(self):
        """nginx holds slow clients itself: while 16 stalled clients (four times the agent's HTTP workers) are
        connected to it, the agent has no connection of theirs, and scrapes through nginx are answered."""
        stalled = []
        try:
            agent_connections_before = tcp_connections(self.agent.port, "01")
            for i in range(16):
                connection = socket.create_connection(("127.0.0.1", self.tls_port), timeout=30)
                if i % 2:
                    connection.sendall(b"\x16\x03\x01")  # the first bytes of a TLS handshake, then nothing
                stalled.append(connection)
            agent_harness.wait_until(lambda: tcp_connections(self.tls_port, "01") >= len(stalled),
                                     what="nginx to hold the stalled connections")
            self.assertLessEqual(tcp_connections(self.agent.port, "01"), agent_connections_before,
                                 "a stalled client reached the agent")
            answers = [self.curl("/metrics", "-u", "%s:%s" % (USER, PASSWORD)) for _ in range(5)]
            print("with 16 stalled clients on nginx, 5 scrapes through it took at most %.3f s"
                  % max(took for _, _, took in answers))
            self.assertEqual([status for status, _, _ in answers], [200] * 5)
            self.assertEqual([given_up_by_server(c) for c in stalled], [False] * len(stalled),
                             "nginx gave up on a stalled client before the scrapes were answered")
        finally:
            for connection in stalled:
                connection.close()


if __name__ == "__main__":
    unittest.main()
