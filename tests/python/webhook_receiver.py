#!/usr/bin/python3
"""A webhook receiver that knows nothing of Clipper but the Standard Webhooks convention (standard library only).

It verifies every request's signature (HMAC-SHA256 over "id.timestamp.body", keyed with the base64 after whsec_,
"v1,<base64>" signatures separated by spaces) and its timestamp, and writes one JSON line per request to --log:
the path, id, type, whether it verified, the status it answered and the body. What it answers depends on the path:
  /ok     200 to every verified request
  /flaky  500 to the first two attempts of each event id, then 200
  /hang   never answers (holds the connection)
Anything that does not verify gets 401. It prints "listening <port>" once it accepts connections.
"""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300


def verify(secrets, msg_id, timestamp, body, header):
    """True when one of the header's v1 signatures is the HMAC of one of the secrets."""
    given = {part.split(",", 1)[1] for part in header.split(" ") if part.startswith("v1,")}
    for secret in secrets:
        key = base64.b64decode(secret[len("whsec_"):])
        expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()).decode()
        if any(hmac.compare_digest(expected, g) for g in given):
            return True
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", action="append", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    lock = threading.Lock()
    attempts = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            msg_id = self.headers.get("webhook-id", "")
            timestamp = self.headers.get("webhook-timestamp", "")
            signature = self.headers.get("webhook-signature", "")
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= TOLERANCE_SECONDS
            ok = bool(msg_id) and fresh and verify(args.secret, msg_id, timestamp, body, signature)
            try:
                event = json.loads(body)
            except ValueError:
                event = None
            with lock:
                n = attempts[(self.path, msg_id)] = attempts.get((self.path, msg_id), 0) + 1
            if not ok:
                status = 401
            elif self.path == "/flaky" and n <= 2:
                status = 500
            elif self.path == "/hang":
                status = None
            else:
                status = 200
            record = {"path": self.path, "id": msg_id, "type": event.get("type") if event else None, "verified": ok,
                      "signatures": len(signature.split(" ")), "status": status, "attempt": n, "event": event}
            with lock, open(args.log, "a") as f:
                f.write(json.dumps(record) + "\n")
            if status is None:
                time.sleep(3600)
                return
            answer = b"try again" if status == 500 else b"ok" if status == 200 else b"bad signature"
            self.send_response(status)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
