"""Rate limiting: the client-side limiter and a fake that enforces N requests a window."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from leadscout_es.events import LlmFailed
from leadscout_es.providers import CallPolicy, Limits, RateLimiter
from tests.providers.conftest import make_harness
from tests.providers.fake_api import FakeApi, unique_names


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_window_admits_n_requests_then_waits_for_the_oldest_response_plus_the_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(rpm=3, tpm=0, window_s=10.0), clock=clock)
    tickets = [limiter.acquire(1) for _ in range(3)]
    for t in tickets:
        clock.now += 1
        limiter.release(t)  # responses back at 101, 102, 103
    got: list[object] = []
    worker = threading.Thread(target=lambda: got.append(limiter.acquire(1)))
    worker.start()
    worker.join(0.2)
    assert not got  # blocked: the window is full
    clock.now = 111.0  # first response + window
    with limiter._cond:
        limiter._cond.notify_all()
    worker.join(2.0)
    assert got


def test_token_limits_count_too() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(rpm=0, tpm=100, window_s=10.0), clock=clock)
    limiter.release(limiter.acquire(60))
    assert limiter._tokens.wait_for(60, clock.now) == pytest.approx(10.0)
    assert limiter._tokens.wait_for(40, clock.now) == 0.0


def test_headers_lower_the_limit_and_pause_when_nothing_remains() -> None:
    clock = FakeClock()
    limiter = RateLimiter(Limits(rpm=500, tpm=0), clock=clock)
    limiter.observe({"x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "0",
                     "x-ratelimit-reset-requests": "6m0s"})
    assert limiter._requests.limit == 60
    assert limiter._paused_until == pytest.approx(clock.now + 360.0)
    anthropic = RateLimiter(Limits(rpm=50, tpm=0), clock=clock)
    anthropic.observe({"anthropic-ratelimit-requests-limit": "40",
                       "anthropic-ratelimit-requests-remaining": "7",
                       "anthropic-ratelimit-requests-reset": "2030-01-01T00:00:00Z"})
    assert anthropic._requests.limit == 40 and anthropic._paused_until == 0.0


@pytest.mark.parametrize(("limit", "window", "concurrency"), [(20, 1.0, 4), (10, 0.5, 1)])
def test_a_fake_enforcing_n_a_window_is_used_over_90_percent_and_never_exceeded(
    home: Path, limit: int, window: float, concurrency: int
) -> None:
    names = unique_names(3 * limit)
    with FakeApi(limit=limit, window=window) as api:
        h = make_harness(
            home, [("openai", api)], concurrency=concurrency,
            limits=Limits(rpm=limit, tpm=0, window_s=window),
            policy=CallPolicy(names_per_request=1, seed=3, backoff_s=0.01),
        )
        out = h.run(names)
        assert api.rejected_over_limit == 0  # never over
        assert api.max_in_window() <= limit
        assert api.utilisation() >= 0.9, api.utilisation()
    assert all(o.method == "llm" for o in out)  # zero lost rows
    assert not h.of(LlmFailed)
