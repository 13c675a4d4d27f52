"""Fixtures for the provider tests: loopback fakes and an in-process escalator harness."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from leadscout_es.classifiers.base import Outcome
from leadscout_es.escalation import EscalationContext, EscalationSettings
from leadscout_es.events import Event
from leadscout_es.joblog import JobLogger
from leadscout_es.providers import (
    AnthropicProvider,
    CallPolicy,
    Limits,
    LlmEscalator,
    OpenAIProvider,
    Provider,
    RateLimiter,
    Slot,
    read_price_table,
)
from leadscout_es.replay import JobState, apply
from tests.providers.fake_api import FakeApi

FAST = CallPolicy(backoff_s=0.01, backoff_cap_s=0.05, timeout_s=2.0, seed=1234, max_wait_s=5.0)
ABSTAINED = Outcome("unknown", 0.0, "none", "no evidence", "abstained", "no_evidence")


@pytest.fixture
def api() -> Iterator[FakeApi]:
    with FakeApi() as fake:
        yield fake


@pytest.fixture
def api2() -> Iterator[FakeApi]:
    with FakeApi() as fake:
        yield fake


def provider(kind: str, fake: FakeApi, timeout: float = 2.0) -> Provider:
    table = read_price_table()
    if kind == "openai":
        price = table.providers["openai"].price("gpt-6-luna")
        return OpenAIProvider("sk-test", f"{fake.url}/v1", "gpt-6-luna", price, timeout=timeout)
    price = table.providers["anthropic"].price("claude-haiku-5-5")
    return AnthropicProvider("ak-test", fake.url, "claude-haiku-5-5", price, timeout=timeout)


@dataclass
class Harness:
    ctx: EscalationContext
    escalator: LlmEscalator
    events: list[Event] = field(default_factory=list)

    def run(self, names: Sequence[str], outcomes: Sequence[Outcome] | None = None,
            skip: frozenset[int] = frozenset()) -> list[Outcome]:
        outs = list(outcomes) if outcomes is not None else [ABSTAINED] * len(names)
        return self.escalator.escalate(names, outs, skip)

    def of(self, kind: type) -> list[Event]:
        return [e for e in self.events if isinstance(e, kind)]


def make_harness(
    home: Path,
    fakes: Sequence[tuple[str, FakeApi]],
    *,
    policy: CallPolicy = FAST,
    limits: Limits | None = None,
    max_cost: float | None = None,
    concurrency: int = 2,
    escalate_below: float = 0.55,
    state: JobState | None = None,
    on_record: object = None,
) -> Harness:
    state = state if state is not None else JobState()
    events: list[Event] = []

    def record(batch: Sequence[Event]) -> None:
        if callable(on_record):
            on_record(batch)
        events.extend(batch)
        for ev in batch:
            apply(state, ev)

    ctx = EscalationContext(
        home=home, job_id="t", env=os.environ, record=record, state=state,
        settings=EscalationSettings((), escalate_below, max_cost, concurrency),
        log=JobLogger(home / "job.log", "t"),
    )
    slots = [
        Slot(provider(kind, fake, policy.timeout_s), RateLimiter(limits or Limits(0, 0)))
        for kind, fake in fakes
    ]
    esc = LlmEscalator(ctx, slots, policy)
    return Harness(ctx, esc, events)
