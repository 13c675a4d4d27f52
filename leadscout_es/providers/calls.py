"""One paid call, start to finish on a worker thread: wait for the rate limiter, send, and
retry what retrying can fix (rate limits after ``retry-after``; overload, timeouts and
network errors with exponential backoff and jitter), within bounds. The worker never
touches the job log: the calling thread records every outcome.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from leadscout_es.errors import ProviderError
from leadscout_es.providers.base import CallFailure, Provider, Reply
from leadscout_es.providers.ratelimit import RateLimiter
from leadscout_es.providers.wire import DEFAULT_NAMES_PER_REQUEST, SYSTEM_PROMPT


@dataclass(frozen=True, slots=True)
class CallPolicy:
    """Retry bounds and timing; ``from_env`` reads the ``LEADSCOUT_LLM_*`` overrides."""

    names_per_request: int = DEFAULT_NAMES_PER_REQUEST
    max_attempts: int = 4  # tries of one request on one provider for overload/timeouts
    max_rate_waits: int = 8  # 429 rate-limit waits for one request
    backoff_s: float = 0.5  # first backoff; doubles each attempt, full jitter
    backoff_cap_s: float = 20.0
    max_wait_s: float = 120.0  # longest single retry-after honoured before failing over
    timeout_s: float = 60.0
    strikes_off: int = 3  # requests in a row exhausted on a provider → off for the job
    seed: int | None = None  # jitter seed (fixed in tests: deterministic backoff)
    knowledge_every: int = 50  # completed calls between appends to the knowledge log

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CallPolicy:
        def num(name: str, default: float, kind: type[float] | type[int]) -> float:
            raw = env.get(f"LEADSCOUT_LLM_{name}", "").strip()
            if not raw:
                return default
            try:
                value = kind(raw)
            except ValueError:
                raise ProviderError(f"LEADSCOUT_LLM_{name}={raw!r} is not a number",
                                    "unset it to use the default") from None
            if value <= 0:
                raise ProviderError(f"LEADSCOUT_LLM_{name} must be positive", "unset it")
            return value

        seed = env.get("LEADSCOUT_LLM_SEED", "").strip()
        d = cls()
        return cls(
            names_per_request=int(num("NAMES_PER_REQUEST", DEFAULT_NAMES_PER_REQUEST, int)),
            max_attempts=int(num("MAX_ATTEMPTS", d.max_attempts, int)),
            backoff_s=num("BACKOFF_S", d.backoff_s, float),
            max_wait_s=num("MAX_WAIT_S", d.max_wait_s, float),
            timeout_s=num("TIMEOUT_S", d.timeout_s, float),
            seed=int(seed) if seed.isdigit() else None,
        )


@dataclass(slots=True)
class Slot:
    """A provider in the failover order, with its limiter and health."""

    provider: Provider
    limiter: RateLimiter
    off: str = ""  # why it is off for the rest of the job ("" = on)
    strikes: int = 0
    calls: int = 0

    @property
    def name(self) -> str:
        return self.provider.name


@dataclass(slots=True)
class Call:
    slot: Slot
    names: list[str]
    key: str
    document: str
    max_tokens: int
    tokens: int  # rate-limit estimate (input estimate + max_tokens)
    reserved: float
    alone: bool
    tried: frozenset[str] = field(default_factory=frozenset)


class Backoff:
    """Exponential backoff with full jitter from a seeded generator (thread-safe)."""

    def __init__(self, policy: CallPolicy) -> None:
        self._policy = policy
        self._rng = random.Random(policy.seed)
        self._lock = threading.Lock()

    def delay(self, attempt: int) -> float:
        ceiling = min(self._policy.backoff_cap_s, self._policy.backoff_s * 2.0 ** (attempt - 1))
        with self._lock:
            jitter: float = self._rng.random()
        return ceiling * (0.5 + 0.5 * jitter)


def perform(call: Call, policy: CallPolicy, backoff: Backoff,
            sleep: Callable[[float], None] = time.sleep) -> Reply | CallFailure:
    """Send ``call`` until it succeeds or retrying stops making sense."""
    slot, attempt, waits = call.slot, 1, 0
    while True:
        if slot.off:
            return CallFailure("off", f"{slot.name} is off: {slot.off}")
        try:
            ticket = slot.limiter.acquire(call.tokens, cancelled=lambda: bool(slot.off))
        except TimeoutError:
            return CallFailure("off", f"{slot.name} is off: {slot.off}")
        try:
            result = slot.provider.send(SYSTEM_PROMPT, call.document, call.max_tokens, call.key)
        finally:
            slot.limiter.release(ticket)
        headers = result.headers
        if headers:
            slot.limiter.observe(headers)
        if isinstance(result, Reply):
            return result
        if result.kind == "rate_limited" and waits < policy.max_rate_waits:
            waits += 1
            wait = result.retry_after if result.retry_after is not None else backoff.delay(waits)
            if wait > policy.max_wait_s:
                return result
            slot.limiter.pause(wait)
            continue
        if result.kind in ("overloaded", "timeout", "network") and attempt < policy.max_attempts:
            delay = backoff.delay(attempt)
            if result.retry_after is not None:
                delay = max(delay, min(result.retry_after, policy.max_wait_s))
            attempt += 1
            sleep(delay)
            continue
        return result
