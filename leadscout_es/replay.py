"""Replay: a pure fold from the log's events to a job's state.

Row events take effect only when a ``batch_committed`` marker covers them (conservative
resume: rows after the last marker are redone). Paid LLM answers are the exception: an
intact ``llm_completed`` is always kept, committed or not, so it is never paid for twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadscout_es.events import (
    BatchCommitted,
    Event,
    JobCancelled,
    JobCompleted,
    JobFailed,
    JobInterrupted,
    JobResumed,
    JobStarted,
    LabelConfirmed,
    LlmCompleted,
    LlmFailed,
    LlmRequested,
    RowClassified,
    RowClassifiedSummary,
    RowFailed,
    RowRejected,
    RuleLearned,
    decode_record_summary,
    is_row_record,
)
from leadscout_es.log.segments import LogScan, iter_records

RowEvent = RowClassified | RowRejected | RowFailed
FoldRowEvent = RowEvent | RowClassifiedSummary  # what the fold keeps pending

_STATUS_REJECTED = "rejected"
_STATUS_FAILED = "failed"


@dataclass(slots=True)
class JobState:
    """Everything replay knows about a job (or about the knowledge log)."""

    started: JobStarted | None = None
    started_seq: int = -1
    status: str = "new"
    next_row: int = 0
    position: int = -1
    rows_done: int = 0
    outcome_counts: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    rows_total: int | None = None
    resumed_from_row: int = 0
    runs: int = 0
    batches: int = 0
    events: int = 0
    uncommitted_rows: int = 0
    llm_calls: int = 0
    llm_failures: int = 0
    cost_usd: float = 0.0
    paid_answers: dict[str, LlmCompleted] = field(default_factory=dict)
    in_doubt: dict[str, LlmRequested] = field(default_factory=dict)
    confirmed: dict[str, LabelConfirmed] = field(default_factory=dict)
    rules: dict[tuple[str, str], RuleLearned] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    done_rows: bytearray = field(default_factory=bytearray)
    pending: list[FoldRowEvent] = field(default_factory=list)

    def _count_by(self, index: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, n in self.outcome_counts.items():
            out[key[index]] = out.get(key[index], 0) + n
        return out

    @property
    def by_status(self) -> dict[str, int]:
        return self._count_by(0)

    @property
    def by_method(self) -> dict[str, int]:
        return self._count_by(1)

    @property
    def by_label(self) -> dict[str, int]:
        return self._count_by(2)

    @property
    def rows_failed(self) -> int:
        return self.by_status.get(_STATUS_FAILED, 0)

    def summary(self) -> dict[str, Any]:
        """The keys DESIGN.md requires of every ``--json`` output."""
        return {
            "job_id": self.started.job_id if self.started else None,
            "status": self.status,
            "rows_total": self.rows_total,
            "rows_done": self.rows_done,
            "rows_failed": self.rows_failed,
            "by_status": dict(sorted(self.by_status.items())),
            "by_method": dict(sorted(self.by_method.items())),
            "by_label": dict(sorted(self.by_label.items())),
            "llm_calls": self.llm_calls,
            "cost_usd": round(self.cost_usd, 6),
            "resumed_from_row": self.resumed_from_row,
        }


def _reset_rows(state: JobState) -> None:
    state.next_row = 0
    state.position = -1
    state.rows_done = 0
    state.outcome_counts = Counter()
    state.rows_total = None
    state.resumed_from_row = 0
    state.done_rows = bytearray()
    state.pending = []


_REJECTED_KEY = (_STATUS_REJECTED, "none", "unknown")
_FAILED_KEY = (_STATUS_FAILED, "none", "unknown")


def _outcome_key(ev: FoldRowEvent) -> tuple[str, str, str]:
    if type(ev) is RowClassified or type(ev) is RowClassifiedSummary:
        return (ev.status, ev.method, ev.label)
    return _REJECTED_KEY if type(ev) is RowRejected else _FAILED_KEY


def _commit(state: JobState, marker: BatchCommitted) -> None:
    pending = state.pending
    state.pending = []
    first, nxt = marker.first_row, marker.next_row
    if first != state.next_row:
        state.findings.append(
            f"batch {first}..{nxt} does not start at the resume point {state.next_row}"
        )
    done = state.done_rows
    if len(done) < nxt:
        done.extend(bytes(nxt - len(done)))
    counts = state.outcome_counts
    # Fast path: the batch's rows, each once, in order, none committed before.
    if (
        len(pending) == nxt - first
        and [ev.source_row for ev in pending] == list(range(first, nxt))
        and done.find(1, first, nxt) == -1
    ):
        done[first:nxt] = b"\x01" * (nxt - first)
        counts.update([
            (ev.status, ev.method, ev.label) if type(ev) is RowClassified or type(ev) is RowClassifiedSummary
            else _REJECTED_KEY if type(ev) is RowRejected else _FAILED_KEY
            for ev in pending
        ])
        covered = nxt - first
    else:
        covered = _commit_checked(state, pending, first, nxt)
    state.rows_done += covered
    state.next_row = max(state.next_row, nxt)
    state.position = marker.position
    state.batches += 1


def _commit_checked(state: JobState, pending: list[FoldRowEvent], first: int, nxt: int) -> int:
    """Row by row, reporting every inconsistency; returns the rows newly committed."""
    done = state.done_rows
    covered = 0
    for ev in pending:
        row = ev.source_row
        if not first <= row < nxt:
            state.findings.append(f"row {row} outside the batch {first}..{nxt} that commits it")
            continue
        if done[row]:
            state.findings.append(f"row {row} committed twice; the first outcome is kept")
            continue
        done[row] = 1
        covered += 1
        state.outcome_counts[_outcome_key(ev)] += 1
    if covered != nxt - first:
        state.findings.append(f"batch {first}..{nxt} commits {covered} rows, expected {nxt - first}")
    return covered


def apply_batch(state: JobState, events: list[RowEvent], marker: BatchCommitted) -> None:
    """Fold a batch's row events and the marker that commits them (the runner's fast path)."""
    state.events += len(events) + 1
    state.pending.extend(events)
    _commit(state, marker)


def apply(state: JobState, ev: Event | RowClassifiedSummary) -> None:
    """Fold one event into ``state``. Every event type is handled here."""
    state.events += 1
    kind = type(ev)
    if kind is RowClassified or kind is RowClassifiedSummary or kind is RowRejected or kind is RowFailed:
        state.pending.append(ev)  # type: ignore[arg-type]
    elif isinstance(ev, BatchCommitted):
        _commit(state, ev)
    elif isinstance(ev, LlmRequested):
        if ev.key not in state.paid_answers:
            state.in_doubt[ev.key] = ev
    elif isinstance(ev, LlmCompleted):
        state.in_doubt.pop(ev.key, None)
        if ev.key not in state.paid_answers:
            state.paid_answers[ev.key] = ev
        state.llm_calls += 1
        state.cost_usd += ev.cost_usd
    elif isinstance(ev, LlmFailed):
        state.in_doubt.pop(ev.key, None)
        state.llm_failures += 1
    elif isinstance(ev, JobStarted):
        if state.started is not None:
            state.findings.append(f"job restarted fresh at {ev.at}")
        _reset_rows(state)
        state.started = ev
        state.status = "running"
        state.runs += 1
    elif isinstance(ev, JobResumed):
        state.uncommitted_rows += len(state.pending)
        state.pending = []
        state.resumed_from_row = ev.from_row
        state.status = "running"
        state.runs += 1
    elif isinstance(ev, JobInterrupted):
        state.status = "interrupted"
    elif isinstance(ev, JobCompleted):
        state.status = "completed"
        state.rows_total = ev.rows_total
    elif isinstance(ev, JobCancelled):
        state.status = "cancelled"
    elif isinstance(ev, JobFailed):
        state.status = "failed"
    elif isinstance(ev, LabelConfirmed):
        state.confirmed[ev.name] = ev
    elif isinstance(ev, RuleLearned):
        state.rules[(ev.position, ev.token)] = ev
    else:  # pragma: no cover - guarded by the meta-test over EVENT_TYPES
        raise TypeError(f"replay does not handle {kind.__name__}")


def fold(events: Iterable[Event], state: JobState | None = None) -> JobState:
    state = state if state is not None else JobState()
    for ev in events:
        apply(state, ev)
    return finish(state)


def finish(state: JobState) -> JobState:
    """Close a replay: uncommitted row events are dropped (and counted)."""
    state.uncommitted_rows += len(state.pending)
    state.pending = []
    if state.status == "running":
        # Nobody is known to be running it: the last writer stopped without a word.
        state.status = "interrupted"
    if state.in_doubt:
        state.findings.append(
            f"{len(state.in_doubt)} LLM call(s) in doubt (requested, never completed)"
        )
    return state


def batch_counts(events: list[RowEvent]) -> list[tuple[str, str, str, int]]:
    """The ``counts`` a ``batch_committed`` marker carries for its batch's row events."""
    counts = Counter(_outcome_key(ev) for ev in events)
    return [(*key, n) for key, n in sorted(counts.items())]


