"""A loopback fake of the OpenAI and Anthropic APIs: ``http.server`` on 127.0.0.1 in a thread.

It answers ``POST /v1/chat/completions`` and ``POST /v1/messages`` in the real wire shapes,
records every request (path, headers, body, ``idempotency-key``, arrival time), counts
completed keys, can play a script of canned failures first, can sleep (timeouts) and can
enforce ``limit`` requests per ``window`` seconds (sliding, by arrival) with 429s.
Nothing here reaches the internet.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answerer = Callable[[list[dict[str, str]]], list[dict[str, Any]] | str]


def label_for(name: str) -> str:
    """A deterministic fake label, so tests can check which answer went where."""
    labels = ("african", "indian", "white", "coloured", "cape_malay", "chinese")
    return labels[sum(map(ord, name.upper())) % len(labels)]


def unique_names(n: int, stem: str = "Person") -> list[str]:
    """``n`` distinct names whose letters differ (digits vanish when names are normalised)."""
    def word(i: int) -> str:
        return "".join(chr(65 + (i // 26 ** k) % 26) for k in range(3))
    return [f"{stem}{word(i).lower()} Surname{word(i * 7 + 3).lower()}" for i in range(n)]


def default_answer(items: list[dict[str, str]]) -> list[dict[str, Any]]:
    return [{"id": it["id"], "label": label_for(it["name"]), "confidence": 0.9} for it in items]


@dataclass
class Scripted:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    key: str
    at: float
    status: int = 0


class FakeApi:
    def __init__(self, *, limit: int = 0, window: float = 60.0, delay: float = 0.0) -> None:
        self.limit, self.window, self.delay = limit, window, delay
        self.answer: Answerer = default_answer
        self.script: deque[Scripted] = deque()
        self.seen: list[Seen] = []
        self.completed: Counter[str] = Counter()
        self.rejected_over_limit = 0
        self._arrivals: deque[float] = deque()
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"api": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def max_in_window(self) -> int:
        """The most arrivals inside any sliding window (only successful requests)."""
        times = sorted(s.at for s in self.seen if s.status == 200)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while times[lo] <= t - self.window:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    def utilisation(self) -> float:
        """Achieved rate over the limit, steady state: the first window's burst is free, the
        remaining successful requests should take ``(R - N) / N`` windows at best."""
        times = sorted(s.at for s in self.seen if s.status == 200)
        extra = len(times) - self.limit
        if self.limit <= 0 or extra <= 0 or times[-1] == times[0]:
            return 0.0
        return (extra / self.limit * self.window) / (times[-1] - times[0])

    def _admit(self, now: float) -> bool:
        if self.limit <= 0:
            return True
        while self._arrivals and self._arrivals[0] <= now - self.window:
            self._arrivals.popleft()
        if len(self._arrivals) >= self.limit:
            self.rejected_over_limit += 1
            return False
        self._arrivals.append(now)
        return True

    def handle(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        now = time.monotonic()
        seen = Seen(path, headers, body, headers.get("idempotency-key", ""), now)
        with self._lock:
            self.seen.append(seen)
            scripted = self.script.popleft() if self.script else None
            admitted = scripted is not None or self._admit(now)
        if scripted is not None:
            time.sleep(scripted.delay)
            seen.status = scripted.status
            return scripted.status, scripted.body, scripted.headers
        if not admitted:
            seen.status = 429
            err = {"error": {"type": "requests", "code": "rate_limit_exceeded", "message": "slow down"}}
            return 429, err, {"retry-after": "0"}
        if self.delay:
            time.sleep(self.delay)
        document = json.loads(_last_user_content(path, body))
        answer = self.answer(document["names"])
        text = answer if isinstance(answer, str) else json.dumps({"results": answer})
        with self._lock:
            self.completed[seen.key] += 1
        seen.status = 200
        tokens_in, tokens_out = len(json.dumps(body)) // 4, len(text) // 4
        if path.endswith("/messages"):
            reply: dict[str, Any] = {
                "id": "msg_fake", "type": "message", "role": "assistant",
                "content": [{"type": "text", "text": text}], "model": body.get("model"),
                "stop_reason": "end_turn",
                "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
            }
        else:
            reply = {
                "id": "chatcmpl-fake", "object": "chat.completion", "model": body.get("model"),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                          "total_tokens": tokens_in + tokens_out},
            }
        return 200, reply, {}


def _last_user_content(path: str, body: dict[str, Any]) -> str:
    users = [m for m in body["messages"] if m["role"] == "user"]
    content = users[-1]["content"]
    return content if isinstance(content, str) else content[0]["text"]


class _Handler(BaseHTTPRequestHandler):
    api: FakeApi
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        raw = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if self.path not in ("/v1/chat/completions", "/v1/messages"):
            status, body, extra = 404, {"error": {"type": "not_found", "message": self.path}}, {}
        else:
            status, body, extra = self.api.handle(self.path, headers, json.loads(raw))
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
