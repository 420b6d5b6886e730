"""A local stand-in for Rasa's HTTP API that records trigger_intent calls (and can be 'down')."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse


class FakeRasa:
    def __init__(self):
        self.calls: list[dict] = []
        self.paths: list[str] = []
        self.status = 200
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                url = urlparse(self.path)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                parts = url.path.strip("/").split("/")
                fake.paths.append(url.path)
                if fake.status == 200 and parts[0] == "conversations" and parts[2:] == ["trigger_intent"]:
                    fake.calls.append({"conversation": unquote(parts[1]), "query": parse_qs(url.query), **body})
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def intents(self) -> list[str]:
        return [c["name"] for c in self.calls]

    def close(self):
        self.server.shutdown()