def _commit_counted(state: JobState, marker: BatchCommitted) -> bool:
    """Fold a batch from its marker's counts alone; False if anything looks off (then the
    caller decodes the row record and folds it event by event, reporting findings)."""
    first, nxt = marker.first_row, marker.next_row
    if not marker.counts or state.pending or first != state.next_row:
        return False
    if sum(c[3] for c in marker.counts) != nxt - first:
        return False
    done = state.done_rows
    if len(done) < nxt:
        done.extend(bytes(nxt - len(done)))
    elif done.find(1, first, nxt) != -1:
        return False
    done[first:nxt] = b"\x01" * (nxt - first)
    counts = state.outcome_counts
    for status, method, label, n in marker.counts:
        counts[(status, method, label)] += n
    state.events += nxt - first + 1
    state.rows_done += nxt - first
    state.next_row = nxt
    state.position = marker.position
    state.batches += 1
    return True


def replay_log(log_dir: Path, scan: LogScan | None = None) -> JobState:
    """Verify and fold a whole log directory.

    A batch's row record is held undecoded until its marker arrives: a marker with counts
    folds the batch without decoding it; anything else decodes the rows and folds them.
    """
    state = JobState()
    held: list[tuple[int, memoryview]] = []  # row records not decoded yet

    def release() -> None:
        for held_seq, held_payload in held:
            rows = decode_record_summary(held_payload, seq=held_seq)
            state.events += len(rows)
            state.pending.extend(rows)  # type: ignore[arg-type]
        held.clear()

    for seq, payload in iter_records(log_dir, scan):
        if is_row_record(payload):
            held.append((seq, payload))
            continue
        events = decode_record_summary(payload, seq=seq)
        for ev in events:
            if type(ev) is BatchCommitted and len(held) == 1 and _commit_counted(state, ev):
                held.clear()
                continue
            release()
            apply(state, ev)
            if type(ev) is JobStarted:
                state.started_seq = seq
    release()
    return finish(state)
