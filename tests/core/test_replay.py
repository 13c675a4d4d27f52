"""The fold: conservative commits, determinism, resets and the paid-answer exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from leadscout_es.events import (
    BatchCommitted,
    Event,
    JobCompleted,
    JobResumed,
    JobStarted,
    LlmCompleted,
    LlmRequested,
    RowClassified,
    RowRejected,
    decode_record,
    encode_record,
)
from leadscout_es.replay import batch_counts, fold


def started(job_id: str = "j") -> JobStarted:
    return JobStarted(job_id, "t", "/in.csv", 1, "sha", "csv", None, ["DirectorName"],
                      "DirectorName", None, 10, {}, "v1")


def row(i: int, label: str = "white") -> RowClassified:
    return RowClassified(i, "ok", "lexicon", label, 0.9, "because")


def batch(first: int, n: int, label: str = "white") -> list[Event]:
    return [*(row(i, label) for i in range(first, first + n)), BatchCommitted(first, first + n)]


def test_rows_after_the_last_marker_are_not_applied() -> None:
    state = fold([started(), *batch(0, 3), row(3), row(4)])
    assert state.rows_done == 3
    assert state.next_row == 3
    assert state.uncommitted_rows == 2
    assert state.status == "interrupted"


def test_a_resume_drops_the_uncommitted_rows_of_the_crashed_run() -> None:
    events = [started(), *batch(0, 2), row(2, "african"),
              JobResumed("t", 2, 2, 1), *batch(2, 2, "indian"), JobCompleted("t", 4)]
    state = fold(events)
    assert state.rows_done == 4
    assert state.by_label == {"white": 2, "indian": 2}
    assert state.status == "completed"
    assert state.resumed_from_row == 2
    assert state.findings == []


def test_a_row_committed_twice_is_counted_once_and_reported() -> None:
    state = fold([started(), *batch(0, 2), *batch(0, 2)])
    assert state.rows_done == 2
    assert any("committed twice" in f for f in state.findings)


def test_a_fresh_start_resets_rows_but_keeps_paid_answers() -> None:
    paid = LlmCompleted("k", "openai", "m", "{}", 10, 5, 0.01)
    state = fold([started(), *batch(0, 2), paid, started(), *batch(0, 1)])
    assert state.rows_done == 1
    assert "k" in state.paid_answers
    assert any("restarted fresh" in f for f in state.findings)


def test_an_uncommitted_paid_answer_is_kept_and_requests_without_answers_are_in_doubt() -> None:
    state = fold([started(), LlmRequested("a", "openai", "m", ["x"]),
                  LlmRequested("b", "openai", "m", ["y"]),
                  LlmCompleted("a", "openai", "m", "{}", 1, 1, 0.5)])
    assert set(state.paid_answers) == {"a"}
    assert set(state.in_doubt) == {"b"}
    assert state.cost_usd == 0.5


def test_rejected_rows_count_as_done_with_status_rejected() -> None:
    state = fold([started(), RowRejected(0, "empty name"), row(1), BatchCommitted(0, 2)])
    assert state.by_status == {"ok": 1, "rejected": 1}
    assert state.rows_done == 2


row_events = st.builds(
    RowClassified,
    st.integers(0, 30),
    st.sampled_from(["ok", "abstained"]),
    st.sampled_from(["lexicon", "ngram", "none"]),
    st.sampled_from(["white", "african", "unknown"]),
    st.floats(0, 1),
    st.text(max_size=5),
)
any_events = st.lists(
    st.one_of(row_events, st.builds(BatchCommitted, st.integers(0, 30), st.integers(0, 30)),
              st.just(started()), st.builds(JobResumed, st.just("t"), st.integers(0, 30),
                                            st.integers(1, 9), st.integers(1, 9))),
    max_size=60,
)


def snapshot(events: list[Event]) -> dict[str, Any]:
    state = fold(events)
    return {**state.summary(), "next_row": state.next_row, "findings": state.findings,
            "done": bytes(state.done_rows)}


@given(any_events)
def test_replay_is_deterministic_and_survives_an_encode_decode_cycle(events: list[Event]) -> None:
    decoded = decode_record(encode_record(events)) if events else []
    assert snapshot(events) == snapshot(events) == snapshot(decoded)


@given(any_events)
def test_done_rows_always_equal_the_committed_row_bitmap(events: list[Event]) -> None:
    state = fold(events)
    assert state.rows_done == sum(state.done_rows)
    assert sum(state.by_status.values()) == state.rows_done


@given(
    st.lists(st.tuples(st.integers(1, 5), st.sampled_from(["ok", "abstained"]), st.booleans()),
             max_size=12),
    st.booleans(),
)
def test_replaying_a_log_from_disk_equals_folding_its_full_events(
    batches: list[tuple[int, str, bool]], crash_tail: bool
) -> None:
    """replay_log folds batches from marker counts, or decodes row outcomes as summaries
    (markers without counts: logs written before counts existed); the state must equal
    the fold of the full events either way, uncommitted tail included."""
    import tempfile
    from pathlib import Path

    from leadscout_es.log.segments import iter_records
    from leadscout_es.log.writer import SegmentWriter
    from leadscout_es.replay import replay_log

    with tempfile.TemporaryDirectory() as tmp:
        log_dir = Path(tmp)
        writer = SegmentWriter(log_dir, epoch=1, next_seq=0, roll_bytes=300)
        events: list[Event] = [started()]
        writer.append(encode_record(events))
        first = 0
        for size, status, with_counts in batches:
            rows = [RowClassified(i, status, "ngram", "indian", 0.7, "e" * 40) for i in range(first, first + size)]
            counts = batch_counts(list(rows)) if with_counts else []
            marker = BatchCommitted(first, first + size, -1, "", counts)
            writer.append(encode_record(rows))
            writer.append(encode_record([marker]))
            writer.sync()
            writer.maybe_roll()
            events += [*rows, marker]
            first += size
        if crash_tail:  # a batch whose marker never made it
            tail = [RowClassified(first, "ok", "lexicon", "white", 0.9, "t")]
            writer.append(encode_record(tail))
            writer.sync()
            events += tail
        writer.close()
        from_disk = replay_log(log_dir)
        decoded = [ev for seq, p in iter_records(log_dir) for ev in decode_record(p, seq=seq)]
    assert decoded == events
    full = fold(events)
    assert from_disk.summary() == full.summary()
    assert from_disk.next_row == full.next_row and bytes(from_disk.done_rows) == bytes(full.done_rows)
    assert (from_disk.events, from_disk.batches, from_disk.uncommitted_rows) == (
        full.events, full.batches, full.uncommitted_rows)
