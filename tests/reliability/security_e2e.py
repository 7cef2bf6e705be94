"""The security properties docs/security.md claims, checked through the mapscope-agent binary.

Loopback by default; bcrypt-only password hashes; no password, hash or Authorization header in the logs,
at debug level, in both log formats; bounded work per request (/debug/maps caps, the landing page's rows,
a scrape of the most maps allowed); the tracked-map limit enforced at load and at reload.
"""
import base64
import json
import os
import socket
import tempfile
import time
import unittest

import agent_harness
from reliability_harness import (PASSWORD, USER, WEB_CONFIG, authorization, many_maps_config, raw_exchange, request,
                                 status_of)

DEFAULT_ADDRESS = ("127.0.0.1", 8931)
WRONG_PASSWORD = "wrong-secret-7f3a9c"   # sent by clients; must never be logged
FILE_PASSWORD = "plain-secret-91c2e4"    # written in a web config as a (refused) plain password
HASH = "$2b$10$U9ELgJQII4M5PQhWdk8Ug.swI5PXoEJSPd0LSRTmDetyATmz7d7Te"  # WEB_CONFIG's hash of PASSWORD


def listening_sockets(port):
    """Local addresses listening on `port`, from /proc/net/tcp (state 0A)."""
    found = []
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:
                found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def check_web_config(text):
    """(exit code, stderr) of --check-config on a web config with `text`."""
    path = agent_harness.write_temp(text)
    try:
        code, _, err = agent_harness.run_agent("--check-config", "--web.config.file", path)
        return code, err.replace(path, "web.yml")
    finally:
        os.unlink(path)


class LoopbackByDefault(unittest.TestCase):
    def test_without_flags_the_agent_listens_on_loopback_only(self):
        empty = agent_harness.write_temp("")
        try:
            agent = agent_harness.Agent(config_file=empty)
        except RuntimeError as failure:
            # Something else holds 8931 here: the address the agent tried still proves the default.
            self.assertIn("cannot listen on 127.0.0.1:8931", str(failure))
            print("port 8931 is busy here; the agent tried 127.0.0.1:8931")
            return
        try:
            self.assertEqual(agent.port, DEFAULT_ADDRESS[1])
            self.assertIn("msg=listening address=127.0.0.1:8931", agent.log())
            self.assertEqual(listening_sockets(DEFAULT_ADDRESS[1]), ["127.0.0.1"])
        finally:
            agent.close()


class BcryptOnly(unittest.TestCase):
    REFUSED = {
        "plain text": "secret",
        "MD5-crypt": "$1$rp9UVF.v$c0HPoTXqPpT.f9ig1AQEe0",
        "SHA-512-crypt": "$6$dwb8iuIudVYK6JWv$/boxFaw/65eK6b3xjjC2KBFECsNGqFiFtDw.ntOj7FXNGTvPx4Xhk9DhUnOx6F5/"
                         "80ATDjPyzte1XzzYsV0Gb.",
        "Apache MD5": "$apr1$Vv0mZ7HO$0JrHq8gBdA0Gcrp5Pe4oF1",
        "htpasswd SHA-1": "'{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ='",
        "bcrypt $2x$ (the buggy variant)": "$2x$10$U9ELgJQII4M5PQhWdk8Ug.swI5PXoEJSPd0LSRTmDetyATmz7d7Te",
        "bcrypt cost 03": "$2b$03$U9ELgJQII4M5PQhWdk8Ug.swI5PXoEJSPd0LSRTmDetyATmz7d7Te",
        "bcrypt cost 32": "$2b$32$U9ELgJQII4M5PQhWdk8Ug.swI5PXoEJSPd0LSRTmDetyATmz7d7Te",
        "bcrypt cut short": HASH[:-1],
        "bcrypt with a bad character": HASH[:-1] + "!",
        "empty": "''",
    }

    def test_every_other_scheme_is_refused_with_its_location(self):
        for name, value in self.REFUSED.items():
            with self.subTest(name):
                code, err = check_web_config("basic_auth_users:\n  alice: %s\n" % value)
                self.assertEqual(code, 2, err)
                self.assertTrue(err.startswith("web.yml:2:10: the password of 'alice' is not a bcrypt hash"), err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)
        print("non-bcrypt hashes refused: %d" % len(self.REFUSED))

    def test_bcrypt_variants_are_accepted(self):
        for prefix in ("$2a$", "$2b$", "$2y$"):
            with self.subTest(prefix):
                code, err = check_web_config("basic_auth_users:\n  alice: %s\n" % (prefix + HASH[4:]))
                self.assertEqual(code, 0, err)


