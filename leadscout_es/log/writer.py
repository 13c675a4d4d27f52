"""The single writer of a log directory (the caller must hold the job's LOCK).

Each writer session starts a fresh segment whose header carries the writer epoch (one more
than any epoch already in the log), so a stale, paused writer can be told apart and fenced.
Records are buffered in memory and reach the file on :meth:`SegmentWriter.sync`, which
writes them with one ``write`` and then ``fsync``s. Any write or fsync error poisons the
writer: an fsync failure is never retried and trusted (the page cache may have dropped the
data), the caller stops, and the next run recovers from what is durable.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from leadscout_es import faults
from leadscout_es.errors import StorageError
from leadscout_es.log.framing import encode_frame, encode_header
from leadscout_es.log.segments import LogScan, fsync_dir, list_segments, segment_name

DEFAULT_ROLL_BYTES = 16 * 1024 * 1024


def storage_error(action: str, exc: OSError) -> StorageError:
    """Translate an OSError from the disk into a StorageError with a hint."""
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        hint = "the disk is full: free some space, then run the same command again to resume"
    elif exc.errno == errno.EIO:
        hint = "the disk reported an I/O error: check it, then run the same command to resume"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "the job directory is not writable: fix permissions or use --home"
    else:
        hint = "run the same command again to resume; committed work is safe"
    return StorageError(f"{action} failed: {exc.strerror or exc} (nothing committed was lost)", hint)


class SegmentWriter:
    def __init__(
        self, log_dir: Path, *, epoch: int, next_seq: int, roll_bytes: int = DEFAULT_ROLL_BYTES
    ) -> None:
        self.log_dir = log_dir
        self.epoch = epoch
        self.next_seq = next_seq
        self.roll_bytes = roll_bytes
        self._pending: list[bytes] = []
        self._pending_count = 0
        self._fd = -1
        self._size = 0
        self._segment: Path | None = None
        self._dir_mtime = 0
        self._poisoned: StorageError | None = None
        self._open_segment()

    @classmethod
    def continuing(cls, log_dir: Path, scan: LogScan, roll_bytes: int = DEFAULT_ROLL_BYTES) -> SegmentWriter:
        """A writer that appends to the log's last segment while it is under the size limit.

        For logs written in many short, lock-held sessions (the knowledge log), so that each
        session does not leave a segment of its own. ``scan`` must be a complete scan of the
        log taken under the same lock, with any torn tail already repaired.
        """
        if scan.torn_tail is not None and not scan.repaired:
            raise ValueError("repair the torn tail before continuing the last segment")
        segments = list_segments(log_dir)
        last = segments[-1] if segments else None
        if last is None or last.stat().st_size >= roll_bytes:
            return cls(log_dir, epoch=scan.last_epoch + 1, next_seq=scan.next_seq, roll_bytes=roll_bytes)
        writer = cls.__new__(cls)
        writer.log_dir, writer.epoch, writer.next_seq = log_dir, scan.last_epoch, scan.next_seq
        writer.roll_bytes = roll_bytes
        writer._pending, writer._pending_count = [], 0
        writer._poisoned = None
        try:
            writer._fd = os.open(last, os.O_WRONLY | os.O_APPEND)
            writer._size = os.fstat(writer._fd).st_size
        except OSError as exc:
            raise storage_error("opening the last log segment", exc) from exc
        writer._segment = last
        writer._dir_mtime = os.stat(log_dir).st_mtime_ns
        return writer

    # -- segment management -------------------------------------------------------------
    def _open_segment(self) -> None:
        first_seq = self.next_seq
        final = self.log_dir / segment_name(first_seq)
        tmp = self.log_dir / (final.name + ".tmp")
        try:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            header = encode_header(self.epoch, first_seq)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                faults.maybe_fail("write")
                os.write(fd, header)
                faults.maybe_fail("fsync")
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                raise
            faults.kill_point("segment_roll")
            faults.maybe_fail("rename")
            os.replace(tmp, final)
            fsync_dir(self.log_dir)
        except OSError as exc:
            raise self._poison(storage_error("creating a log segment", exc)) from exc
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = fd
        self._segment = final
        self._size = len(header)
        self._dir_mtime = os.stat(self.log_dir).st_mtime_ns

    @property
    def segment(self) -> Path | None:
        return self._segment

    def _poison(self, err: StorageError) -> StorageError:
        self._poisoned = err
        return err

    def _check_usable(self) -> None:
        if self._poisoned is not None:
            raise self._poisoned

    def _check_fence(self) -> None:
        """Refuse to write if another writer has started a newer segment (stale writer), or
        has replaced our segment file under the same name (our fd then writes to an orphan)."""
        mtime = os.stat(self.log_dir).st_mtime_ns
        if mtime == self._dir_mtime:
            return
        segments = list_segments(self.log_dir)
        newer = bool(segments) and self._segment is not None and segments[-1].name > self._segment.name
        if not newer and self._segment is not None:
            try:
                newer = os.stat(self._segment).st_ino != os.fstat(self._fd).st_ino
            except FileNotFoundError:
                newer = True
        if newer:
            raise self._poison(
                StorageError(
                    "another writer has taken over this job's log; stopping without writing",
                    "check for another leadscout-es process on this job",
                )
            )
        self._dir_mtime = mtime

    # -- appending ----------------------------------------------------------------------
    def append(self, payload: bytes) -> int:
        """Buffer one record; it reaches the disk at the next :meth:`sync`. Returns its seq."""
        self._check_usable()
        self._pending.append(encode_frame(payload))
        seq = self.next_seq + self._pending_count
        self._pending_count += 1
        return seq

    def flush(self) -> None:
        """Write buffered records to the file (no fsync)."""
        self._check_usable()
        if not self._pending:
            return
        self._check_fence()  # the commit marker goes out by flush() alone: fence it too
        data = b"".join(self._pending)
        self._pending.clear()
        count, self._pending_count = self._pending_count, 0
        try:
            faults.maybe_fail("write")
            view = memoryview(data)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as exc:
            raise self._poison(storage_error("writing to the job log", exc)) from exc
        self._size += len(data)
        self.next_seq += count

    def sync(self) -> None:
        """Write buffered records and fsync: everything appended so far is durable."""
        self._check_usable()
        self._check_fence()
        self.flush()
        faults.kill_point("after_append_before_fsync")
        try:
            faults.maybe_fail("fsync")
            os.fsync(self._fd)
        except OSError as exc:
            raise self._poison(storage_error("fsync of the job log", exc)) from exc

    def maybe_roll(self) -> None:
        """Start a new segment if the current one is over the size limit (call after sync)."""
        if self._size >= self.roll_bytes and not self._pending:
            self._check_usable()
            self._check_fence()
            # Seal: the last marker went out by flush() only. Without this fsync a power cut
            # could lose it while the next segment survives: a gap in a sealed segment, i.e.
            # a log refused as corrupt instead of a torn tail.
            try:
                faults.maybe_fail("fsync")
                os.fsync(self._fd)
            except OSError as exc:
                raise self._poison(storage_error("fsync of the job log", exc)) from exc
            self._open_segment()

    def close(self) -> None:
        """Sync what is buffered (if the writer is healthy) and close the file."""
        try:
            if self._poisoned is None and self._pending:
                self.sync()
        finally:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

