"""Power loss (not just SIGKILL): only what was fsynced survives. The writer must fsync a
segment before it starts the next one, or a lost tail in a sealed segment turns a power cut
into a refused (corrupt) log. Modelled in process: every fsync records the file's durable
bytes; at each roll we build the image a power cut would leave and read it back."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from leadscout_es.events import BatchCommitted, JobStarted, RowRejected, encode_record
from leadscout_es.log.segments import scan_log
from leadscout_es.log.writer import SegmentWriter
from leadscout_es.replay import replay_log


def test_a_power_cut_right_after_a_segment_roll_leaves_a_readable_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log"
    durable: dict[str, bytes] = {}
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        real_fsync(fd)
        path = os.readlink(f"/proc/self/fd/{fd}")
        if path.endswith((".seg", ".seg.tmp")):
            durable[path.removesuffix(".tmp")] = Path(path).read_bytes()

    monkeypatch.setattr(os, "fsync", recording_fsync)

    def power_cut_image(n: int) -> Path:
        image = tmp_path / f"image-{n}"
        image.mkdir()
        for seg in sorted(log.glob("*.seg")):
            (image / seg.name).write_bytes(durable.get(str(seg), b""))
        return image

    w = SegmentWriter(log, epoch=1, next_seq=0, roll_bytes=300)
    started = JobStarted("j", "t", "in.csv", 1, "0" * 64, "csv", "", ["a"], "a", None, 10, {}, "v")
    w.append(encode_record([started]))
    w.sync()
    segments_seen = 1
    for batch in range(12):  # the ingest loop: rows -> sync -> marker -> flush -> maybe roll
        first = batch * 10
        w.append(encode_record([RowRejected(first + i, "x" * 20) for i in range(10)]))
        w.sync()
        w.append(encode_record([BatchCommitted(first, first + 10)]))
        w.flush()
        w.maybe_roll()
        segs = len(list(log.glob("*.seg")))
        if segs > segments_seen:
            segments_seen = segs
            image = power_cut_image(batch)
            scan_log(image)  # raises LogCorrupt if a sealed segment lost its tail
            state = replay_log(image)
            assert state.next_row >= first, (batch, state.next_row)
            shutil.rmtree(image)
    w.close()
    assert segments_seen >= 3
