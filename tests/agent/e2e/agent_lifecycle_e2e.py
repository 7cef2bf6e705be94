"""Through the binary: flags, configuration checks, a port in use, SIGTERM/SIGINT stops under scrape load,
and reloads (SIGHUP and POST /-/reload) with good and bad files."""
import json
import os
import signal
import socket
import threading
import unittest

from agent_harness import SOURCE_DIR, Agent, run_agent, wait_until, write_temp
from mapscope_prom.exposition import Exposition

ONE_SCENARIO = """
server: {listen_address: 127.0.0.1:0}
labels: {env: before}
scenarios:
  - name: %s
    map: {key: int64, value: int64}
    phases:
      - name: fill
        mix: {insert: 1}
        rate: 2000
        forever: true
"""


class Flags(unittest.TestCase):
    def test_version(self):
        code, out, _ = run_agent("--version")
        self.assertEqual(code, 0)
        self.assertRegex(out, r"^mapscope-agent, version \d+\.\d+\.\d+ \(revision ([0-9a-f]+|unknown)\)")

    def test_help_lists_the_flags(self):
        code, out, _ = run_agent("--help")
        self.assertEqual(code, 0)
        for flag in ("--web.listen-address", "--web.telemetry-path", "--web.config.file", "--config.file",
                     "--check-config", "--print-default-config", "--log.level", "--log.format", "--version",
                     "--go.pid"):
            self.assertIn(flag, out)

    def test_unknown_flag_and_bad_values_are_one_line_exit_2(self):
        for args in (["--bogus"], ["--log.format=xml"], ["--log.level", "loud"]):
            code, _, err = run_agent(*args)
            self.assertEqual(code, 2, args)
            self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_print_default_config_is_the_shipped_default(self):
        code, out, _ = run_agent("--print-default-config")
        self.assertEqual(code, 0)
        with open(os.path.join(SOURCE_DIR, "config", "examples", "default.yaml")) as handle:
            self.assertEqual(out, handle.read())

    def test_check_config(self):
        self.assertEqual(run_agent("--check-config")[0], 0)
        good = write_temp(ONE_SCENARIO % "alpha")
        self.assertEqual(run_agent("--check-config", "--config.file", good)[0], 0)
        bad = write_temp("server:\n  listen_address: 127.0.0.1:0\ncollector:\n  interval: 100\n")
        code, _, err = run_agent("--check-config", "--config.file", bad)
        self.assertEqual(code, 2)
        self.assertTrue(err.startswith(bad + ":4:13: "), err)
        self.assertEqual(len(err.strip().splitlines()), 1)

    def test_bad_server_flags_are_one_line_exit_2(self):
        for args, fragment in ((["--web.listen-address", "[::1]:8931"], "--web.listen-address: "),
                               (["--web.listen-address", "127.0.0.1:99999"], "--web.listen-address: "),
                               (["--web.telemetry-path", "/healthz"], "--web.telemetry-path: ")):
            for extra in (["--check-config"], []):
                code, _, err = run_agent(*(extra + args))
                self.assertEqual(code, 2, args)
                self.assertTrue(err.strip().splitlines()[-1].startswith(fragment), err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_json_logs(self):
        agent = Agent("--log.format=json", config_text="server: {listen_address: 127.0.0.1:0}\n")
        agent.stop()
        lines = agent.log().splitlines()
        agent.close()
        self.assertGreater(len(lines), 3)
        for line in lines:
            entry = json.loads(line)
            self.assertEqual(set(entry) >= {"ts", "level", "msg"}, True, line)

    def test_port_in_use(self):
        holder = socket.socket()
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        try:
            code, _, err = run_agent("--web.listen-address", "127.0.0.1:%d" % port)
            self.assertEqual(code, 2)
            lines = err.strip().splitlines()
            self.assertIn("cannot listen on 127.0.0.1:%d" % port, lines[-1])
            self.assertNotIn("level=info msg=ready", err)
        finally:
            holder.close()


class Stopping(unittest.TestCase):
    def stop_under_load(self, number):
        agent = Agent(config_text=ONE_SCENARIO % "alpha")
        done = threading.Event()
        answered = []

        def scrape_loop():
            while not done.is_set():
                try:
                    answered.append(agent.get("/metrics")[0])
                except OSError:
                    return

        scrapers = [threading.Thread(target=scrape_loop) for _ in range(2)]
        for thread in scrapers:
            thread.start()
        wait_until(lambda: answered.count(200) >= 5, what="scrapes to be answered")
        # Scrapers keep coming while the agent stops: it must exit anyway (stop() waits 60 s, a hang guard).
        code, took = agent.stop(number)
        done.set()
        for thread in scrapers:
            thread.join()
        log = agent.log()
        agent.close()
        self.assertEqual(code, 0, log)
        self.assertIn("msg=stopped", log)
        self.assertGreaterEqual(answered.count(200), 5)
        return took

    def test_sigterm_stops_under_scrapes(self):
        print("SIGTERM stop took %.3f s" % self.stop_under_load(signal.SIGTERM))

    def test_sigint_stops_under_scrapes(self):
        print("SIGINT stop took %.3f s" % self.stop_under_load(signal.SIGINT))


class Reload(unittest.TestCase):
    def setUp(self):
        self.directory = os.path.dirname(write_temp(""))
        self.config = write_temp(ONE_SCENARIO % "alpha")
        self.agent = Agent(config_file=self.config)
        wait_until(lambda: self.scrape().sample("mapcore_map_entries", map="alpha", env="before") is not None,
                   what="alpha tracked")

    def tearDown(self):
        self.agent.close()

    def scrape(self):
        return Exposition(self.agent.scrape())

    def rewrite(self, text):
        with open(self.config, "w") as handle:
            handle.write(text)

    def reload_count(self):
        return self.agent.log().count("configuration reloaded") + self.agent.log().count("reload failed")

    def sighup(self):
        before = self.reload_count()
        self.agent.send_signal(signal.SIGHUP)
        wait_until(lambda: self.reload_count() > before, what="the reload to be logged")

    def test_sighup_with_a_good_file_applies_it(self):
        loaded = self.scrape().sample("mapscope_config_last_reload_success_timestamp_seconds")
        self.rewrite((ONE_SCENARIO % "beta").replace("env: before", "env: after"))
        self.sighup()
        e = self.scrape()
        self.assertIsNone(e.sample("mapcore_map_entries", map="alpha", env="before"), "alpha is gone")
        self.assertIsNotNone(e.sample("mapcore_map_entries", map="beta", env="after"))
        self.assertEqual(e.sample("mapscope_config_last_reload_successful"), 1)
        # The reload's time (sub-second), later than the first load's.
        self.assertGreater(e.sample("mapscope_config_last_reload_success_timestamp_seconds"), loaded)

    def test_sighup_with_a_bad_file_keeps_the_running_configuration(self):
        before = self.scrape().sample("mapscope_config_last_reload_success_timestamp_seconds")
        self.rewrite(ONE_SCENARIO % "gamma" + "    bogus: 1\n")
        self.sighup()
        e = self.scrape()
        self.assertEqual(e.sample("mapscope_config_last_reload_successful"), 0)
        self.assertEqual(e.sample("mapscope_config_last_reload_success_timestamp_seconds"), before)
        self.assertIsNotNone(e.sample("mapcore_map_entries", map="alpha", env="before"), "alpha still runs")
        self.assertIsNone(e.sample("mapcore_map_entries", map="gamma", env="before"))
        self.assertIn("reload failed", self.agent.log())
        self.assertIn(self.config + ":12:5: ", self.agent.log())
        # A good file again: POST /-/reload applies it and the gauge is 1 again.
        self.rewrite(ONE_SCENARIO % "delta")
        status, _, _ = self.agent.get("/-/reload", method="POST")
        self.assertEqual(status, 200)
        e = self.scrape()
        self.assertEqual(e.sample("mapscope_config_last_reload_successful"), 1)
        self.assertIsNotNone(e.sample("mapcore_map_entries", map="delta", env="before"))
        self.assertIsNone(e.sample("mapcore_map_entries", map="alpha", env="before"))

    def test_post_reload_with_a_bad_file_is_500(self):
        self.rewrite("scenarios: 3\n")
        self.assertEqual(self.agent.get("/-/reload", method="POST")[0], 500)
        self.assertEqual(self.scrape().sample("mapscope_config_last_reload_successful"), 0)

    def test_settings_that_need_a_restart_are_logged(self):
        self.rewrite((ONE_SCENARIO % "alpha").replace("127.0.0.1:0", "127.0.0.1:1").replace(
            "server: {", "server: {telemetry_path: /other, "))
        self.sighup()
        log = self.agent.log()
        self.assertIn("listen address changed; it takes effect at restart", log)
        self.assertIn("telemetry path changed; it takes effect at restart", log)
        self.assertEqual(self.agent.get("/metrics")[0], 200, "still served where it was")


if __name__ == "__main__":
    unittest.main()
