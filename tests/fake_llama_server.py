"""A stand-in for `python -m llama_cpp.server` used by the lifecycle tests: serves /v1/models on a port.

Usage: fake_llama_server.py PORT [--delay SECONDS] [--fail]
"""

import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b'{"object": "list", "data": [{"id": "fake"}]}'
        self.send_response(200 if self.path == "/v1/models" else 404)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    port = int(sys.argv[1])
    if "--fail" in sys.argv:
        print("error loading model: unknown model architecture", flush=True)
        sys.exit(3)
    if "--delay" in sys.argv:
        time.sleep(float(sys.argv[sys.argv.index("--delay") + 1]))
    print("listening", flush=True)
    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
