#!/usr/bin/env python3
"""A minimal Alertmanager webhook receiver: appends every notification it gets to a file, one JSON object a line.

Alertmanager POSTs JSON ({"status", "receiver", "alerts": [{"status", "labels", "annotations", ...}], ...}) to the
URL of a webhook_configs entry. Each line written is {"path": request path, "received": unix time, "body": that
JSON}. GET / answers 200 (readiness). With --print, each alert is also printed as one line on stdout (the demo).

usage: webhook_receiver.py --port PORT --out FILE [--print]
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def handler_class(out_path, print_alerts):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            self._answer(200, b"webhook receiver\n")

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                self._answer(400, b"body is not JSON\n")
                return
            record = {"path": self.path, "received": time.time(), "body": body}
            with lock, open(out_path, "a", encoding="utf-8") as out:
                out.write(json.dumps(record, sort_keys=True) + "\n")
            if print_alerts:
                self._print(body)
            self._answer(200, b"ok\n")

        def _print(self, body):
            for alert in body.get("alerts", []):
                labels = alert.get("labels", {})
                where = " ".join(f"{k}={labels[k]}" for k in ("instance", "map") if k in labels)
                summary = alert.get("annotations", {}).get("summary", "")
                print(f"[alert] {alert.get('status', '?'):8} {labels.get('alertname', '?')} "
                      f"severity={labels.get('severity', '?')} {where} {summary}", flush=True)

        def _answer(self, code, text):
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
            pass  # one line per request would drown the test logs

    return Handler


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True, help="file the notifications are appended to")
    parser.add_argument("--print", action="store_true", help="also print each alert on stdout")
    args = parser.parse_args(argv)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_class(args.out, args.print))
    except OSError as err:
        print(f"webhook_receiver: cannot listen on 127.0.0.1:{args.port}: {err}", file=sys.stderr)
        return 2
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.exit(main(sys.argv[1:]))
