"""ENOSPC and EIO on write, fsync and rename (LEADSCOUT_FAULT): a clean stop (exit 1, one
line with a hint, no traceback), nothing committed lost, resume gives the oracle; an fsync
error is never retried and trusted."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from leadscout_es import faults
from leadscout_es.errors import StorageError
from leadscout_es.log.writer import SegmentWriter
from tests.crash.harness import assert_clean_error, finish, ingest, run, verify_against_oracle
from tests.faults.conftest import ROLL, ROWS


def committed(home: Path) -> int:
    proc = run(home, "status", "job", "--json", check=False)
    if proc.returncode == 2 and "no job" in proc.stderr:
        return 0  # the fault struck before the first segment existed: nothing was written
    assert proc.returncode == 0, proc.stderr
    return int(json.loads(proc.stdout)["rows_done"])


@pytest.mark.parametrize(
    "spec",
    ["write:ENOSPC:6", "fsync:EIO:5", "rename:ENOSPC:3", "write:EIO:1",
     pytest.param("fsync:ENOSPC:2", marks=pytest.mark.slow),
     pytest.param("rename:EIO:1", marks=pytest.mark.slow)],
)
def test_an_injected_storage_error_stops_cleanly_and_resume_equals_the_oracle(
    tmp_path: Path, fault_leads: Path, fault_oracle: bytes, spec: str
) -> None:
    proc = ingest(tmp_path, fault_leads, "job", LEADSCOUT_FAULT=spec, **ROLL)
    line = assert_clean_error(proc, 1)
    assert "nothing committed was lost" in line or "committed" in line, line
    assert committed(tmp_path) < ROWS
    finish(tmp_path, fault_leads, "job", **ROLL)
    verify_against_oracle(tmp_path, "job", fault_oracle, ROWS)


def test_an_fsync_error_is_never_retried_and_trusted(tmp_path: Path, fault_leads: Path) -> None:
    # Only the 4th fsync fails (segment header, job_started, batch 1, batch 2): a writer that
    # retried would succeed the second time and carry on. It must stop instead.
    proc = ingest(tmp_path, fault_leads, "job", LEADSCOUT_FAULT="fsync:EIO:4:1")
    assert_clean_error(proc, 1)
    assert "fsync" in proc.stderr
    assert committed(tmp_path) == 50, "rows whose fsync failed were counted as committed"


def test_a_poisoned_writer_refuses_every_later_write_even_when_the_disk_recovers(tmp_path: Path) -> None:
    faults.configure(fault="fsync:EIO:2:1")  # header fsync ok, the first record's fsync fails
    try:
        w = SegmentWriter(tmp_path, epoch=1, next_seq=0)
        w.append(b"first")
        with pytest.raises(StorageError):
            w.sync()
        size = w.segment.stat().st_size if w.segment else 0
        with pytest.raises(StorageError):
            w.append(b"second")
        with pytest.raises(StorageError):
            w.sync()
        w.close()
        assert w.segment is not None and w.segment.stat().st_size == size
    finally:
        faults.configure()


def test_a_projection_storage_error_leaves_the_old_view_and_no_temp_file(
    tmp_path: Path, finished_home: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(finished_home, home)
    out = tmp_path / "view.csv"
    run(home, "project", "job", "--to", "csv", "--out", str(out))
    old = out.read_bytes()
    for spec in ("rename:ENOSPC:1", "fsync:EIO:1"):
        proc = run(home, "project", "job", "--to", "csv", "--out", str(out), check=False,
                   LEADSCOUT_FAULT=spec)
        assert_clean_error(proc, 1)
        assert out.read_bytes() == old
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# -- a real full disk -----------------------------------------------------------------------------
@pytest.fixture
def tiny_fs(tmp_path: Path):  # type: ignore[no-untyped-def]
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a 2 MiB tmpfs needs root; the injected-ENOSPC tests cover the path")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({res.stderr.strip()}); injected ENOSPC covers it")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_a_real_full_disk_stops_cleanly_and_resume_after_freeing_space_equals_the_oracle(
    tmp_path: Path, tiny_fs: Path, fault_leads: Path, fault_oracle: bytes
) -> None:
    home = tiny_fs / "home"
    home.mkdir()
    filler = tiny_fs / "filler"
    # Leave ~60 KiB free: the job needs ~150 KiB of log.
    with filler.open("wb") as f, contextlib.suppress(OSError):
        f.write(b"x" * (2 * 1024 * 1024 - 60 * 1024))
    proc = ingest(home, fault_leads, "job")
    line = assert_clean_error(proc, 1)
    print(line)
    assert "space" in line or "full" in line, line
    filler.unlink()
    finish(home, fault_leads, "job")
    verify_against_oracle(home, "job", fault_oracle, ROWS)
