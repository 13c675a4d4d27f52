"""SIGKILL real `ingest` processes (random instants, every named kill point, kills inside
recovery up to 5 deep; csv, xlsx and parquet inputs) and check that resuming gives the
uninterrupted oracle's CSV view byte for byte, every row once, and reconciled counts."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.conftest import generate
from tests.crash.harness import (
    INGEST_KILL_SITES,
    damage_tail,
    finish,
    kill_at,
    mixed_campaign,
    oracle_csv,
    random_kills,
    recovery_chain,
    segments,
    verify_against_oracle,
)

SEED = int(os.environ.get("LEADSCOUT_TEST_SEED", "20261129"))
ROWS = 3000
ROLL = {"LEADSCOUT_SEGMENT_BYTES": "4096"}  # segments roll every few batches


@pytest.fixture(scope="module")
def leads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("in") / "leads.csv", ROWS, seed=SEED % 1000)


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory, leads: Path) -> bytes:
    return oracle_csv(tmp_path_factory.mktemp("oracle"), leads)


def test_random_sigkills_land_mid_run_and_resume_equals_the_uninterrupted_run(
    tmp_path: Path, leads: Path, oracle: bytes
) -> None:
    print(f"seed={SEED}")
    campaign = random_kills(tmp_path, leads, "job", kills=4, seed=SEED, window=(0.0, 0.04), **ROLL)
    print(campaign)
    assert campaign.kills >= 3, campaign
    assert campaign.mid_run == campaign.kills, campaign
    verify_against_oracle(tmp_path, "job", oracle, ROWS)


@pytest.mark.parametrize(
    ("site", "n"),
    [("after_append_before_fsync", 7), ("after_fsync_before_commit", 11), ("after_commit", 5),
     ("segment_roll", 2)],
)
def test_a_kill_at_each_named_point_then_resume_equals_the_oracle(
    tmp_path: Path, leads: Path, oracle: bytes, site: str, n: int
) -> None:
    code = kill_at(tmp_path, leads, "job", site, n, **ROLL)
    assert code == -9, f"the kill at {site}:{n} did not land"
    finish(tmp_path, leads, "job", **ROLL)
    verify_against_oracle(tmp_path, "job", oracle, ROWS)


def test_kills_inside_recovery_five_deep_converge_to_the_oracle(
    tmp_path: Path, leads: Path, oracle: bytes
) -> None:
    rng = random.Random(SEED)
    print(f"seed={SEED}")
    assert kill_at(tmp_path, leads, "job", "after_append_before_fsync", 9, **ROLL) == -9
    landed = recovery_chain(tmp_path, leads, "job", rng, depth=5, **ROLL)
    assert landed == 5, f"only {landed} of 5 kills inside recovery landed"
    broken = sorted(p.name for p in segments(tmp_path, "job")[-1].parent.glob("*.broken*"))
    assert broken, "recovery never copied a torn tail aside"
    finish(tmp_path, leads, "job", **ROLL)
    verify_against_oracle(tmp_path, "job", oracle, ROWS)


def test_a_small_mixed_campaign_of_kills_faults_and_torn_tails_equals_the_oracle(
    tmp_path: Path, leads: Path, oracle: bytes
) -> None:
    print(f"seed={SEED}")
    c = mixed_campaign(tmp_path, leads, oracle, ROWS, kills=6, seed=SEED, segment_bytes=4096)
    print(c)
    assert c.kills >= 6 and c.mid_run >= 5, c


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_xlsx_and_parquet_inputs_survive_kills_and_equal_their_oracle(tmp_path: Path, fmt: str) -> None:
    rows = 1500
    src = generate(tmp_path / f"leads.{fmt}", rows, fmt=fmt, seed=SEED % 1000)
    oracle = oracle_csv(tmp_path / "oracle", src)
    home = tmp_path / "home"
    assert kill_at(home, src, "job", "after_fsync_before_commit", 6, **ROLL) == -9
    assert kill_at(home, src, "job", "after_commit", 4, **ROLL) == -9
    damage_tail(home, "job", random.Random(SEED))
    c = random_kills(home, src, "job", kills=2, seed=SEED, window=(0.0, 0.1), **ROLL)
    print(f"seed={SEED} {c}")
    verify_against_oracle(home, "job", oracle, rows)


# -- the full campaign (CI skips it; `just test-all` runs it) -------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("site", INGEST_KILL_SITES[:4])
def test_every_named_kill_point_at_many_counts_equals_the_oracle(
    tmp_path: Path, leads: Path, oracle: bytes, site: str
) -> None:
    counts = (1, 2, 3) if site == "segment_roll" else (1, 2, 17, 40)
    for i, n in enumerate(counts):
        home = tmp_path / f"h{i}"
        assert kill_at(home, leads, "job", site, n, **ROLL) == -9, f"{site}:{n}"
        finish(home, leads, "job", **ROLL)
        verify_against_oracle(home, "job", oracle, ROWS)


@pytest.mark.slow
def test_the_full_mixed_campaign_of_sixty_kills_equals_the_oracle(tmp_path: Path) -> None:
    rows = 20_000
    src = generate(tmp_path / "leads.csv", rows, seed=SEED % 1000)
    oracle = oracle_csv(tmp_path / "oracle", src)
    print(f"seed={SEED}")
    c = mixed_campaign(tmp_path, src, oracle, rows, kills=60, seed=SEED, segment_bytes=16384)
    print(c)
    assert c.kills >= 60 and c.mid_run >= 57, c


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_xlsx_and_parquet_mixed_campaigns_equal_their_oracle(tmp_path: Path, fmt: str) -> None:
    rows = 5000
    src = generate(tmp_path / f"leads.{fmt}", rows, fmt=fmt, seed=SEED % 1000)
    oracle = oracle_csv(tmp_path / "oracle", src)
    c = mixed_campaign(tmp_path, src, oracle, rows, kills=15, seed=SEED, segment_bytes=4096)
    print(f"seed={SEED} {c}")
    assert c.kills >= 15, c
