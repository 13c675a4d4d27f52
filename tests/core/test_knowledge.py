"""The knowledge log: many short appends share a segment, survive a torn tail, and fold."""

from __future__ import annotations

from pathlib import Path

from leadscout_es.events import LabelConfirmed
from leadscout_es.jobs import knowledge_log_dir
from leadscout_es.knowledge import append_knowledge, read_knowledge
from leadscout_es.log.segments import list_segments, scan_log
from leadscout_es.log.writer import SegmentWriter


def confirm(home: Path, name: str, label: str = "white") -> None:
    append_knowledge(home, [LabelConfirmed(name, label, "test")])


def test_many_short_appends_share_one_segment_and_all_fold(tmp_path: Path) -> None:
    for i in range(30):
        confirm(tmp_path, f"NAME {i}")
    log_dir = knowledge_log_dir(tmp_path)
    assert len(list_segments(log_dir)) == 1
    knowledge = read_knowledge(tmp_path)
    assert knowledge.seq == 30
    assert len(knowledge.confirmed) == 30


def test_an_append_after_a_torn_tail_repairs_it_first(tmp_path: Path) -> None:
    confirm(tmp_path, "A B")
    seg = list_segments(knowledge_log_dir(tmp_path))[-1]
    with seg.open("ab") as f:
        f.write(b"\x00" * 13)
    confirm(tmp_path, "C D")
    scan = scan_log(knowledge_log_dir(tmp_path))
    assert scan.torn_tail is None and scan.records == 2
    assert set(read_knowledge(tmp_path).confirmed) == {"A B", "C D"}


def test_a_full_segment_rolls_to_a_new_one(tmp_path: Path) -> None:
    log_dir = knowledge_log_dir(tmp_path)
    log_dir.mkdir(parents=True)
    writer = SegmentWriter(log_dir, epoch=1, next_seq=0, roll_bytes=64)
    writer.append(b"x" * 100)
    writer.sync()
    writer.close()
    confirm(tmp_path, "E F")
    assert len(list_segments(log_dir)) == 1  # the 64-byte limit is the default's, not this one's
    scan = scan_log(log_dir)
    full = SegmentWriter.continuing(log_dir, scan, roll_bytes=64)
    full.append(b"y")
    full.sync()
    full.close()
    assert len(list_segments(log_dir)) == 2
    assert scan_log(log_dir).records == 3


def test_knowledge_read_up_to_a_snapshot_ignores_later_records(tmp_path: Path) -> None:
    confirm(tmp_path, "G H", "white")
    snapshot = read_knowledge(tmp_path).seq
    confirm(tmp_path, "G H", "coloured")
    assert read_knowledge(tmp_path, snapshot).confirmed["G H"].label == "white"
    assert read_knowledge(tmp_path).confirmed["G H"].label == "coloured"
