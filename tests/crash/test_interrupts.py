"""SIGTERM / SIGINT stop `ingest` at a batch boundary (exit 143 / 130), commit, and the
resumed job equals the uninterrupted oracle."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.conftest import generate
from tests.crash.harness import (
    finish,
    oracle_csv,
    start_ingest,
    verify_against_oracle,
    wait_until_writing,
)


@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 143), pytest.param(signal.SIGINT, 130, marks=pytest.mark.slow)]
)
def test_a_signal_stops_ingest_at_a_batch_boundary_and_resume_equals_the_oracle(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    rows = 1500
    src = generate(tmp_path / "leads.csv", rows, seed=9)
    oracle = oracle_csv(tmp_path / "oracle", src, batch_size=5)
    home = tmp_path / "home"
    proc = start_ingest(home, src, "job", "--batch-size", "5")
    assert wait_until_writing(proc, home, "job", 1000)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err.decode()
    finish(home, src, "job", batch_size=5)
    verify_against_oracle(home, "job", oracle, rows)
