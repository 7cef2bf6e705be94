"""Through the binary: basic authentication from --web.config.file, malformed web configs, the landing page
rendered by headless Chromium, and the other endpoints."""
import os
import shutil
import subprocess
import tempfile
import unittest

from agent_harness import DATA_DIR, Agent, FrozenAgentTestCase, run_agent, write_temp

WEB_CONFIG = os.path.join(DATA_DIR, "web-config.yml")


class BasicAuth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Agent("--web.config.file", WEB_CONFIG, config_text="server: {listen_address: 127.0.0.1:0}\n")

    @classmethod
    def tearDownClass(cls):
        cls.agent.close()

    def test_401_without_or_with_wrong_credentials(self):
        for path in ("/metrics", "/", "/debug/maps", "/-/ready"):
            status, headers, _ = self.agent.get(path)
            self.assertEqual(status, 401, path)
            self.assertTrue(headers.get("WWW-Authenticate", "").startswith("Basic realm="), path)
            self.assertEqual(self.agent.get(path, user="prometheus", password="wrong")[0], 401, path)
            self.assertEqual(self.agent.get(path, user="someone", password="e2e-password")[0], 401, path)
        self.assertEqual(self.agent.get("/-/reload", method="POST")[0], 401)

    def test_200_with_right_credentials(self):
        for path in ("/metrics", "/", "/debug/maps", "/-/ready"):
            self.assertEqual(self.agent.get(path, user="prometheus", password="e2e-password")[0], 200, path)
        self.assertIn("mapscope_build_info", self.agent.scrape(user="prometheus", password="e2e-password"))

    def test_healthz_is_open(self):
        self.assertEqual(self.agent.get("/healthz")[0], 200)


class MalformedWebConfig(unittest.TestCase):
    def check(self, text, line, fragment):
        path = write_temp(text)
        code, _, stderr = run_agent("--web.config.file", path, "--web.listen-address", "127.0.0.1:0")
        self.assertEqual(code, 2, stderr)
        lines = stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, stderr)
        self.assertTrue(lines[0].startswith("%s:%d:" % (path, line)), lines[0])
        self.assertIn(fragment, lines[0])
        # --check-config says the same, without starting.
        code, _, stderr = run_agent("--check-config", "--web.config.file", path)
        self.assertEqual(code, 2)
        self.assertTrue(stderr.startswith("%s:%d:" % (path, line)), stderr)

    def test_tls_is_refused(self):
        self.check("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n", 1,
                   "tls_server_config is not supported")

    def test_yaml_syntax_error(self):
        self.check("basic_auth_users:\n  alice: [\n", 3, "YAML syntax error")

    def test_plain_password(self):
        self.check("# users\nbasic_auth_users:\n  alice: secret\n", 3, "not a bcrypt hash")

    def test_unknown_key(self):
        self.check("basic_auth_users: {}\nbasic_auth_user: {}\n", 2, "unknown key 'basic_auth_user'")

    def test_missing_file(self):
        code, _, stderr = run_agent("--web.config.file", "/nonexistent/web.yml")
        self.assertEqual(code, 2)
        self.assertEqual(stderr.strip(), "/nonexistent/web.yml:1:1: cannot open: No such file or directory")


class LandingPage(FrozenAgentTestCase):
    def chromium(self, *args):
        profile = tempfile.mkdtemp(prefix="mapscope-chromium-")
        try:
            command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                       "--disable-background-networking", "--disable-component-update", "--disable-sync",
                       "--user-data-dir=" + profile] + list(args)
            return subprocess.run(command, capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(profile, ignore_errors=True)

    def test_chromium_renders_the_table_of_tracked_maps(self):
        result = self.chromium("--dump-dom", self.agent.url("/"))
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        dom = result.stdout
        self.assertIn("<h1>mapscope exporter</h1>", dom)
        self.assertIn('<a href="/metrics">Metrics</a>', dom)
        self.assertIn("Tracked maps: 3", dom)
        table = dom[dom.index('<table id="maps">'):dom.index("</table>")]
        debug = {entry["map"]: entry["stats"] for entry in self.agent.debug_maps()["maps"]}
        for name in ("frozen", "small"):
            stats = debug[name]
            row = ('<td>%s</td><td>env=e2e</td><td class="n">%d</td><td class="n">%d</td>'
                   % (name, stats["entries"], stats["buckets"]))
            self.assertIn(row, table)
            self.assertIn('<td class="n">%d</td>' % stats["bytes"]["total"], table)
        self.assertIn("doubling, %d of" % debug["frozen"]["evacuation_pending"], table)

    def test_chromium_screenshot(self):
        screenshot = os.path.join(tempfile.mkdtemp(prefix="mapscope-shot-"), "landing.png")
        result = self.chromium("--window-size=1400,600", "--screenshot=" + screenshot, self.agent.url("/"))
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        with open(screenshot, "rb") as handle:
            self.assertEqual(handle.read(8), b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(screenshot), 10000)

    def test_other_endpoints(self):
        self.assertEqual(self.agent.get("/healthz")[0], 200)
        self.assertEqual(self.agent.get("/-/ready")[0], 200)
        self.assertEqual(self.agent.get("/nope")[0], 404)
        status, headers, _ = self.agent.get("/-/reload")
        self.assertEqual((status, headers.get("Allow")), (405, "POST"))
        self.assertEqual(self.agent.get("/metrics", method="POST")[0], 405)
        debug = self.agent.debug_maps()
        self.assertEqual(debug["total_maps"], 3)
        for entry in debug["maps"]:
            lengths = entry["chain_lengths"]["lengths"]
            self.assertEqual(sum(lengths.values()), entry["stats"]["buckets"], entry["map"])


if __name__ == "__main__":
    unittest.main()
