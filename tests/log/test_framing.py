"""Framing and segment reading on raw bytes: round trips, torn tails, corruption."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadscout_es.errors import LogCorrupt
from leadscout_es.log.framing import (
    FRAME_SIZE,
    HEADER_SIZE,
    decode_header,
    encode_frame,
    encode_header,
    iter_frames,
)
from leadscout_es.log.segments import iter_records, list_segments, repair_torn_tail, scan_log
from leadscout_es.log.writer import SegmentWriter

payloads = st.lists(st.binary(min_size=1, max_size=300), min_size=0, max_size=40)
tmp_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def write_log(log_dir: Path, records: list[bytes], *, per_segment: int | None = None) -> None:
    writer = SegmentWriter(log_dir, epoch=1, next_seq=0)
    for i, rec in enumerate(records):
        writer.append(rec)
        if per_segment and (i + 1) % per_segment == 0:
            writer.sync()
            writer.roll_bytes = 0
            writer.maybe_roll()
    writer.sync()
    writer.close()


def read_all(log_dir: Path) -> list[bytes]:
    return [bytes(p) for _seq, p in iter_records(log_dir)]


@given(payloads)
def test_frames_round_trip_any_payloads(records: list[bytes]) -> None:
    buf = b"".join(encode_frame(r) for r in records)
    out, end, damage = iter_frames(buf, 0)
    assert [bytes(p) for p in out] == records
    assert end == len(buf)
    assert damage is None


def test_header_round_trips_and_rejects_bad_magic() -> None:
    raw = encode_header(7, 123)
    header = decode_header(raw)
    assert (header.epoch, header.first_seq) == (7, 123)
    assert len(raw) == HEADER_SIZE
    with pytest.raises(ValueError):
        decode_header(b"X" + raw[1:])


@tmp_settings
@given(records=payloads, per_segment=st.sampled_from([None, 3, 7]))
def test_log_round_trips_across_segments(tmp_path_factory: pytest.TempPathFactory,
                                         records: list[bytes], per_segment: int | None) -> None:
    log_dir = tmp_path_factory.mktemp("log")
    write_log(log_dir, records, per_segment=per_segment)
    assert read_all(log_dir) == records
    seqs = [seq for seq, _ in iter_records(log_dir)]
    assert seqs == list(range(len(records)))


@tmp_settings
@given(records=st.lists(st.binary(min_size=1, max_size=64), min_size=1, max_size=12), data=st.data())
def test_truncating_the_last_segment_anywhere_keeps_the_whole_record_prefix(
    tmp_path_factory: pytest.TempPathFactory, records: list[bytes], data: st.DataObject
) -> None:
    log_dir = tmp_path_factory.mktemp("log")
    write_log(log_dir, records)
    seg = list_segments(log_dir)[-1]
    size = seg.stat().st_size
    cut = data.draw(st.integers(HEADER_SIZE, size), label="cut")
    os.truncate(seg, cut)
    # The records that fit entirely before the cut survive; nothing else does.
    ends, pos = [], HEADER_SIZE
    for r in records:
        pos += FRAME_SIZE + len(r)
        ends.append(pos)
    expected = [r for r, end in zip(records, ends, strict=True) if end <= cut]
    assert read_all(log_dir) == expected
    scan = scan_log(log_dir)
    assert (scan.torn_tail is not None) == (cut not in [HEADER_SIZE, *ends])
    if scan.torn_tail is not None:
        aside = repair_torn_tail(scan.torn_tail)
        assert aside.exists()
        assert scan_log(log_dir).torn_tail is None
        assert read_all(log_dir) == expected


@tmp_settings
@given(records=st.lists(st.binary(min_size=1, max_size=64), min_size=2, max_size=10), data=st.data())
def test_a_flipped_bit_in_a_sealed_segment_is_refused(
    tmp_path_factory: pytest.TempPathFactory, records: list[bytes], data: st.DataObject
) -> None:
    log_dir = tmp_path_factory.mktemp("log")
    write_log(log_dir, records, per_segment=len(records))  # the first segment is sealed
    sealed = list_segments(log_dir)[0]
    raw = bytearray(sealed.read_bytes())
    offset = data.draw(st.integers(0, len(raw) - 1), label="offset")
    bit = data.draw(st.integers(0, 7), label="bit")
    raw[offset] ^= 1 << bit
    sealed.write_bytes(bytes(raw))
    before = {p.name: p.read_bytes() for p in log_dir.iterdir()}
    with pytest.raises(LogCorrupt) as err:
        read_all(log_dir)
    assert sealed.name in str(err.value)
    assert err.value.offset >= 0
    assert {p.name: p.read_bytes() for p in log_dir.iterdir()} == before  # nothing rewritten


def test_damage_in_the_middle_of_the_last_segment_is_corruption_not_a_torn_tail(tmp_path: Path) -> None:
    write_log(tmp_path, [b"a" * 10, b"b" * 10, b"c" * 10])
    seg = list_segments(tmp_path)[-1]
    raw = bytearray(seg.read_bytes())
    raw[HEADER_SIZE + FRAME_SIZE + 2] ^= 0xFF  # inside the first record's payload
    seg.write_bytes(bytes(raw))
    with pytest.raises(LogCorrupt, match="valid records after it"):
        read_all(tmp_path)


@pytest.mark.parametrize("tail", [b"\x00" * 64, b"\x00" * 3, os.urandom(37), b"\xff\xff\xff\x7f" + b"x" * 10])
def test_zero_filled_and_garbage_tails_are_torn_tails(tmp_path: Path, tail: bytes) -> None:
    write_log(tmp_path, [b"one", b"two"])
    seg = list_segments(tmp_path)[-1]
    with seg.open("ab") as f:
        f.write(tail)
    assert read_all(tmp_path) == [b"one", b"two"]
    scan = scan_log(tmp_path)
    assert scan.torn_tail is not None and scan.torn_tail.size == len(tail)
    aside = repair_torn_tail(scan.torn_tail)
    assert aside.read_bytes() == tail
    assert seg.stat().st_size == scan.torn_tail.offset


def test_a_missing_segment_is_refused(tmp_path: Path) -> None:
    write_log(tmp_path, [b"r%d" % i for i in range(9)], per_segment=3)
    segs = list_segments(tmp_path)
    assert len(segs) >= 3
    segs[1].unlink()
    with pytest.raises(LogCorrupt, match="missing segment"):
        read_all(tmp_path)


def test_an_extra_segment_whose_name_disagrees_is_refused(tmp_path: Path) -> None:
    write_log(tmp_path, [b"a", b"b"])
    seg = list_segments(tmp_path)[0]
    (tmp_path / "00000000000000000099.seg").write_bytes(seg.read_bytes())
    with pytest.raises(LogCorrupt, match="name disagrees"):
        read_all(tmp_path)


def test_an_older_epoch_after_a_newer_one_is_refused(tmp_path: Path) -> None:
    w = SegmentWriter(tmp_path, epoch=5, next_seq=0)
    w.append(b"x")
    w.sync()
    w.close()
    w = SegmentWriter(tmp_path, epoch=4, next_seq=1)
    w.append(b"y")
    w.sync()
    w.close()
    with pytest.raises(LogCorrupt, match="epoch"):
        read_all(tmp_path)
