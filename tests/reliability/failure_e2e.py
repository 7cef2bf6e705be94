"""Failure behaviour of mapscope-agent: kill -9 in the middle of scrapes, and a restart on the same port.

civetweb sets SO_REUSEADDR on its listening socket, so a restarted agent binds the port at once even though
the killed one left connections in TIME_WAIT; SO_REUSEADDR does not let two live agents share a port (that
needs SO_REUSEPORT, which civetweb does not set): the second exits 2 with one line. The refusal of a port
held by another program is tested in tests/agent/e2e/agent_lifecycle_e2e.py (test_port_in_use).
"""
import http.client
import signal
import socket
import threading
import time
import unittest
import urllib.request

import agent_harness
from mapscope_prom.exposition import Exposition
from reliability_harness import many_maps_config, tcp_connections

ROUNDS = 3


def scrape_loop(url, done, outcomes):
    """Scrapes until `done`; records 'ok', or the kind of failure once the agent is gone."""
    while not done.is_set():
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # a hang guard
                response.read()
                outcomes.append("ok" if response.status == 200 else "status %d" % response.status)
        except (OSError, http.client.HTTPException) as error:  # URLError is an OSError
            outcomes.append(type(getattr(error, "reason", error)).__name__)
            time.sleep(0.01)


def plain_bind_succeeds(port):
    """Whether a socket without SO_REUSEADDR can bind the port now."""
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        plain.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        plain.close()


class KillAndRestart(unittest.TestCase):
    def test_kill_9_during_scrapes_then_restart_on_the_same_port(self):
        config = agent_harness.write_temp(many_maps_config(200, 50))
        agent = agent_harness.Agent(config_file=config)
        port = agent.port
        try:
            for round_number in range(ROUNDS):
                done, outcomes = threading.Event(), []
                scrapers = [threading.Thread(target=scrape_loop, args=(agent.url("/metrics"), done, outcomes))
                            for _ in range(4)]
                for thread in scrapers:
                    thread.start()
                agent_harness.wait_until(lambda: outcomes.count("ok") >= 5, what="scrapes before the kill")
                served_before_kill = outcomes.count("ok")
                agent.process.send_signal(signal.SIGKILL)
                self.assertEqual(agent.process.wait(timeout=60), -signal.SIGKILL)
                agent.close()
                lingering = tcp_connections(port, "06")
                self.assertGreater(lingering, 0, "no TIME_WAIT left: this round proves nothing about rebinding")
                self.assertFalse(plain_bind_succeeds(port), "without SO_REUSEADDR the port should be refused")

                # Restart at once on the port the killed agent had; scrapers keep trying meanwhile.
                restart_started = time.monotonic()
                agent = agent_harness.Agent("--web.listen-address", "127.0.0.1:%d" % port, config_file=config)
                bound_after = time.monotonic() - restart_started
                self.assertEqual(agent.port, port)
                agent_harness.wait_until(lambda: outcomes[-20:].count("ok") >= 20,
                                         what="scrapes to succeed again after the restart")
                done.set()
                for thread in scrapers:
                    thread.join()
                failures = sorted(set(o for o in outcomes if o != "ok"))
                print("round %d: %d scrapes before kill -9, %d TIME_WAIT connections left on the port, restart "
                      "bound and ready in %.2f s, scrapers saw %s while it was down"
                      % (round_number + 1, served_before_kill, lingering, bound_after, failures or "nothing"))
                # Agent() returned: the new agent bound the port (it exits 2 when it cannot) and is ready.
                # A scrape in flight at the kill fails fast (refused or reset), it does not hang.
                self.assertTrue(all(o in ("ok", "ConnectionRefusedError", "ConnectionResetError",
                                          "RemoteDisconnected", "BadStatusLine", "IncompleteRead")
                                    for o in outcomes), failures)
                exposition = Exposition(agent.scrape())
                self.assertEqual(exposition.sample("mapscope_tracked_maps"), 200)
        finally:
            agent.close()

    def test_a_second_agent_on_a_live_agents_port_exits_2_with_one_line(self):
        agent = agent_harness.Agent(config_text="server: {listen_address: 127.0.0.1:0}\n")
        try:
            code, _, err = agent_harness.run_agent("--web.listen-address", "127.0.0.1:%d" % agent.port)
            errors = [line for line in err.strip().splitlines() if not line.startswith("ts=")]
            self.assertEqual(code, 2, err)
            self.assertEqual(len(errors), 1, err)
            self.assertTrue(errors[0].startswith("mapscope-agent: cannot listen on 127.0.0.1:%d: " % agent.port),
                            errors[0])
            self.assertIn("Address already in use", errors[0])
            self.assertEqual(agent.get("/-/ready")[0], 200, "the running agent was disturbed")
        finally:
            agent.close()


if __name__ == "__main__":
    unittest.main()
