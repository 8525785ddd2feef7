"""A small fault-injecting HTTP proxy for tests, listening on 127.0.0.1 only.

It forwards POST requests to a real upstream (the llama.cpp server) and, following a plan, answers some of them
itself with a fault instead: ``429``, ``500``, ``timeout`` (sleeps past the client's timeout, then drops the
connection), ``empty`` (200 with an empty body) or ``malformed`` (200 with a truncated JSON body). It counts
requests per prompt, so a test can prove which rows reached the server.

Hand-written on ``http.server`` because no test library injects faults in front of an arbitrary OpenAI-compatible
server without extra dependencies, and the proxy must run inside the pytest process to share its counters.
"""

from __future__ import annotations

import collections
import http.client
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FAULTS = ("429", "500", "timeout", "empty", "malformed")


def prompt_of(body: bytes) -> str:
    """The text that identifies a request: the last user message (chat) or the prompt (completions)."""
    try:
        data = json.loads(body)
    except ValueError:
        return "<unparseable>"
    if "messages" in data:
        users = [m.get("content", "") for m in data["messages"] if m.get("role") == "user"]
        return users[-1] if users else ""
    return str(data.get("prompt", ""))


class FaultProxy:
    """``with FaultProxy(upstream, plan=["429", "timeout"]) as proxy: ... proxy.base_url``.

    ``plan`` faults are served to the first requests in arrival order, one each; later requests are forwarded.
    ``delay_s`` delays every forwarded request (to make a run slow enough to interrupt).
    """

    def __init__(self, upstream: str, plan: list[str] | tuple[str, ...] = (), *, timeout_sleep_s: float = 3.0,
                 delay_s: float = 0.0) -> None:
        bad = [f for f in plan if f not in FAULTS]
        if bad:
            raise ValueError(f"unknown faults {bad}; known: {FAULTS}")
        up = urlsplit(upstream)
        self.upstream_host, self.upstream_port = up.hostname, up.port
        self.plan = collections.deque(plan)
        self.timeout_sleep_s = timeout_sleep_s
        self.delay_s = delay_s
        self.lock = threading.Lock()
        self.per_prompt: collections.Counter[str] = collections.Counter()
        self.injected: collections.Counter[str] = collections.Counter()
        self.forwarded = 0
        self.upstream_errors = 0
        self.authorization: list[str | None] = []  # Authorization header of each POST (to check key handling)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                self._forward(b"")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy.lock:
                    proxy.authorization.append(self.headers.get("Authorization"))
                    proxy.per_prompt[prompt_of(body)] += 1
                    fault = proxy.plan.popleft() if proxy.plan else None
                    if fault:
                        proxy.injected[fault] += 1
                if fault == "429":
                    self._reply(429, b'{"error": {"message": "rate limited"}}', {"Retry-After": "0"})
                elif fault == "500":
                    self._reply(500, b'{"error": {"message": "internal error"}}')
                elif fault == "timeout":
                    time.sleep(proxy.timeout_sleep_s)
                    self.close_connection = True
                elif fault == "empty":
                    self._reply(200, b"")
                elif fault == "malformed":
                    self._reply(200, b'{"id": "x", "choices": [{"mess')
                else:
                    if proxy.delay_s:
                        time.sleep(proxy.delay_s)
                    self._forward(body)

            def _reply(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout): expected
                    self.close_connection = True

            def _forward(self, body: bytes) -> None:
                conn = http.client.HTTPConnection(proxy.upstream_host, proxy.upstream_port, timeout=300)
                try:
                    conn.request(self.command, self.path, body=body or None,
                                 headers={"Content-Type": "application/json"})
                    resp = conn.getresponse()
                    payload = resp.read()
                except OSError as exc:  # upstream trouble is a 502 to the client (retryable), never a hang
                    with proxy.lock:
                        proxy.upstream_errors += 1
                    self._reply(502, json.dumps({"error": {"message": f"upstream: {exc}"}}).encode())
                    return
                finally:
                    conn.close()
                if self.command == "POST":  # generation requests; a GET (e.g. /models) is no request of a row
                    with proxy.lock:
                        proxy.forwarded += 1
                self._reply(resp.status, payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "FaultProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
