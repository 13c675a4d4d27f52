"""The job lock: a non-blocking exclusive ``flock`` on ``jobs/<id>/LOCK``.

Kernel locks die with their process, so a SIGKILLed holder never blocks anyone. The file is
never deleted (deleting it would let two processes lock two different inodes); it holds a
line naming the current holder so a refused process can say who has the job.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from leadscout_es.errors import JobLocked, StorageError


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JobLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = -1

    def acquire(self, job_id: str) -> JobLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(
                f"cannot open the job lock {self.path}: {exc.strerror or exc}",
                "check that the LeadScout home is writable (see --home)",
            ) from exc
        if not _try_exclusive(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise _locked(job_id, holder) from None
        self._fd = fd
        line = (
            f"pid={os.getpid()} host={socket.gethostname()} since={utc_now()} "
            f"cmd={' '.join(sys.argv[:3])}\n"
        ).encode()
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, line, 0)
        except OSError:
            pass  # the holder line is informative only; the flock is what counts
        return self

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing drops the flock
            self._fd = -1

    def __enter__(self) -> JobLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_exclusive(fd: int) -> bool:
    """Take the exclusive flock without waiting for a writer, but ride out a reader's probe.

    :func:`lock_holder` (``status``, ``jobs``, ``project``...) holds a shared flock for a few
    microseconds; a starting writer that hit that instant would be refused, naming the last
    (possibly dead) holder. A real writer holds the lock for the whole job, so retrying for
    ~50 ms still refuses "at once" while making a probe collision vanishingly unlikely.
    """
    for attempt in range(_PROBE_RETRIES):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if attempt + 1 < _PROBE_RETRIES:
                time.sleep(0.002)
    return False


_PROBE_RETRIES = 25


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 512, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "holder unknown"


def _locked(job_id: str, holder: str) -> JobLocked:
    return JobLocked(
        f"job {job_id} is being worked by another process ({holder})",
        "wait for it to finish, or stop it (Ctrl-C) and run the same command again",
    )


def refuse_if_locked(path: Path, job_id: str) -> None:
    """Raise :class:`JobLocked` now if someone holds the job (a cheap early check; the
    authoritative one is :meth:`JobLock.acquire`)."""
    holder = lock_holder(path)
    if holder is not None:
        raise _locked(job_id, holder)


def lock_holder(path: Path) -> str | None:
    """Who holds the lock now, or None if nobody does. Never blocks, never takes it for long."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
