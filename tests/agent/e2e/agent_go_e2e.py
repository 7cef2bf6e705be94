"""Through the binary: mapscope-agent watching real Go programs built here with Debian's go (go1.19).

The fixture (tests/goproc/fixtures/maps) leaves its global maps in known states (a doubling just begun, a
same-size grow, a drained map, maps reached through a struct field...) and writes its own view of each map and
of the runtime (ReadMemStats) as JSON; SIGUSR1 makes it collect garbage twice and write the view again. The
agent's scrape over HTTP is compared with that view: by --go.pid, by a configuration file with exe: (a restart
is followed), with a target that exits while another is still read, across reloads, and with bad
configurations. Reading another process needs root or CAP_SYS_PTRACE, as the agent does in production.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from agent_harness import SOURCE_DIR, Agent, run_agent, wait_until, write_temp
from mapscope_prom.exposition import Exposition

FIXTURE_SOURCE = os.path.join(SOURCE_DIR, "tests", "goproc", "fixtures", "maps")
WORK_DIR = os.environ.get("MAPSCOPE_GO_WORK_DIR") or os.path.join(tempfile.gettempdir(), "mapscope-go-e2e")
GO_BUILD_CACHE = os.environ.get("MAPSCOPE_GO_BUILD_CACHE") or os.path.join(WORK_DIR, "gocache")
GO = "/usr/bin/go"

# The families a Go map has: the state of mapcore_map_*; the activity counters exist only for mapcore maps.
GO_MAP_FAMILIES = {"mapcore_map_entries", "mapcore_map_buckets", "mapcore_map_buckets_log2",
                   "mapcore_map_overflow_buckets", "mapcore_map_overflow_ratio", "mapcore_map_load_factor",
                   "mapcore_map_load_factor_limit",
                   "mapcore_map_memory_bytes", "mapcore_map_grow_in_progress",
                   "mapcore_map_evacuation_pending_buckets", "mapcore_map_grow_start_timestamp_seconds"}
GO_TARGET_FAMILIES = {"mapscope_go_target_up", "mapscope_go_target_info", "mapscope_go_heap_inuse_bytes",
                      "mapscope_go_heap_sys_bytes", "mapscope_go_gc_cycles_total", "mapscope_go_gc_pause_seconds"}
MAPCORE_ONLY = {"mapcore_map_operations_total", "mapcore_map_grows_total", "mapcore_map_evacuated_buckets_total",
                "mapcore_map_write_pause_seconds"}


def build_fixture():
    """The fixture built with go1.19 into WORK_DIR (rebuilt when a source file is newer)."""
    os.makedirs(WORK_DIR, exist_ok=True)
    program = os.path.join(WORK_DIR, "maps")
    sources = [os.path.join(FIXTURE_SOURCE, name) for name in os.listdir(FIXTURE_SOURCE)]
    if os.path.exists(program) and all(os.path.getmtime(s) < os.path.getmtime(program) for s in sources):
        return program
    env = {"PATH": "/usr/bin:/bin", "HOME": WORK_DIR, "GOCACHE": GO_BUILD_CACHE,
           "GOPATH": os.path.join(WORK_DIR, "gopath"), "GOFLAGS": "-mod=mod", "GO111MODULE": "on",
           "CGO_ENABLED": "0", "GOTOOLCHAIN": "local"}
    subprocess.run([GO, "build", "-trimpath", "-o", program + ".tmp", "."], cwd=FIXTURE_SOURCE, env=env,
                   check=True, capture_output=True, timeout=600)
    os.replace(program + ".tmp", program)
    return program


class Fixture:
    """A running fixture program and its own view of its maps and runtime."""

    def __init__(self, program):
        self.directory = tempfile.mkdtemp(prefix="mapscope-go-fixture-")
        self.view_path = os.path.join(self.directory, "view.json")
        self.process = subprocess.Popen([program, self.view_path], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        self.generation = 0
        self.wait_for_view()

    @property
    def pid(self):
        return self.process.pid

    def wait_for_view(self):
        def ready():
            if self.process.poll() is not None:
                raise RuntimeError("fixture exited: " + self.process.stderr.read().decode())
            try:
                with open(self.view_path) as handle:
                    return json.load(handle)["generation"] == self.generation
            except (OSError, ValueError):
                return False
        wait_until(ready, timeout=120, what="the fixture's view")

    def view(self):
        with open(self.view_path + ".maps.json") as handle:
            maps = json.load(handle)
        with open(self.view_path) as handle:
            runtime = json.load(handle)["runtime"]
        return {entry["path"]: entry for entry in maps["maps"]}, runtime

    def collect_garbage(self):
        """SIGUSR1: two collections, then a new view."""
        self.generation += 1
        self.process.send_signal(signal.SIGUSR1)
        self.wait_for_view()

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stderr.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def setUpModule():
    global PROGRAM
    PROGRAM = build_fixture()


def scrape(agent):
    return Exposition(agent.scrape())


def value(exposition, name, **labels):
    """The value of the sample with exactly these labels, None when there is none."""
    return exposition.sample(name, **labels)


def series(exposition, name):
    """{frozenset(labels): value} of one sample name."""
    return {frozenset(labels.items()): number for labels, number in exposition.select(name)}


class Watching(unittest.TestCase):
    def setUp(self):
        self.fixtures = []
        self.agents = []

    def tearDown(self):
        for agent in self.agents:
            agent.close()
        for fixture in self.fixtures:
            fixture.stop()

    def fixture(self, program=None):
        fixture = Fixture(program or PROGRAM)
        self.fixtures.append(fixture)
        return fixture

    def agent(self, *args, **kwargs):
        agent = Agent(*args, **kwargs)
        self.agents.append(agent)
        return agent

    def assert_maps_match_the_view(self, exposition, fixture, target, listed=None, static_labels=None):
        """Each map the agent publishes for the target equals the program's view of it. Without a list of maps
        (`listed`), the agent publishes the global map variables that hold memory, the runtime's and the
        standard library's too (unicode.Categories...): not main.srv.cache (a field, reached only by its path)
        nor main.empty (make() allocates no buckets until the first write)."""
        maps, _ = fixture.view()
        published = {dict(labels)["map"] for labels in series(exposition, "mapcore_map_entries")
                     if ("target", target) in labels}
        if listed is None:
            self.assertIn("unicode.Categories", published)
            published = {path for path in published if path.startswith("main.")}
            listed = set(maps) - {"main.srv.cache", "main.empty"}
        self.assertEqual(published, set(listed))
        self.assertTrue(published)
        for path in published:
            view = maps[path]
            labels = dict(static_labels or {}, map=path, target=target)
            with self.subTest(map=path):
                self.assertEqual(value(exposition, "mapcore_map_entries", **labels), view["count"])
                self.assertEqual(value(exposition, "mapcore_map_buckets_log2", **labels), view["B"])
                self.assertEqual(value(exposition, "mapcore_map_buckets", **labels), 2 ** view["B"])
                self.assertEqual(value(exposition, "mapcore_map_grow_in_progress", **labels),
                                 1 if view["growing"] else 0)
                self.assertEqual(value(exposition, "mapcore_map_evacuation_pending_buckets", **labels),
                                 view["evacuation_pending"])
                old = value(exposition, "mapcore_map_memory_bytes", region="oldbuckets", **labels)
                if view["growing"]:
                    self.assertGreaterEqual(old, view["old_buckets"] * view["bucket_size"])
                    self.assertGreater(value(exposition, "mapcore_map_grow_start_timestamp_seconds", **labels),
                                       time.time() - 600)
                else:
                    self.assertEqual(old, 0)
                    self.assertEqual(value(exposition, "mapcore_map_grow_start_timestamp_seconds", **labels), 0)
                if view["has_buckets"]:
                    self.assertGreaterEqual(value(exposition, "mapcore_map_memory_bytes", region="buckets", **labels),
                                            2 ** view["B"] * view["bucket_size"])
                indirect = value(exposition, "mapcore_map_memory_bytes", region="indirect", **labels)
                expected_indirect = view["count"] * (view["indirect_key_size"] + view["indirect_value_size"])
                self.assertGreaterEqual(indirect, expected_indirect)

    def test_go_pid_watches_the_process_and_runs_no_scenarios(self):
        fixture = self.fixture()
        agent = self.agent("--go.pid=%d" % fixture.pid, "--web.listen-address=127.0.0.1:0")
        exposition = scrape(agent)
        families = set(exposition.types)
        self.assertLessEqual(GO_MAP_FAMILIES | GO_TARGET_FAMILIES, families)
        self.assertFalse(MAPCORE_ONLY & families, "a Go map counts no operations")
        self.assertFalse([f for f in families if f.startswith("mapscope_scenario_")], "no scenarios run")
        self.assertEqual(value(exposition, "mapscope_tracked_maps"), 0)
        target = "maps"  # the executable's base name
        self.assertEqual(value(exposition, "mapscope_go_target_up", target=target), 1)
        info = series(exposition, "mapscope_go_target_info")
        self.assertEqual(len(info), 1)
        labels = dict(next(iter(info)))
        self.assertEqual(labels["pid"], str(fixture.pid))
        self.assertTrue(labels["go_version"].startswith("go1.19"), labels)
        self.assertEqual(labels["exe"], PROGRAM)
        self.assert_maps_match_the_view(exposition, fixture, target)

        _, runtime = fixture.view()
        self.assertEqual(value(exposition, "mapscope_go_gc_cycles_total", target=target), runtime["numgc"])
        inuse = value(exposition, "mapscope_go_heap_inuse_bytes", target=target)
        # ReadMemStats flushes the per-P caches first, so the two can differ by a few spans (8 KiB each).
        self.assertLessEqual(abs(inuse - runtime["heap_inuse"]), 16 * 8192, (inuse, runtime["heap_inuse"]))
        self.assertGreaterEqual(value(exposition, "mapscope_go_heap_sys_bytes", target=target), inuse)

        # More collections (SIGUSR1 runs two, and writing the view a third): each cycle's pause lands in the
        # histogram, which keeps what earlier scrapes saw.
        count_before = value(exposition, "mapscope_go_gc_pause_seconds_count", target=target)
        sum_before = value(exposition, "mapscope_go_gc_pause_seconds_sum", target=target)
        numgc_before = runtime["numgc"]
        fixture.collect_garbage()
        after = scrape(agent)
        _, runtime = fixture.view()
        cycles = runtime["numgc"] - numgc_before
        self.assertGreaterEqual(cycles, 2)
        self.assertEqual(value(after, "mapscope_go_gc_cycles_total", target=target), runtime["numgc"])
        self.assertEqual(value(after, "mapscope_go_gc_pause_seconds_count", target=target), count_before + cycles)
        self.assertEqual(value(after, "mapscope_go_gc_pause_seconds_bucket", target=target, le="+Inf"),
                         count_before + cycles)
        newest = sum(runtime["pause_ns"][(runtime["numgc"] - k) % 256] for k in range(1, cycles + 1)) / 1e9
        self.assertAlmostEqual(value(after, "mapscope_go_gc_pause_seconds_sum", target=target) - sum_before, newest,
                               delta=1e-6)

    def test_a_target_that_exits_is_down_while_the_other_is_read_and_exe_follows_a_restart(self):
        copy = os.path.join(WORK_DIR, "maps-copy")
        shutil.copy2(PROGRAM, copy)
        leaving = self.fixture()
        staying = self.fixture(copy)
        config = ("server: {listen_address: 127.0.0.1:0}\nlabels: {env: e2e}\ngo_targets:\n"
                  "  - {name: leaving, pid: %d, maps: [main.doubling, main.srv.cache]}\n"
                  "  - {name: service, exe: %s}\n" % (leaving.pid, copy))
        agent = self.agent(config_text=config)
        exposition = scrape(agent)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="leaving"), 1)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="service"), 1)
        leaving_maps = {dict(labels)["map"] for labels in series(exposition, "mapcore_map_entries")
                        if ("target", "leaving") in labels}
        self.assertEqual(leaving_maps, {"main.doubling", "main.srv.cache"}, "only the listed maps")
        self.assertEqual(value(exposition, "mapcore_map_entries", map="main.doubling", target="leaving", env="e2e"),
                         6657)
        self.assert_maps_match_the_view(exposition, staying, "service", static_labels={"env": "e2e"})
        self.assert_maps_match_the_view(exposition, leaving, "leaving", listed={"main.doubling", "main.srv.cache"},
                                        static_labels={"env": "e2e"})

        leaving.stop()
        exposition = scrape(agent)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="leaving"), 0)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="service"), 1)
        self.assertFalse([labels for labels in series(exposition, "mapcore_map_entries")
                          if ("target", "leaving") in labels])
        self.assertEqual(value(exposition, "mapcore_map_entries", map="main.doubling", target="service", env="e2e"),
                         6657)
        wait_until(lambda: 'msg="Go target down" target=leaving' in agent.log(), what="the down line")
        scrape(agent)
        self.assertEqual(agent.log().count('msg="Go target down" target=leaving'), 1, "logged once per change")

        # The service restarts: the same executable, a new process, picked up at the next scrape.
        old_pid = staying.pid
        staying.stop()
        self.assertEqual(value(scrape(agent), "mapscope_go_target_up", target="service"), 0)
        restarted = self.fixture(copy)
        exposition = scrape(agent)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="service"), 1)
        pids = [dict(labels)["pid"] for labels in series(exposition, "mapscope_go_target_info")]
        self.assertEqual(pids, [str(restarted.pid)])
        self.assertNotEqual(restarted.pid, old_pid)
        self.assertEqual(value(exposition, "mapcore_map_entries", map="main.doubling", target="service", env="e2e"),
                         6657)

    def test_a_reload_applies_changed_targets_and_a_bad_one_keeps_them(self):
        first = self.fixture()
        second = self.fixture()
        config_file = write_temp("server: {listen_address: 127.0.0.1:0}\ngo_targets:\n"
                                 "  - {name: one, pid: %d, maps: [main.grown, main.doubling]}\n" % first.pid)
        agent = self.agent(config_file=config_file)
        exposition = scrape(agent)
        self.assertEqual(set(dict(labels)["target"] for labels in series(exposition, "mapscope_go_target_up")), {"one"})
        grow_seen = value(exposition, "mapcore_map_grow_start_timestamp_seconds", map="main.doubling", target="one")
        self.assertGreater(grow_seen, 0)

        listed = ["main.drained", "main.empty", "main.srv.cache", "main.names", "main.bigKeys"]
        time.sleep(0.01)
        with open(config_file, "w") as handle:
            handle.write("server: {listen_address: 127.0.0.1:0}\ngo_targets:\n"
                         "  - {name: one, pid: %d, maps: [main.grown, main.doubling]}\n"
                         "  - {name: two, pid: %d, maps: [%s]}\n" % (first.pid, second.pid, ", ".join(listed)))
        status, _, _ = agent.get("/-/reload", method="POST")
        self.assertEqual(status, 200)
        exposition = scrape(agent)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="two"), 1)
        self.assert_maps_match_the_view(exposition, second, "two", listed=listed)
        self.assert_maps_match_the_view(exposition, first, "one", listed=["main.grown", "main.doubling"])
        # An unchanged target keeps its reader, and with it when it first saw the grow.
        self.assertEqual(value(exposition, "mapcore_map_grow_start_timestamp_seconds", map="main.doubling",
                               target="one"), grow_seen)

        bad_line = "  - {name: one, pid: %d, exe: %s}" % (first.pid, PROGRAM)
        with open(config_file, "w") as handle:
            handle.write("go_targets:\n" + bad_line + "\n")
        status, _, _ = agent.get("/-/reload", method="POST")
        self.assertEqual(status, 500)
        location = "%s:2:%d: go_targets[0]: both" % (config_file, bad_line.index("exe:") + 1)
        self.assertIn(location, agent.log())
        exposition = scrape(agent)
        self.assertEqual(value(exposition, "mapscope_config_last_reload_successful"), 0)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="two"), 1, "the old targets stay")

        with open(config_file, "w") as handle:
            handle.write("server: {listen_address: 127.0.0.1:0}\ngo_targets:\n"
                         "  - {name: two, pid: %d, maps: [main.drained]}\n" % second.pid)
        agent.send_signal(signal.SIGHUP)
        wait_until(lambda: value(scrape(agent), "mapscope_go_target_up", target="one") is None,
                   what="target one removed")
        self.assertEqual(value(scrape(agent), "mapscope_go_target_up", target="two"), 1)

    def test_two_pids_of_one_program_are_told_apart_by_pid(self):
        first, second = self.fixture(), self.fixture()
        agent = self.agent("--go.pid=%d" % first.pid, "--go.pid=%d" % second.pid, "--web.listen-address=127.0.0.1:0")
        exposition = scrape(agent)
        for fixture in (first, second):
            target = "maps:%d" % fixture.pid
            self.assertEqual(value(exposition, "mapscope_go_target_up", target=target), 1)
            self.assertEqual(value(exposition, "mapcore_map_entries", map="main.doubling", target=target), 6657)
        self.assertEqual(len(series(exposition, "mapscope_go_target_up")), 2)

    def test_a_pid_file_relative_to_the_configuration_is_read_on_every_scrape(self):
        first = self.fixture()
        directory = tempfile.mkdtemp(prefix="mapscope-go-pidfile-")
        self.addCleanup(shutil.rmtree, directory, ignore_errors=True)
        os.mkdir(os.path.join(directory, "run"))
        pid_file = os.path.join(directory, "run", "api.pid")
        with open(pid_file, "w") as handle:
            handle.write("%d\n" % first.pid)
        config = write_temp("server: {listen_address: 127.0.0.1:0}\n"
                            "go_targets:\n  - {name: api, pid_file: run/api.pid, maps: [main.names]}\n",
                            directory=directory)
        agent = self.agent(config_file=config)
        exposition = scrape(agent)
        self.assertEqual(value(exposition, "mapscope_go_target_up", target="api"), 1)
        self.assert_maps_match_the_view(exposition, first, "api", listed=["main.names"])
        # The service restarts and writes its new pid: the next scrape reads the new process.
        second = self.fixture()
        first.stop()
        with open(pid_file, "w") as handle:
            handle.write("%d\n" % second.pid)
        pids = [dict(labels)["pid"] for labels in series(scrape(agent), "mapscope_go_target_info")]
        self.assertEqual(pids, [str(second.pid)])

    def test_without_ptrace_access_the_target_is_down_naming_the_capability(self):
        # The agent runs as nobody (setpriv drops root and every capability); the fixture runs as root.
        fixture = self.fixture()
        agent = self.agent("--go.pid=%d" % fixture.pid, "--web.listen-address=127.0.0.1:0",
                           wrapper=["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        exposition = scrape(agent)
        target = "pid %d" % fixture.pid
        self.assertEqual(value(exposition, "mapscope_go_target_up", target=target), 0)
        self.assertEqual(value(exposition, "mapscope_go_read_errors_total", target=target, kind="permission"), 1)
        self.assertIn('reason="reading %d needs root or CAP_SYS_PTRACE' % fixture.pid, agent.log())

    def test_reloads_while_scraping_change_targets_without_a_bad_scrape(self):
        fixture = self.fixture()
        configs = ["server: {listen_address: 127.0.0.1:0}\ngo_targets:\n  - {name: a, pid: %d}\n" % fixture.pid,
                   "server: {listen_address: 127.0.0.1:0}\ngo_targets:\n  - {name: b, pid: %d, maps: [main.names]}\n"
                   "  - {name: c, exe: %s}\n" % (fixture.pid, PROGRAM)]
        config_file = write_temp(configs[0])
        agent = self.agent(config_file=config_file)
        problems, stop = [], threading.Event()

        def keep_scraping():
            while not stop.is_set():
                status, _, body = agent.get("/metrics")
                if status != 200:
                    problems.append(status)
                    continue
                ups = [v for _, v in Exposition(body).select("mapscope_go_target_up")]
                if not ups or any(v != 1 for v in ups):
                    problems.append(ups)

        scraper = threading.Thread(target=keep_scraping)
        scraper.start()
        try:
            for round_ in range(10):
                with open(config_file, "w") as handle:
                    handle.write(configs[(round_ + 1) % 2])
                self.assertEqual(agent.get("/-/reload", method="POST")[0], 200)
        finally:
            stop.set()
            scraper.join()
        self.assertEqual(problems, [])
        self.assertEqual({dict(labels)["target"] for labels in series(scrape(agent), "mapscope_go_target_up")},
                         {"a"})

    def test_a_process_that_is_not_go_is_down_with_its_reason_beside_one_that_is(self):
        fixture = self.fixture()
        sleeper = subprocess.Popen(["sleep", "300"])
        try:
            agent = self.agent("--go.pid=%d" % sleeper.pid, "--go.pid=%d" % fixture.pid,
                               "--web.listen-address=127.0.0.1:0")
            text = agent.scrape()
            exposition = Exposition(text)
            # Never read, it is named after its pid.
            sleeper_target = "pid %d" % sleeper.pid
            self.assertEqual(value(exposition, "mapscope_go_target_up", target=sleeper_target), 0)
            self.assertEqual(value(exposition, "mapscope_go_target_up", target="maps"), 1)
            self.assertEqual(len(series(exposition, "mapscope_go_target_info")), 1)
            errors = {dict(labels)["kind"]: number for labels, number
                      in series(exposition, "mapscope_go_read_errors_total").items()
                      if ("target", sleeper_target) in labels}
            self.assertEqual(sum(errors.values()), 1, errors)
            line = [entry for entry in agent.log().splitlines() if 'msg="Go target down"' in entry]
            self.assertEqual(len(line), 1, agent.log())
            self.assertIn('reason="', line[0])
            self.assertEqual(agent.get("/healthz")[0], 200)
        finally:
            sleeper.kill()
            sleeper.wait()

        # docs/metrics.md lists exactly the Go programs' families a scrape shows, and promtool is content.
        with open(os.path.join(SOURCE_DIR, "docs", "metrics.md")) as handle:
            documented = set(re.findall(r"^\| `(mapscope_go_[a-z0-9_]*)` \|", handle.read(), re.MULTILINE))
        scraped = {name for name in exposition.types if name.startswith("mapscope_go_")}
        self.assertEqual(scraped, documented)
        self.assertLessEqual(GO_MAP_FAMILIES, set(exposition.types))
        for name in exposition.types:
            self.assertTrue(exposition.help.get(name), name)
        result = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        self.assertEqual((result.stdout + result.stderr).strip(), "")
        self.assertEqual(result.returncode, 0)


class Configuration(unittest.TestCase):
    def test_bad_go_targets_fail_with_file_line_column(self):
        for text, location, fragment in (
                ("go_targets:\n  - pid: 5\n    exe: /usr/bin/api\n", ":3:5: ", "both \"pid\" and \"exe\""),
                ("go_targets:\n  - exe: usr/bin/api\n", ":2:10: ", "is not an absolute path"),
                ("go_targets:\n  - pid: 5\n    maps: [sessions]\n", ":3:12: ", "invalid symbol path"),
                ("go_targets:\n  - pid: 5\n    mapz: [main.a]\n", ":3:5: ", "did you mean \"maps\"?")):
            path = write_temp(text)
            for extra in (["--check-config"], []):
                code, _, err = run_agent(*extra, "--config.file", path)
                self.assertEqual(code, 2, text)
                self.assertTrue(err.startswith(path + location), err)
                self.assertIn(fragment, err)
                self.assertEqual(len(err.strip().splitlines()), 1, err)

    def test_check_config_counts_go_targets_and_go_pid_flags(self):
        path = write_temp("go_targets:\n  - {exe: /usr/bin/api}\n  - {pid: 77}\n")
        code, out, _ = run_agent("--check-config", "--config.file", path, "--go.pid=78", "--go.pid=79")
        self.assertEqual(code, 0)
        self.assertEqual(out.strip(), path + ": valid (0 scenarios, 4 Go targets)")
        code, out, _ = run_agent("--check-config", "--go.pid=78")
        self.assertEqual(out.strip(), "--go.pid: valid (0 scenarios, 1 Go targets)")
        code, _, err = run_agent("--check-config", "--config.file", path, "--go.pid=77")
        self.assertEqual(code, 2)
        self.assertEqual(err.strip(), "--go.pid=77: the configuration already watches it (go_targets[1])")
        for bad in ("--go.pid=0", "--go.pid=abc", "--go.pid=4194305"):
            code, _, err = run_agent("--check-config", bad)
            self.assertEqual(code, 2, bad)
            self.assertEqual(len(err.strip().splitlines()), 1, err)


if __name__ == "__main__":
    unittest.main()
