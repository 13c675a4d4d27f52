"""Looking at a lock must never take the job away from a writer that is starting: `status`,
`jobs` and `project` probe the LOCK with a momentary shared flock, and an `ingest` starting
at that instant used to be refused (exit 3) naming the last, possibly dead, holder."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from leadscout_es.errors import JobLocked
from leadscout_es.lock import JobLock, lock_holder


def test_a_concurrent_status_probe_never_makes_a_starting_writer_refuse(tmp_path: Path) -> None:
    path = tmp_path / "LOCK"
    path.write_text("pid=1 host=old since=then cmd=gone\n")
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            lock_holder(path)

    prober = threading.Thread(target=probe)
    prober.start()
    refused = 0
    try:
        for _ in range(500):
            try:
                JobLock(path).acquire("job").release()
            except JobLocked:
                refused += 1
    finally:
        stop.set()
        prober.join()
    assert refused == 0, f"{refused} of 500 starts refused by a mere status probe"


def test_a_real_holder_is_still_refused_at_once(tmp_path: Path) -> None:
    import time

    path = tmp_path / "LOCK"
    held = JobLock(path).acquire("job")
    try:
        t0 = time.monotonic()
        with pytest.raises(JobLocked, match="pid="):
            JobLock(path).acquire("job")
        assert time.monotonic() - t0 < 0.5
        assert lock_holder(path) is not None
    finally:
        held.release()
    assert lock_holder(path) is None
