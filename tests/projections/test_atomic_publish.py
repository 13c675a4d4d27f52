"""Atomic publish: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from leadscout_es import atomic, faults
from leadscout_es.atomic import (
    atomic_write_path,
    fsync_dir,
    remove_stale_temps,
    storage_error,
    temp_path_for,
    write_atomic,
)
from leadscout_es.errors import StorageError


def test_the_temp_file_is_hidden_in_the_same_directory_and_names_the_pid(tmp_path: Path) -> None:
    final = tmp_path / "leads.csv"
    with atomic_write_path(final) as tmp:
        assert tmp == tmp_path / f".leads.csv.{os.getpid()}.tmp"
        tmp.write_text("new")
        assert not final.exists()
    assert final.read_text() == "new"
    assert not tmp.exists()


def test_an_exception_in_the_block_removes_the_temp_file_and_keeps_the_old_one(
    tmp_path: Path,
) -> None:
    final = write_atomic(tmp_path / "v.bin", b"old")
    with pytest.raises(KeyError), atomic_write_path(final) as tmp:
        tmp.write_bytes(b"half")
        raise KeyError("boom")
    assert final.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [final]


@pytest.mark.parametrize(
    ("code", "words", "hint"),
    [
        (errno.ENOSPC, "no space left", "free some disk space"),
        (errno.EIO, "I/O error", "check the disk"),
        (errno.EACCES, "permission denied", "writable"),
    ],
)
def test_os_errors_become_one_line_storage_errors_with_a_hint(
    tmp_path: Path, code: int, words: str, hint: str
) -> None:
    final = write_atomic(tmp_path / "v.bin", b"old")
    with pytest.raises(StorageError) as caught, atomic_write_path(final) as tmp:
        tmp.write_bytes(b"x")
        raise OSError(code, os.strerror(code))
    assert words in caught.value.message and str(final) in caught.value.message
    assert hint in caught.value.hint and "\n" not in caught.value.message
    assert isinstance(caught.value.__cause__, OSError)
    assert final.read_bytes() == b"old" and list(tmp_path.iterdir()) == [final]


def test_an_fsync_failure_before_the_rename_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = write_atomic(tmp_path / "v.bin", b"old")

    def failing_fsync(path: Path) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(atomic, "fsync_file", failing_fsync)
    with pytest.raises(StorageError, match="I/O error"):
        write_atomic(final, b"new")
    assert final.read_bytes() == b"old" and list(tmp_path.iterdir()) == [final]


def test_an_unknown_errno_still_gives_a_message_and_hint() -> None:
    error = storage_error(OSError(errno.EMFILE, "Too many open files"), "/x/y")
    assert error.message == "cannot write /x/y: Too many open files" and error.hint


def test_a_stale_temp_file_of_this_pid_is_replaced(tmp_path: Path) -> None:
    final = tmp_path / "v.bin"
    temp_path_for(final).write_bytes(b"left over by a killed run")
    write_atomic(final, b"new")
    assert final.read_bytes() == b"new" and list(tmp_path.iterdir()) == [final]


def test_stale_temps_of_dead_processes_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    final = tmp_path / "v.bin"
    dead = tmp_path / ".v.bin.999999999.tmp"
    live = temp_path_for(final)
    other = tmp_path / ".w.bin.999999999.tmp"
    for path in (dead, live, other):
        path.write_bytes(b"x")
    assert remove_stale_temps(final) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])


def test_fsync_dir_of_a_missing_directory_is_a_storage_error(tmp_path: Path) -> None:
    fsync_dir(tmp_path)
    with pytest.raises(StorageError):
        fsync_dir(tmp_path / "missing")


@pytest.mark.parametrize("op", ["fsync", "rename"])
def test_injected_storage_faults_publish_nothing(tmp_path: Path, op: str) -> None:
    final = write_atomic(tmp_path / "v.bin", b"old")
    faults.configure(fault=f"{op}:ENOSPC:1")
    try:
        with pytest.raises(StorageError, match="no space left"):
            write_atomic(final, b"new")
    finally:
        faults.configure()
    assert final.read_bytes() == b"old" and list(tmp_path.iterdir()) == [final]
