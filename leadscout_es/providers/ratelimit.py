"""Client-side rate limiting per provider: requests and tokens per window and per day.

A sliding window that is strict about time: a request occupies its window from the moment
it is sent until ``window`` after its response came back (the latest instant the server can
have counted it), so a server enforcing the same limit never sees one request too many,
whatever the latency. Configured limits are refined from the response headers
(``x-ratelimit-*`` durations such as ``6m0s``/``120ms``, ``anthropic-ratelimit-*`` RFC 3339
resets) and ``retry-after`` pauses every worker of the provider.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

from leadscout_es.providers.prices import Limits

DAY_S = 86_400.0
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: str) -> float | None:
    """``6m0s`` → 360.0, ``120ms`` → 0.12, ``1s`` → 1.0, ``2`` → 2.0; None if unparsable."""
    t = text.strip()
    if not t:
        return None
    try:
        return max(0.0, float(t))
    except ValueError:
        pass
    parts = _DURATION.findall(t)
    if not parts or "".join(n + u for n, u in parts) != t:
        return None
    return sum(float(n) * _UNIT_S[u] for n, u in parts)


def parse_reset(text: str, now: float | None = None) -> float | None:
    """Seconds until a reset given as a duration or an RFC 3339 timestamp."""
    seconds = parse_duration(text)
    if seconds is not None:
        return seconds
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return max(0.0, at.timestamp() - (time.time() if now is None else now))


class _Window:
    """Entries (end time, cost) inside a sliding window; in-flight entries end at +inf."""

    def __init__(self, limit: int, span: float) -> None:
        self.limit, self.span = limit, span
        self.entries: deque[list[float]] = deque()
        self.used = 0.0

    def _expire(self, now: float) -> None:
        while self.entries and self.entries[0][0] <= now - self.span:
            self.used -= self.entries.popleft()[1]

    def wait_for(self, cost: float, now: float) -> float:
        """Seconds until ``cost`` fits (0 if it fits now, +inf while only in-flight block)."""
        if self.limit <= 0:
            return 0.0
        self._expire(now)
        if self.used + cost <= self.limit or not self.entries:
            return 0.0
        excess = self.used + cost - self.limit
        freed = 0.0
        for end, c in sorted(self.entries):
            freed += c
            if freed >= excess:
                return end + self.span - now
        return float("inf")

    def add(self, cost: float) -> list[float]:
        entry = [float("inf"), cost]
        self.entries.append(entry)
        self.used += cost
        return entry

    def finish(self, entry: list[float], now: float) -> None:
        entry[0] = now
        # keep the deque ordered by end time so _expire can pop from the left
        self.entries = deque(sorted(self.entries, key=lambda e: e[0]))


class RateLimiter:
    """Thread-safe; ``acquire`` blocks until a request of ``tokens`` fits every limit."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._cond = threading.Condition()
        w = limits.window_s
        self._requests = _Window(limits.rpm, w)
        self._tokens = _Window(limits.tpm, w)
        self._day_requests = _Window(limits.rpd, DAY_S)
        self._day_tokens = _Window(limits.tpd, DAY_S)
        self._paused_until = 0.0

    def acquire(self, tokens: int, cancelled: Callable[[], bool] = lambda: False) -> object:
        with self._cond:
            while True:
                now = self._clock()
                wait = max(
                    self._paused_until - now,
                    self._requests.wait_for(1, now),
                    self._tokens.wait_for(tokens, now),
                    self._day_requests.wait_for(1, now),
                    self._day_tokens.wait_for(tokens, now),
                )
                if wait <= 0:
                    return (
                        self._requests.add(1), self._tokens.add(tokens),
                        self._day_requests.add(1), self._day_tokens.add(tokens),
                    )
                if cancelled():
                    raise TimeoutError("rate limiter wait cancelled")
                self._cond.wait(timeout=min(wait, 1.0))

    def release(self, ticket: object) -> None:
        """The response is back: start the ticket's window from now."""
        assert isinstance(ticket, tuple)
        with self._cond:
            now = self._clock()
            for window, entry in zip(
                (self._requests, self._tokens, self._day_requests, self._day_tokens), ticket,
                strict=True,
            ):
                window.finish(entry, now)
            self._cond.notify_all()

    def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` (``retry-after``, or a limit reported exhausted)."""
        with self._cond:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Refine limits from ``x-ratelimit-*`` / ``anthropic-ratelimit-*`` headers."""
        for prefix in ("x-ratelimit-", "anthropic-ratelimit-"):
            for kind, window in (("requests", self._requests), ("tokens", self._tokens)):
                self._observe_one(headers, f"{prefix}%s-{kind}" if prefix[0] == "x"
                                  else f"{prefix}{kind}-%s", window)

    def _observe_one(self, headers: Mapping[str, str], pattern: str, window: _Window) -> None:
        limit = _int(headers.get(pattern % "limit"))
        remaining = _int(headers.get(pattern % "remaining"))
        reset_raw = headers.get(pattern % "reset")
        with self._cond:
            if limit is not None and limit > 0 and (window.limit <= 0 or limit < window.limit):
                window.limit = limit
        if remaining == 0 and reset_raw:
            reset = parse_reset(reset_raw)
            if reset is not None:
                self.pause(min(reset, DAY_S))


def _int(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(float(raw))
    except ValueError:
        return None