class NoSecretsInLogs(unittest.TestCase):
    SECRETS = (WRONG_PASSWORD, PASSWORD, FILE_PASSWORD, HASH,
               base64.b64encode(("%s:%s" % (USER, WRONG_PASSWORD)).encode()).decode(),
               base64.b64encode(("%s:%s" % (USER, PASSWORD)).encode()).decode())

    def exercise(self, log_format):
        """Runs an agent at debug level, sends right, wrong and malformed credentials, reloads a web config
        with a plain password and one with a duplicate user; returns the whole log."""
        directory = tempfile.mkdtemp(prefix="mapscope-secrets-")
        web = os.path.join(directory, "web.yml")
        with open(WEB_CONFIG) as source, open(web, "w") as copy:
            copy.write(source.read())
        agent = agent_harness.Agent("--web.config.file", web, "--log.format", log_format,
                                    config_text="server: {listen_address: 127.0.0.1:0}\n")
        try:
            port = agent.port
            requests = [
                request("GET", "/metrics", [("Authorization", authorization())]),
                request("GET", "/metrics", [("Authorization", authorization(password=WRONG_PASSWORD))]),
                request("GET", "/metrics", [("Authorization", authorization(user="nobody", password=WRONG_PASSWORD))]),
                request("POST", "/-/reload", [("Authorization", authorization(password=WRONG_PASSWORD))]),
                request("GET", "/metrics", [("Authorization", "Basic " + WRONG_PASSWORD)]),
                request("GET", "/metrics?password=" + WRONG_PASSWORD, [("Authorization", authorization())]),
                request("GET", "/" + WRONG_PASSWORD, [("Authorization", authorization())]),
                request("GET", "/metrics", [("Authorization", authorization(password=WRONG_PASSWORD)),
                                            ("X-Big", "a" * 40000)]),
                ("GET /metrics HTTP/1.1\r\nAuthorization: Basic %s\r\n" % WRONG_PASSWORD).encode(),
            ]
            statuses = [status_of(raw_exchange(port, data)) for data in requests]
            self.assertEqual(statuses[:4], [200, 401, 401, 401])
            for bad_file in ("basic_auth_users:\n  %s: %s\n" % (USER, FILE_PASSWORD),
                             "basic_auth_users:\n  %s: %s\n  %s: %s\n" % (USER, HASH, USER, HASH),
                             "basic_auth_users:\n  %s: [%s\n" % (USER, FILE_PASSWORD)):
                with open(web, "w") as handle:
                    handle.write(bad_file)
                reload = request("POST", "/-/reload", [("Authorization", authorization())])
                self.assertEqual(status_of(raw_exchange(port, reload)), 500)
            time.sleep(0.2)
            return agent.log()
        finally:
            agent.close()

    def check(self, log_format):
        log = self.exercise(log_format)
        self.assertIn("reload failed", log)        # the refusals were logged ...
        self.assertIn("not a bcrypt hash", log)
        for secret in self.SECRETS:                 # ... without what they were about
            self.assertNotIn(secret, log)
        self.assertNotIn("Authorization", log)
        print("%s log at debug level: %d lines, none with a password, hash or Authorization header"
              % (log_format, len(log.splitlines())))

    def test_logfmt(self):
        self.check("logfmt")

    def test_json(self):
        self.check("json")


class BoundedWork(unittest.TestCase):
    MAPS = 1000

    @classmethod
    def setUpClass(cls):
        cls.agent = agent_harness.Agent(config_text=many_maps_config(cls.MAPS, 50, mutating=False))
        agent_harness.wait_until(lambda: cls.agent.debug_maps()["total_maps"] == cls.MAPS, timeout=60,
                                 what="all maps to be tracked")

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    def timed_get(self, path):
        start = time.monotonic()
        status, headers, body = self.agent.get(path)
        return status, body, time.monotonic() - start

    def test_debug_maps_pages_are_capped(self):
        status, body, took = self.timed_get("/debug/maps")
        document = json.loads(body)
        self.assertEqual((status, document["returned"], document["truncated"]), (200, 100, True))
        status, body, took_max = self.timed_get("/debug/maps?limit=1000")
        self.assertEqual((status, json.loads(body)["returned"]), (200, 1000))
        for query in ("limit=1001", "limit=0", "limit=99999999999999999999", "offset=-1", "limit=abc"):
            self.assertEqual(self.agent.get("/debug/maps?" + query)[0], 400, query)
        print("/debug/maps with %d maps: default page %.1f ms, largest page (1,000 maps, %d bytes) %.1f ms"
              % (self.MAPS, took * 1000, len(body), took_max * 1000))

    def test_landing_page_shows_at_most_500_rows(self):
        status, body, took = self.timed_get("/")
        self.assertEqual(status, 200)
        rows = body.count("<tr>") - 1  # the header row
        self.assertLessEqual(rows, 500)
        self.assertGreater(rows, 0)
        print("landing page with %d maps: %d rows, %d bytes, %.1f ms" % (self.MAPS, rows, len(body), took * 1000))

    def test_a_scrape_of_the_most_maps_allowed(self):
        status, body, took = self.timed_get("/metrics")
        self.assertEqual(status, 200)
        print("scrape of %d maps: %d bytes, %.1f ms" % (self.MAPS, len(body), took * 1000))
        self.assertLess(len(body), 8 << 20)


class TrackedMapLimit(unittest.TestCase):
    def test_more_scenarios_than_the_limit_are_refused_at_load_and_reload(self):
        too_many = many_maps_config(5, 1, mutating=False).replace("max_tracked_maps: 5", "max_tracked_maps: 4")
        path = agent_harness.write_temp(too_many)
        code, _, err = agent_harness.run_agent("--check-config", "--config.file", path)
        self.assertEqual(code, 2)
        self.assertIn("5 scenarios exceed server.max_tracked_maps (4)", err)

        agent = agent_harness.Agent(config_text=many_maps_config(4, 1, mutating=False))
        try:
            with open(agent.config_file, "w") as handle:
                handle.write(too_many)
            self.assertEqual(agent.get("/-/reload", method="POST")[0], 500)
            self.assertEqual(agent.debug_maps()["total_maps"], 4)
            self.assertIn("exceed server.max_tracked_maps", agent.log())
        finally:
            agent.close()


if __name__ == "__main__":
    unittest.main()
