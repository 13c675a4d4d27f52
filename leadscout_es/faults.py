"""Fault-injection seams for the crash and fault campaigns (docs/reliability.md).

Two environment variables, read once at import (and settable in-process with
:func:`configure`), cost one comparison each when unset:

``LEADSCOUT_KILL_AT=<site>:<n>``
    SIGKILL this process on the n-th time (1-based) execution reaches ``kill_point(site)``.
    Sites: ``after_append_before_fsync``, ``after_fsync_before_commit``, ``after_commit``,
    ``segment_roll``, ``recovery``, ``projection_write``, ``llm_between_request_and_completion``.

``LEADSCOUT_FAULT=<op>:<errno>:<n>[:<count>]``
    Make the n-th call of storage operation ``op`` (``write``, ``fsync``, ``rename``) fail
    with ``OSError(errno)`` (``ENOSPC``, ``EIO``, ...), and the ``count - 1`` calls after it
    (default: every later call fails too, like a full disk that stays full).
"""

from __future__ import annotations

import errno as errno_mod
import os
import signal

KILL_SITES: tuple[str, ...] = (
    "after_append_before_fsync",
    "after_fsync_before_commit",
    "after_commit",
    "segment_roll",
    "recovery",
    "projection_write",
    "llm_between_request_and_completion",
)

_kill_site: str | None = None
_kill_n = 0
_kill_seen = 0

_fault_op: str | None = None
_fault_errno = 0
_fault_n = 0
_fault_count = 0
_fault_seen = 0


def configure(kill_at: str | None = None, fault: str | None = None) -> None:
    """(Re)arm the seams from spec strings; ``None`` disarms."""
    global _kill_site, _kill_n, _kill_seen, _fault_op, _fault_errno, _fault_n, _fault_count
    global _fault_seen
    _kill_site, _kill_n, _kill_seen = None, 0, 0
    _fault_op, _fault_errno, _fault_n, _fault_count, _fault_seen = None, 0, 0, 0, 0
    if kill_at:
        site, _, n = kill_at.rpartition(":")
        if site not in KILL_SITES or not n.isdigit():
            raise ValueError(f"bad LEADSCOUT_KILL_AT {kill_at!r}: expected <site>:<n>")
        _kill_site, _kill_n = site, int(n)
    if fault:
        parts = fault.split(":")
        if len(parts) not in (3, 4) or not hasattr(errno_mod, parts[1]):
            raise ValueError(f"bad LEADSCOUT_FAULT {fault!r}: expected <op>:<ERRNO>:<n>[:<count>]")
        _fault_op = parts[0]
        _fault_errno = int(getattr(errno_mod, parts[1]))
        _fault_n = int(parts[2])
        _fault_count = int(parts[3]) if len(parts) == 4 else 1 << 62


def kill_point(site: str) -> None:
    """SIGKILL the process here if ``LEADSCOUT_KILL_AT`` names this site and count."""
    global _kill_seen
    if _kill_site != site:
        return
    _kill_seen += 1
    if _kill_seen == _kill_n:
        os.kill(os.getpid(), signal.SIGKILL)


def maybe_fail(op: str) -> None:
    """Raise the configured ``OSError`` if ``LEADSCOUT_FAULT`` targets this call of ``op``."""
    global _fault_seen
    if _fault_op != op:
        return
    _fault_seen += 1
    if _fault_n <= _fault_seen < _fault_n + _fault_count:
        raise OSError(_fault_errno, os.strerror(_fault_errno))


configure(os.environ.get("LEADSCOUT_KILL_AT"), os.environ.get("LEADSCOUT_FAULT"))
