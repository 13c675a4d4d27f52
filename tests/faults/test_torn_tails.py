"""Torn tails at every byte offset of the last records of a real job's log, zero-filled and
garbage tails: readers stop at the last verifying record, `ingest` repairs (copying the cut
bytes aside) and resumes, and the finished view equals the uninterrupted oracle."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from leadscout_es.events import BatchCommitted, JobCompleted, decode_record
from leadscout_es.log.framing import HEADER_SIZE, iter_frames
from leadscout_es.log.segments import LogScan, scan_log
from leadscout_es.replay import replay_log
from tests.crash.harness import finish, segments, verify_against_oracle
from tests.faults.conftest import ROWS, SEED


def record_bounds(seg: Path) -> list[tuple[int, int]]:
    """(start, end) byte offsets of every record in ``seg``."""
    data = seg.read_bytes()
    payloads, end, damage = iter_frames(data, HEADER_SIZE)
    assert damage is None and end == len(data)
    bounds, offset = [], HEADER_SIZE
    for p in payloads:
        bounds.append((offset, offset + 8 + len(p)))
        offset += 8 + len(p)
    return bounds


def expected_after_cut(seg: Path, cut: int, rows_before: int) -> tuple[int, bool]:
    """Committed rows and completion implied by the intact records of ``seg`` before ``cut``."""
    data = seg.read_bytes()[:cut]
    payloads, _end, _damage = iter_frames(data, HEADER_SIZE)
    rows, completed = rows_before, False
    for p in payloads:
        for ev in decode_record(bytes(p)):
            if isinstance(ev, BatchCommitted):
                rows = ev.next_row
            elif isinstance(ev, JobCompleted):
                completed = True
    return rows, completed


def rows_committed_before(home: Path) -> int:
    """Committed rows in every segment but the last."""
    rows = 0
    for seg in segments(home, "job")[:-1]:
        payloads, _e, _d = iter_frames(seg.read_bytes(), HEADER_SIZE)
        for p in payloads:
            for ev in decode_record(bytes(p)):
                if isinstance(ev, BatchCommitted):
                    rows = ev.next_row
    return rows


def check_every_offset(home: Path, last_records: int) -> list[int]:
    """Cut the last segment at every byte offset inside its last ``last_records`` records and
    check the in-process reader; return the offsets checked."""
    seg = segments(home, "job")[-1]
    pristine = seg.read_bytes()
    bounds = record_bounds(seg)
    starts = {s for s, _e in bounds} | {len(pristine)}
    first = bounds[-last_records][0]
    before = rows_committed_before(home)
    try:
        for cut in range(first, len(pristine)):
            seg.write_bytes(pristine[:cut])
            scan = LogScan()
            state = replay_log(seg.parent, scan)
            if cut in starts:
                assert scan.torn_tail is None, cut
            else:
                record_start = max(s for s in starts if s <= cut)
                assert scan.torn_tail is not None, cut
                assert scan.torn_tail.offset == record_start, (cut, scan.torn_tail)
                assert scan.torn_tail.size == cut - record_start
            rows, completed = expected_after_cut(seg, cut, before)
            assert state.rows_done == rows, (cut, state.rows_done, rows)
            assert (state.status == "completed") == completed, (cut, state.status)
    finally:
        seg.write_bytes(pristine)
    return list(range(first, len(pristine)))


def cut_resume_and_compare(home: Path, leads: Path, oracle: bytes, cut: int) -> None:
    seg = segments(home, "job")[-1]
    data = seg.read_bytes()
    starts = {s for s, _e in record_bounds(seg)} | {len(data)}
    seg.write_bytes(data[:cut])
    finish(home, leads, "job")
    verify_against_oracle(home, "job", oracle, ROWS)
    torn = sorted(seg.parent.glob("*.broken*"))
    if cut not in starts:
        record_start = max(s for s in starts if s <= cut)
        assert torn, f"cut at {cut}: the torn bytes were not copied aside"
        assert torn[-1].read_bytes() == data[record_start:cut]


def test_a_tail_torn_at_every_byte_of_the_last_two_records_reads_back_to_the_last_good_record(
    tail_home: Path,
) -> None:
    checked = check_every_offset(tail_home, last_records=2)
    print(f"checked {len(checked)} cut offsets")
    assert len(checked) > 30


@pytest.mark.parametrize("which", [
    "inside_marker", "inside_rows",
    pytest.param("inside_completed", marks=pytest.mark.slow),
    pytest.param("header_only", marks=pytest.mark.slow),
])
def test_resume_after_a_torn_tail_equals_the_oracle(
    tail_home: Path, fault_leads: Path, fault_oracle: bytes, which: str
) -> None:
    seg = segments(tail_home, "job")[-1]
    bounds = record_bounds(seg)
    rows_rec = next(i for i in range(len(bounds) - 1, -1, -1) if bounds[i][1] - bounds[i][0] > 200)
    cut = {
        "inside_completed": bounds[-1][0] + 3,
        "inside_marker": (bounds[-2][0] + bounds[-2][1]) // 2,
        "inside_rows": bounds[rows_rec][0] + 9 + random.Random(SEED).randrange(100),
        "header_only": HEADER_SIZE + 5,
    }[which]
    cut_resume_and_compare(tail_home, fault_leads, fault_oracle, cut)


@pytest.mark.parametrize(
    ("kind", "size"),
    [("zeros", 8), ("garbage", 777), ("zero_overwrite", 20),
     pytest.param("zeros", 1, marks=pytest.mark.slow), pytest.param("zeros", 4096, marks=pytest.mark.slow),
     pytest.param("garbage", 3, marks=pytest.mark.slow)],
)
def test_zero_filled_and_garbage_tails_are_repaired_and_resume_equals_the_oracle(
    tail_home: Path, fault_leads: Path, fault_oracle: bytes, kind: str, size: int
) -> None:
    rng = random.Random(SEED + size)
    print(f"seed={SEED + size}")
    seg = segments(tail_home, "job")[-1]
    data = seg.read_bytes()
    if kind == "zeros":
        seg.write_bytes(data + b"\0" * size)
    elif kind == "garbage":
        seg.write_bytes(data + rng.randbytes(size))
    else:  # the last record's final bytes read back as zeros (lost page)
        seg.write_bytes(data[:-size] + b"\0" * size)
    scan = scan_log(seg.parent)
    assert scan.torn_tail is not None
    finish(tail_home, fault_leads, "job")
    verify_against_oracle(tail_home, "job", fault_oracle, ROWS)


@pytest.mark.slow
def test_a_tail_torn_at_every_byte_of_the_last_three_records_resumes_to_the_oracle(
    tmp_path: Path, finished_home_one_segment: Path, fault_leads: Path, fault_oracle: bytes,
) -> None:
    import shutil

    checked = check_every_offset(_copy(finished_home_one_segment, tmp_path / "scan"), last_records=3)
    print(f"checked {len(checked)} cut offsets in process")
    seg = segments(finished_home_one_segment, "job")[-1]
    bounds = record_bounds(seg)
    first = bounds[-2][0]
    for cut in range(first, seg.stat().st_size):
        home = tmp_path / f"cut-{cut}"
        shutil.copytree(finished_home_one_segment, home)
        cut_resume_and_compare(home, fault_leads, fault_oracle, cut)
        shutil.rmtree(home)


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst
