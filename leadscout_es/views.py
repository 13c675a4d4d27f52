"""Assemble the leads view: the input's rows, joined in order with their committed outcomes.

The log holds outcomes, not input values; the view streams the original input (verified
against the job's sha256 fingerprint) and the log side by side, so memory stays bounded
at any size. Rows without a committed outcome yet (a job still running or interrupted)
appear with empty classification columns and ``ethnicity_confidence`` null: every input
row appears exactly once, ordered by ``source_row``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from leadscout_es.errors import InputChanged, InputNotFound, LeadScoutError
from leadscout_es.events import (
    BatchCommitted,
    JobResumed,
    JobStarted,
    RowClassified,
    RowFailed,
    RowRejected,
    decode_record,
)
from leadscout_es.fingerprint import fingerprint
from leadscout_es.jobs import JobPaths
from leadscout_es.log.segments import iter_records
from leadscout_es.replay import JobState
from leadscout_es.sources import open_source

RowEvent = RowClassified | RowRejected | RowFailed
READ_BATCH = 2000
_EMPTY_TAIL: tuple[Any, ...] = ("", None, "", "", "", "", "")


def iter_committed_outcomes(log_dir: Path, from_seq: int = 0) -> Iterator[RowEvent]:
    """Committed row events from ``from_seq`` (the latest ``job_started``), in ``source_row``
    order, once each."""
    pending: list[RowEvent] = []
    next_row = 0
    for seq, payload in iter_records(log_dir):
        if seq < from_seq:
            continue
        for ev in decode_record(payload, seq=seq):
            if isinstance(ev, RowClassified | RowRejected | RowFailed):
                pending.append(ev)
            elif isinstance(ev, BatchCommitted):
                for row_ev in pending:
                    if next_row <= row_ev.source_row < ev.next_row:
                        yield row_ev
                        next_row = row_ev.source_row + 1
                pending = []
            elif isinstance(ev, JobResumed | JobStarted):
                pending = []


def classification_values(ev: RowEvent) -> tuple[Any, ...]:
    """The 7 classification columns after ``source_row`` for one outcome."""
    if isinstance(ev, RowClassified):
        return (ev.label, ev.confidence, ev.method, ev.provider, ev.evidence, ev.status, "")
    status = "rejected" if isinstance(ev, RowRejected) else "failed"
    return ("unknown", 0.0, "none", "", "", status, ev.reason)


def open_job_input(paths: JobPaths, started: JobStarted) -> Any:
    path = Path(started.input_path)
    if not path.exists():
        raise InputNotFound(
            f"the job's input {path} is gone; the view joins outcomes with the input's columns",
            "put the original file back at that path",
        )
    _size, sha = fingerprint(path)
    if sha != started.input_sha256:
        raise InputChanged(
            f"{path} changed since job {paths.job_id} started; the view needs the original",
            "restore the original file (its sha256 starts " + started.input_sha256[:12] + ")",
        )
    return open_source(path, sheet=started.sheet)


def iter_view_chunks(paths: JobPaths, state: JobState) -> Iterator[list[list[Any]]]:
    """Yield the leads view in chunks of rows: input values, then the 8 classification columns."""
    started = state.started
    if started is None:
        raise LeadScoutError(f"job {paths.job_id} has not started yet", "run ingest first")
    source = open_job_input(paths, started)
    try:
        outcomes = iter_committed_outcomes(paths.log_dir, state.started_seq)
        nxt = next(outcomes, None)
        width = len(started.columns)
        for batch in source.iter_batches(0, READ_BATCH):
            chunk: list[list[Any]] = []
            row_no = batch.first_row
            for values in batch.rows:
                if len(values) != width:
                    raise LeadScoutError(
                        f"input row {row_no} has {len(values)} columns, the job recorded {width}",
                        "the input no longer matches the job; restore the original file",
                    )
                while nxt is not None and nxt.source_row < row_no:
                    nxt = next(outcomes, None)
                if nxt is not None and nxt.source_row == row_no:
                    chunk.append([*values, row_no, *classification_values(nxt)])
                    nxt = next(outcomes, None)
                else:
                    chunk.append([*values, row_no, *_EMPTY_TAIL])
                row_no += 1
            yield chunk
    finally:
        source.close()
