"""The classifier worker process (used for large inputs) changes nothing but speed.

Its outcomes equal the inline classifier's byte for byte, a SIGKILLed runner takes its
worker down with it (the orphan never holds the job), and a worker that dies is a clean
stop that a re-run resumes.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from tests.conftest import generate
from tests.crash.harness import (
    finish,
    ingest,
    oracle_csv,
    start_ingest,
    verify_against_oracle,
    wait_until_holding,
    wait_until_writing,
)

ROWS = 6000
WORKER = {"LEADSCOUT_CLASSIFIER_WORKER": "1"}
SEED = int(os.environ.get("LEADSCOUT_TEST_SEED", "20261129"))


@pytest.fixture(scope="module")
def leads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("in") / "leads.csv", ROWS, seed=11)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory, leads: Path) -> bytes:
    return oracle_csv(tmp_path_factory.mktemp("oracle"), leads)  # inline classifier


def children_of(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_worker_gives_byte_identical_views(tmp_path: Path, leads: Path, oracle: bytes) -> None:
    finish(tmp_path, leads, "job", **WORKER)
    verify_against_oracle(tmp_path, "job", oracle, ROWS)


def test_a_sigkilled_runner_takes_its_worker_down_and_the_resume_equals_the_oracle(
    tmp_path: Path, leads: Path, oracle: bytes
) -> None:
    rng = random.Random(SEED)
    print(f"seed={SEED}")
    landed = 0
    for _ in range(3):
        proc = start_ingest(tmp_path, leads, "job", "--batch-size", "20", **WORKER)
        if not wait_until_holding(proc, tmp_path, "job") or not wait_until_writing(proc, tmp_path, "job", 0):
            proc.wait(60)
            break
        time.sleep(rng.uniform(0.05, 0.3))
        workers = children_of(proc.pid)
        if proc.poll() is not None:
            break
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        landed += 1
        deadline = time.monotonic() + 5
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not any(alive(w) for w in workers), "an orphaned classifier worker outlived its runner"
    assert landed >= 1
    finish(tmp_path, leads, "job", batch_size=20, **WORKER)
    verify_against_oracle(tmp_path, "job", oracle, ROWS)


def test_a_dead_worker_is_a_clean_stop_and_the_rerun_resumes(tmp_path: Path, leads: Path, oracle: bytes) -> None:
    proc = start_ingest(tmp_path, leads, "job", "--batch-size", "20", **WORKER)
    assert wait_until_writing(proc, tmp_path, "job", 0)
    workers = []
    deadline = time.monotonic() + 10
    while not workers and time.monotonic() < deadline:
        workers = children_of(proc.pid)
    for w in workers:
        os.kill(w, signal.SIGKILL)
    _out, err = proc.communicate(timeout=60)
    print(f"killed {len(workers)} worker(s); runner exit {proc.returncode}")
    if proc.returncode != 0:  # it may have finished before the kill landed
        assert proc.returncode == 1, err
        line = err.decode().strip().splitlines()[-1]
        assert line.startswith("error: a classifier worker process stopped") and "hint:" in line
        assert "Traceback" not in err.decode()
    result = ingest(tmp_path, leads, "job", batch_size=20, **WORKER)
    assert result.returncode == 0, result.stderr
    verify_against_oracle(tmp_path, "job", oracle, ROWS)


def test_two_workers_deal_batches_round_robin_and_collect_them_in_order(
    tmp_path: Path, leads: Path, oracle: bytes
) -> None:
    finish(tmp_path, leads, "job", batch_size=7, LEADSCOUT_CLASSIFIER_WORKER="2")
    verify_against_oracle(tmp_path, "job", oracle, ROWS)
