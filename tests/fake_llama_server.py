"""A stand-in for `python -m llama_cpp.server` used by the lifecycle tests: serves /v1/models and a trivial
/v1/chat/completions on a port.

Usage: fake_llama_server.py PORT [--delay SECONDS] [--fail] [--crash-on-request N]

--crash-on-request N: the process kills itself with SIGSEGV on its N-th completion request, as llama.cpp's AMX
path does on its first matrix multiply on some virtualized CPUs.
"""

import json
import os
import signal
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

    def do_POST(self):
        Handler.requests += 1
        if Handler.crash_on and Handler.requests >= Handler.crash_on:
            print("ggml_backend_amx_mul_mat: about to crash", flush=True)
            os.kill(os.getpid(), signal.SIGSEGV)
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = json.dumps({
            "id": "fake", "object": "chat.completion", "created": 0, "model": "fake",
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "OK"}}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
        }).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


Handler.requests = 0
Handler.crash_on = 0


def main() -> None:
    port = int(sys.argv[1])
    if "--fail" in sys.argv:
        print("error loading model: unknown model architecture", flush=True)
        sys.exit(3)
    if "--delay" in sys.argv:
        time.sleep(float(sys.argv[sys.argv.index("--delay") + 1]))
    if "--crash-on-request" in sys.argv:
        Handler.crash_on = int(sys.argv[sys.argv.index("--crash-on-request") + 1])
    print("listening", flush=True)
    HTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
