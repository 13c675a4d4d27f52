"""Events: past-tense facts, one msgspec struct each, in one tagged union.

Stable rules (docs/log-format.md "Evolving events"):

- Every event has an explicit snake_case ``tag`` that never changes; module paths and class
  names are not part of the format, so code can be renamed freely.
- Structs are encoded ``array_like`` (fields by position). New fields are only ever added
  at the END of a struct and always have a default, so old logs keep decoding.
- Fields are never removed, reordered or retyped; a retired field keeps its slot.
- An unknown tag is refused (:class:`~leadscout_es.errors.UnknownEvent`), never skipped:
  a newer log read by an older build must not be silently misread.

A log record holds one or more events encoded together as a msgpack array; the batch of
row outcomes is one record, the ``batch_committed`` marker that covers it another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from leadscout_es.errors import LogCorrupt, UnknownEvent


class _Event(msgspec.Struct, array_like=True, frozen=True, gc=False, tag_field="t"):
    pass


class JobStarted(_Event, tag="job_started", frozen=True):
    job_id: str
    at: str
    input_path: str
    input_size: int
    input_sha256: str
    input_format: str
    sheet: str | None
    columns: list[str]
    name_column: str
    province_column: str | None
    batch_size: int
    settings: dict[str, Any]
    classifier_version: str
    encoding: str = ""
    knowledge_seq: int = -1


class JobResumed(_Event, tag="job_resumed", frozen=True):
    at: str
    from_row: int
    epoch: int
    pid: int


class RowClassified(_Event, tag="row_classified", frozen=True):
    """A row with an outcome from the cascade: status ``ok`` or ``abstained``."""

    source_row: int
    status: str
    method: str
    label: str
    confidence: float
    evidence: str
    provider: str = ""
    reason: str = ""


class RowRejected(_Event, tag="row_rejected", frozen=True):
    """The row's input can't be classified (blank or junk name, ragged line, ...)."""

    source_row: int
    reason: str


class RowFailed(_Event, tag="row_failed", frozen=True):
    """Classification was attempted and failed (e.g. every provider errored)."""

    source_row: int
    reason: str
    attempt: int = 1


class BatchCommitted(_Event, tag="batch_committed", frozen=True):
    """Covers every row event of rows ``first_row .. next_row - 1`` written before it.

    ``counts`` summarises the batch's outcomes as ``(status, method, label, rows)`` so that
    replay can fold a committed batch without decoding its row record (empty in logs
    written before it existed; replay then decodes the rows).
    """

    first_row: int
    next_row: int
    position: int = -1
    at: str = ""
    counts: list[tuple[str, str, str, int]] = []


class LlmRequested(_Event, tag="llm_requested", frozen=True):
    key: str
    provider: str
    model: str
    names: list[str]
    reserved_usd: float = 0.0
    at: str = ""


class LlmCompleted(_Event, tag="llm_completed", frozen=True):
    key: str
    provider: str
    model: str
    answer: str
    input_tokens: int
    output_tokens: int
    cost_usd: float
    at: str = ""
    names: list[str] = []  # the names sent, in id order (ids are their positions)


class LlmFailed(_Event, tag="llm_failed", frozen=True):
    key: str
    provider: str
    model: str
    error: str
    retryable: bool
    at: str = ""


class RuleLearned(_Event, tag="rule_learned", frozen=True):
    token: str
    position: str  # "surname" | "given"
    label: str
    support: int
    precision: float
    provenance: str
    at: str = ""


class LabelConfirmed(_Event, tag="label_confirmed", frozen=True):
    name: str
    label: str
    source: str
    at: str = ""


class JobInterrupted(_Event, tag="job_interrupted", frozen=True):
    at: str
    signal: str
    next_row: int


class JobCompleted(_Event, tag="job_completed", frozen=True):
    at: str
    rows_total: int


class JobCancelled(_Event, tag="job_cancelled", frozen=True):
    at: str
    reason: str = ""


class JobFailed(_Event, tag="job_failed", frozen=True):
    at: str
    error: str


Event = (
    JobStarted
    | JobResumed
    | RowClassified
    | RowRejected
    | RowFailed
    | BatchCommitted
    | LlmRequested
    | LlmCompleted
    | LlmFailed
    | RuleLearned
    | LabelConfirmed
    | JobInterrupted
    | JobCompleted
    | JobCancelled
    | JobFailed
)

EVENT_TYPES: tuple[type[_Event], ...] = (
    JobStarted,
    JobResumed,
    RowClassified,
    RowRejected,
    RowFailed,
    BatchCommitted,
    LlmRequested,
    LlmCompleted,
    LlmFailed,
    RuleLearned,
    LabelConfirmed,
    JobInterrupted,
    JobCompleted,
    JobCancelled,
    JobFailed,
)

class RowClassifiedSummary(_Event, tag="row_classified", frozen=True):
    """A read-only view of ``row_classified`` with only the fields replay counts.

    Decoding skips the explanation strings (trailing array fields are ignored), which makes
    resuming a large job faster. Never written: the log holds full ``RowClassified`` events.
    """

    source_row: int
    status: str
    method: str
    label: str


SummaryEvent = (
    JobStarted
    | JobResumed
    | RowClassifiedSummary
    | RowRejected
    | RowFailed
    | BatchCommitted
    | LlmRequested
    | LlmCompleted
    | LlmFailed
    | RuleLearned
    | LabelConfirmed
    | JobInterrupted
    | JobCompleted
    | JobCancelled
    | JobFailed
)

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(list[Event])
_summary_decoder = msgspec.msgpack.Decoder(list[SummaryEvent])
_KNOWN_TAGS = frozenset(t.__struct_config__.tag for t in EVENT_TYPES)


def encode_record(events: Sequence[Event]) -> bytes:
    """Encode events as one log record payload."""
    return _encoder.encode(events)


def decode_record(payload: bytes | memoryview, *, seq: int = -1) -> list[Event]:
    """Decode one record payload; unknown tags and malformed payloads are refused."""
    try:
        return _decoder.decode(payload)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        _explain(payload, seq, exc)
        raise  # pragma: no cover - _explain always raises


_ROW_TAGS = (b"\xaerow_classified", b"\xacrow_rejected", b"\xaarow_failed")


def is_row_record(payload: bytes | memoryview) -> bool:
    """Whether a record starts with a row event (the runner writes a batch's row events, and
    only those, as one record). A byte probe of the msgpack headers: nothing is decoded."""
    head = bytes(payload[:24])
    if not head:
        return False
    first = head[0]
    if 0x90 <= first <= 0x9F:
        offset = 1
    elif first == 0xDC:
        offset = 3
    elif first == 0xDD:
        offset = 5
    else:
        return False
    if len(head) <= offset or not 0x90 <= head[offset] <= 0x9F:
        return False
    return head[offset + 1 :].startswith(_ROW_TAGS)


def decode_record_summary(payload: bytes | memoryview, *, seq: int = -1) -> list[SummaryEvent]:
    """Like :func:`decode_record`, but row outcomes come back as :class:`RowClassifiedSummary`."""
    try:
        return _summary_decoder.decode(payload)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        _explain(payload, seq, exc)
        raise  # pragma: no cover - _explain always raises


def _explain(payload: bytes | memoryview, seq: int, exc: Exception) -> None:
    try:
        raw = msgspec.msgpack.decode(payload)
        tags = [item[0] for item in raw if isinstance(item, list) and item]
    except (msgspec.DecodeError, TypeError):
        tags = []
    unknown = [t for t in tags if t not in _KNOWN_TAGS]
    if unknown:
        raise UnknownEvent(
            f"log record {seq} has an event type this version does not know: {unknown[0]!r}",
            "upgrade leadscout-es to a version that wrote this log",
        ) from exc
    raise LogCorrupt(
        f"log record {seq} does not decode: {exc}",
        "the record passed its checksum but is not a valid event; report this as a bug",
    ) from exc
