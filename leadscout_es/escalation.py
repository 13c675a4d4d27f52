"""The seam between the offline cascade and the paid LLM providers.

The runner classifies a batch offline, then hands the names and outcomes to an
:class:`Escalator`, which may replace outcomes it is unsure of with LLM answers before the
batch's row events are written. Everything paid goes through ``ctx.record``, which appends
events to the job log and fsyncs them before returning, so ``llm_requested`` is durable
before a call is sent and ``llm_completed`` right after it (DESIGN.md "LLM providers").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from leadscout_es.classifiers.base import Outcome
from leadscout_es.events import Event
from leadscout_es.joblog import JobLogger
from leadscout_es.replay import JobState


@dataclass(frozen=True, slots=True)
class EscalationSettings:
    providers: tuple[str, ...]  # failover order; empty = every provider that has a key
    escalate_below: float  # offline confidence below this goes to the LLM (1.0: every named row)
    max_cost: float | None  # USD for the whole job; never exceeded
    concurrency: int


@dataclass(slots=True)
class EscalationContext:
    home: Path
    job_id: str
    settings: EscalationSettings
    env: Mapping[str, str]
    record: Callable[[Sequence[Event]], None]  # append + fsync + fold into ``state``
    state: JobState  # paid answers, calls in doubt and spend so far (read-only for escalators)
    log: JobLogger
    notes: list[str] = field(default_factory=list)  # one-line messages for the user


class Escalator(Protocol):
    def escalate(
        self, names: Sequence[str], outcomes: Sequence[Outcome], skip: frozenset[int]
    ) -> list[Outcome]:
        """Return ``outcomes`` with some replaced by LLM answers; indexes in ``skip`` and
        rejected outcomes are never sent."""
        ...

    def close(self) -> None: ...
