"""Reading a log directory: list segments, verify them in order, recover a torn tail.

Rules (DESIGN.md "Log format"):

- Damage (short read, bad checksum, zero fill) at the END of the LAST segment, with no
  verifying record after it, is a torn tail: readers stop there; recovery (only by the lock
  holder) copies the cut bytes to ``<segment>.broken`` and truncates.
- The same damage anywhere else, a bad header, a gap in the sequence numbers, a segment
  whose name disagrees with its header, or epochs going backwards is corruption:
  :class:`~leadscout_es.errors.LogCorrupt` with segment and offset, and nothing changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from leadscout_es import faults
from leadscout_es.errors import LogCorrupt, StorageError
from leadscout_es.log.framing import (
    HEADER_SIZE,
    Damage,
    HeaderError,
    SegmentHeader,
    decode_header,
    find_valid_frame,
    iter_frames,
)

SEGMENT_SUFFIX = ".seg"
_HINT_CORRUPT = (
    "the job log is damaged before its end; restore the job directory from a backup, "
    "or start over with --fresh (the damaged log is kept)"
)


def segment_name(first_seq: int) -> str:
    return f"{first_seq:020d}{SEGMENT_SUFFIX}"


def list_segments(log_dir: Path) -> list[Path]:
    """Segment files in log order (names are zero-padded first seqs)."""
    try:
        names = os.listdir(log_dir)
    except FileNotFoundError:
        return []
    segs = [n for n in names if n.endswith(SEGMENT_SUFFIX) and n[:-4].isdigit() and len(n) == 24]
    return [log_dir / n for n in sorted(segs)]


@dataclass(slots=True)
class TornTail:
    segment: Path
    offset: int
    size: int
    reason: str


@dataclass(slots=True)
class LogScan:
    """Summary of a verified read: where the log ends and what was found on the way."""

    segments: int = 0
    records: int = 0
    next_seq: int = 0
    last_epoch: int = 0
    torn_tail: TornTail | None = None
    repaired: bool = False
    findings: list[str] = field(default_factory=list)


def _corrupt(path: Path, offset: int, what: str) -> LogCorrupt:
    return LogCorrupt(
        f"log corrupt: {path.name} at byte {offset}: {what}",
        _HINT_CORRUPT,
        segment=str(path),
        offset=offset,
    )


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageError(
            f"cannot read {path}: {exc.strerror or exc}", "check the disk and permissions"
        ) from exc


def iter_records(log_dir: Path, scan: LogScan | None = None) -> Iterator[tuple[int, memoryview]]:
    """Yield ``(seq, payload)`` for every verified record, in log order.

    A torn tail of the last segment ends the iteration (recorded in ``scan.torn_tail``);
    any other damage raises :class:`LogCorrupt` before a single later record is yielded
    from the damaged segment.
    """
    scan = scan if scan is not None else LogScan()
    segments = list_segments(log_dir)
    scan.segments = len(segments)
    expected_seq = 0  # the first segment must start at seq 0: a lost first segment is corruption
    for index, path in enumerate(segments):
        is_last = index == len(segments) - 1
        data = _read_file(path)
        try:
            header: SegmentHeader = decode_header(data[:HEADER_SIZE])
        except HeaderError as exc:
            raise _corrupt(path, 0, f"bad segment header ({exc})") from None
        if segment_name(header.first_seq) != path.name:
            raise _corrupt(path, 0, f"header says first seq {header.first_seq}, name disagrees")
        if header.first_seq != expected_seq:
            what = "missing segment" if header.first_seq > expected_seq else "overlapping segment"
            raise _corrupt(path, 0, f"{what}: expected first seq {expected_seq}")
        if header.epoch < scan.last_epoch:
            raise _corrupt(path, 0, f"writer epoch {header.epoch} after epoch {scan.last_epoch}")
        scan.last_epoch = header.epoch
        payloads, _end, damage = iter_frames(data, HEADER_SIZE)
        if damage is not None:
            _classify_damage(path, data, damage, is_last, scan)
        seq = header.first_seq
        for payload in payloads:
            yield seq, payload
            seq += 1
        scan.records += len(payloads)
        expected_seq = seq
        scan.next_seq = seq
        del data


def _classify_damage(path: Path, data: bytes, damage: Damage, is_last: bool, scan: LogScan) -> None:
    if not is_last:
        raise _corrupt(path, damage.offset, f"{damage.reason} in a sealed segment")
    later = find_valid_frame(data, damage.offset + 1)
    if later >= 0:
        raise _corrupt(
            path, damage.offset, f"{damage.reason}, with valid records after it (at byte {later})"
        )
    scan.torn_tail = TornTail(path, damage.offset, len(data) - damage.offset, damage.reason)


def scan_log(log_dir: Path) -> LogScan:
    """Verify the whole log without decoding payloads."""
    scan = LogScan()
    for _ in iter_records(log_dir, scan):
        pass
    return scan


def repair_torn_tail(torn: TornTail) -> Path:
    """Copy the torn bytes aside to ``<segment>.broken[.N]``, then truncate. Lock holder only."""
    path = torn.segment
    target = path.with_name(path.name + ".broken")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.broken.{n}")
        n += 1
    try:
        with path.open("rb") as src:
            src.seek(torn.offset)
            cut = src.read()
        with target.open("wb") as out:
            out.write(cut)
            out.flush()
            os.fsync(out.fileno())
        faults.kill_point("recovery")
        fd = os.open(path, os.O_RDWR)
        try:
            os.ftruncate(fd, torn.offset)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(path.parent)
    except OSError as exc:
        raise StorageError(
            f"cannot repair the torn tail of {path.name}: {exc.strerror or exc}",
            "free some disk space or fix permissions, then run the same command again",
        ) from exc
    return target


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
