"""Writer fencing: if another writer epoch takes over the log while an old writer is paused
(say the lock was lost on a network filesystem), the old writer stops at its next write,
fsync or roll, and the log stays readable and owned by the new writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadscout_es.errors import StorageError
from leadscout_es.log.segments import iter_records, scan_log
from leadscout_es.log.writer import SegmentWriter
from tests.crash.harness import snapshot


def records(log: Path) -> list[bytes]:
    return [bytes(p) for _seq, p in iter_records(log)]


def takeover(log: Path) -> SegmentWriter:
    scan = scan_log(log)
    return SegmentWriter(log, epoch=scan.last_epoch + 1, next_seq=scan.next_seq)


@pytest.mark.parametrize("old_writer_next_step", ["sync", "flush", "roll"])
def test_a_paused_old_writer_stops_without_touching_the_log_after_a_takeover(
    tmp_path: Path, old_writer_next_step: str
) -> None:
    log = tmp_path / "log"
    old = SegmentWriter(log, epoch=1, next_seq=0, roll_bytes=40)
    old.append(b"rows-1")
    old.sync()
    new = takeover(log)  # the old writer is "paused" here
    new.append(b"new-1")
    new.sync()
    before = snapshot(log)
    old.append(b"marker-1")
    with pytest.raises(StorageError, match="another writer has taken over"):
        if old_writer_next_step == "sync":
            old.sync()
        elif old_writer_next_step == "flush":
            old.flush()  # the commit marker is written by flush() alone
        else:
            old._pending.clear()
            old._pending_count = 0
            old.maybe_roll()
    with pytest.raises(StorageError):
        old.append(b"anything")
    old.close()
    assert snapshot(log) == before, "the fenced writer changed the log"
    new.append(b"new-2")
    new.sync()
    new.close()
    assert records(log) == [b"rows-1", b"new-1", b"new-2"]


def test_a_takeover_that_replaces_the_old_writers_segment_under_the_same_name_is_fenced(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log"
    old = SegmentWriter(log, epoch=1, next_seq=0)  # header only, no records yet
    new = takeover(log)  # same first seq: the new segment replaces the old file by rename
    new.append(b"new-1")
    new.sync()
    old.append(b"orphan")
    with pytest.raises(StorageError, match="taken over"):
        old.sync()  # would otherwise "succeed" into an unlinked inode
    old.close()
    new.close()
    assert records(log) == [b"new-1"]
