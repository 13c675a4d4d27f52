"""SIGKILL real ingest processes and check that resuming gives the oracle's output exactly."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.conftest import generate
from tests.crash.harness import finish, kill_at, project_csv, random_kills, run

SEED = int(os.environ.get("LEADSCOUT_TEST_SEED", "20261129"))


@pytest.fixture(scope="module")
def leads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("in") / "leads.csv", 20_000)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory, leads: Path) -> bytes:
    home = tmp_path_factory.mktemp("oracle")
    finish(home, leads, "oracle")
    return project_csv(home, "oracle", home / "oracle.csv")


def assert_matches_oracle(home: Path, job_id: str, oracle: bytes, rows: int) -> None:
    got = project_csv(home, job_id, home / f"{job_id}.csv")
    assert got == oracle
    table = list(csv.DictReader(io.StringIO(got.decode("utf-8"))))
    assert [int(r["source_row"]) for r in table] == list(range(rows))
    status = run(home, "status", job_id, "--json").stdout
    assert '"status":"completed"' in status


def test_random_sigkills_then_resume_equal_the_uninterrupted_run(tmp_path: Path, leads: Path, oracle: bytes) -> None:
    print(f"seed={SEED}")
    campaign = random_kills(tmp_path, leads, "job", kills=5, seed=SEED)
    assert campaign.mid_run >= 3, campaign
    assert_matches_oracle(tmp_path, "job", oracle, 20_000)


@pytest.mark.parametrize(
    ("site", "n"),
    [("after_append_before_fsync", 7), ("after_fsync_before_commit", 11), ("after_commit", 5),
     ("segment_roll", 1)],
)
def test_a_kill_at_a_named_point_then_resume_equals_the_oracle(
    tmp_path: Path, leads: Path, oracle: bytes, site: str, n: int
) -> None:
    code = kill_at(tmp_path, leads, "job", site, n)
    assert code == -9, f"the kill at {site}:{n} did not land"
    finish(tmp_path, leads, "job")
    assert_matches_oracle(tmp_path, "job", oracle, 20_000)
