"""Damage that is not a torn tail (a bit flip in a sealed segment, damage with valid records
after it, a missing or an extra segment) is refused by `replay` and `ingest` with the segment
and byte offset, and nothing in the log is rewritten."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from leadscout_es.log.framing import HEADER_SIZE
from tests.crash.harness import assert_clean_error, ingest, run, segments, snapshot


def refuse_everywhere(home: Path, leads: Path) -> str:
    """`replay` and `ingest` both refuse; the log directory is byte-identical afterwards."""
    log = home / "jobs" / "job" / "log"
    before = snapshot(log)
    line = assert_clean_error(run(home, "replay", "job", check=False), 1)
    assert "log corrupt" in line
    line2 = assert_clean_error(ingest(home, leads, "job", LEADSCOUT_SEGMENT_BYTES="4096"), 1)
    assert "log corrupt" in line2
    assert snapshot(log) == before, "a refused log was changed"
    return line


def test_a_bit_flip_in_a_sealed_segment_is_refused_with_segment_and_offset(
    done_home: Path, fault_leads: Path
) -> None:
    segs = segments(done_home, "job")
    assert len(segs) >= 3
    target = segs[1]
    data = bytearray(target.read_bytes())
    data[HEADER_SIZE + 8 + 17] ^= 0x04  # inside the first record's payload
    target.write_bytes(bytes(data))
    line = refuse_everywhere(done_home, fault_leads)
    assert f"{target.name} at byte {HEADER_SIZE}" in line, line


def test_damage_in_the_last_segment_with_valid_records_after_it_is_corruption_not_a_torn_tail(
    tail_home: Path, fault_leads: Path
) -> None:
    seg = segments(tail_home, "job")[-1]
    data = bytearray(seg.read_bytes())
    data[HEADER_SIZE + 3] ^= 0xFF  # the first record's length; later records still verify
    seg.write_bytes(bytes(data))
    line = refuse_everywhere(tail_home, fault_leads)
    assert re.search(rf"{seg.name} at byte {HEADER_SIZE}\b", line), line
    assert "valid records after it" in line


@pytest.mark.parametrize("which", ["first", "middle"])
def test_a_missing_segment_is_refused(done_home: Path, fault_leads: Path, which: str) -> None:
    segs = segments(done_home, "job")
    gone = segs[0] if which == "first" else segs[len(segs) // 2]
    gone.unlink()
    line = refuse_everywhere(done_home, fault_leads)
    assert "missing segment" in line or "first seq" in line, line


def test_an_extra_segment_out_of_sequence_is_refused(done_home: Path, fault_leads: Path) -> None:
    segs = segments(done_home, "job")
    shutil.copy(segs[1], segs[-1].parent / "00000000000099999999.seg")
    line = refuse_everywhere(done_home, fault_leads)
    assert "00000000000099999999.seg" in line


def test_a_leftover_segment_temp_file_is_ignored(done_home: Path) -> None:
    segs = segments(done_home, "job")
    (segs[-1].parent / "00000000000099999999.seg.tmp").write_bytes(b"half a header")
    proc = run(done_home, "replay", "job", "--json")
    assert '"status":"completed"' in proc.stdout
