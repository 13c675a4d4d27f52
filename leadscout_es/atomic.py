"""Atomic file publish: write a temp file, fsync it, rename it over the target, fsync the directory.

A reader of ``final`` sees either the previous complete file or the new complete file, never
a half-written one, even if the process is killed or the machine loses power mid-write::

    with atomic_write_path(views / "leads.csv") as tmp:
        tmp.write_text(...)          # any writer that takes a path
    # here leads.csv is the new file, durable on disk

The temp file lives in the same directory as ``final`` (``os.replace`` is only atomic within
one filesystem) and is named ``.<final.name>.<pid>.tmp`` so it is hidden, never mistaken for a
finished file and never clashes with another process publishing the same name. On any
exception inside the block the temp file is removed and ``final`` is left untouched. A
SIGKILL can leave a temp file behind; :func:`remove_stale_temps` clears the ones whose
process is gone.

The fsync and the rename are ``fsync`` / ``rename`` seams of :mod:`leadscout_es.faults`, so
the ENOSPC/EIO campaigns reach every published file.

Every :class:`OSError` (ENOSPC, EIO, EACCES, ...) raised while writing, syncing or renaming is
translated into :class:`~leadscout_es.errors.StorageError` with a one-line message and a hint;
:func:`storage_error` does the same translation for other writers (segments, locks, ...).
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from leadscout_es import faults
from leadscout_es.errors import StorageError

_RETRY_HINT = "run the same command again; nothing already committed is lost"

_ERRNO_TEXT: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the device", "free some disk space and " + _RETRY_HINT),
    errno.EDQUOT: ("disk quota exceeded", "free some space under your quota and " + _RETRY_HINT),
    errno.EIO: (
        "the disk reported an I/O error",
        "check the disk (dmesg, SMART) or write elsewhere, then " + _RETRY_HINT,
    ),
    errno.EACCES: (
        "permission denied",
        "make the directory writable or choose another location (--out / --home)",
    ),
    errno.EPERM: (
        "operation not permitted",
        "make the directory writable or choose another location (--out / --home)",
    ),
    errno.EROFS: (
        "the filesystem is read-only",
        "choose a writable location (--out / --home)",
    ),
    errno.ENOENT: (
        "the directory does not exist",
        "create the directory or choose another location (--out / --home)",
    ),
}


def storage_error(exc: OSError, path: Path | str) -> StorageError:
    """Translate ``exc`` (raised while writing ``path``) into a one-line StorageError with a hint."""
    what, hint = _ERRNO_TEXT.get(
        exc.errno if exc.errno is not None else -1,
        (exc.strerror or str(exc) or type(exc).__name__, _RETRY_HINT),
    )
    return StorageError(f"cannot write {path}: {what}", hint)


def temp_path_for(final: Path) -> Path:
    """The temp file this process uses while publishing ``final``."""
    return final.with_name(f".{final.name}.{os.getpid()}.tmp")


def fsync_file(path: Path) -> None:
    """Flush ``path``'s data and metadata to stable storage."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make directory entries (new, renamed or removed files) in ``path`` durable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise storage_error(exc, path) from exc
    try:
        os.fsync(fd)
    except OSError as exc:
        # A few filesystems cannot fsync a directory at all; that is not a write failure.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise storage_error(exc, path) from exc
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write_path(final: Path | str, *, kill_site: str | None = None) -> Iterator[Path]:
    """Yield a temp path next to ``final``; on success publish it atomically as ``final``.

    ``kill_site``, if given, names a :func:`leadscout_es.faults.kill_point` called after the
    block has written everything and before the rename (for crash tests).
    """
    final = Path(final)
    tmp = temp_path_for(final)
    remove_stale_temps(final)  # leftovers of writers that were killed mid-write
    try:
        tmp.unlink(missing_ok=True)
        yield tmp
        faults.maybe_fail("fsync")
        fsync_file(tmp)
        if kill_site is not None:
            faults.kill_point(kill_site)
        faults.maybe_fail("rename")
        os.replace(tmp, final)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise storage_error(exc, final) from exc
        raise
    fsync_dir(final.parent)


def write_atomic(final: Path | str, data: bytes) -> Path:
    """Publish ``data`` as ``final`` atomically and durably; return the path."""
    final = Path(final)
    with atomic_write_path(final) as tmp:
        tmp.write_bytes(data)
    return final


def remove_stale_temps(final: Path | str) -> list[Path]:
    """Remove temp files for ``final`` left by processes that no longer exist; return them.

    Only names of the exact ``.<name>.<pid>.tmp`` shape are considered, and only when no
    process with that pid is alive (a live pid, even an unrelated one, keeps its file).
    """
    final = Path(final)
    prefix, removed = f".{final.name}.", []
    with contextlib.suppress(FileNotFoundError):
        for entry in final.parent.iterdir():
            middle = entry.name[len(prefix) : -len(".tmp")]
            if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
                continue
            if not middle.isdigit() or _pid_alive(int(middle)):
                continue
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed.append(entry)
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
