"""A small real job (made by the real CLI) shared by the storage-fault tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import generate
from tests.crash.harness import finish, oracle_csv

SEED = int(os.environ.get("LEADSCOUT_TEST_SEED", "20261129"))
ROWS = 600
ROLL = {"LEADSCOUT_SEGMENT_BYTES": "4096"}


@pytest.fixture(scope="session")
def fault_leads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("fault-in") / "leads.csv", ROWS, seed=SEED % 1000)


@pytest.fixture(scope="session")
def fault_oracle(tmp_path_factory: pytest.TempPathFactory, fault_leads: Path) -> bytes:
    return oracle_csv(tmp_path_factory.mktemp("fault-oracle"), fault_leads)


@pytest.fixture(scope="session")
def finished_home(tmp_path_factory: pytest.TempPathFactory, fault_leads: Path) -> Path:
    """A completed job `job` over several 4 KiB segments (pristine: copy it, never touch it)."""
    home = tmp_path_factory.mktemp("fault-done") / "home"
    finish(home, fault_leads, "job", **ROLL)
    return home


@pytest.fixture(scope="session")
def finished_home_one_segment(tmp_path_factory: pytest.TempPathFactory, fault_leads: Path) -> Path:
    """A completed job `job` in one segment: its last records are rows, marker, completion."""
    home = tmp_path_factory.mktemp("fault-done-1") / "home"
    finish(home, fault_leads, "job")
    return home


@pytest.fixture
def done_home(tmp_path: Path, finished_home: Path) -> Path:
    """A private copy of the many-segment job."""
    home = tmp_path / "home"
    shutil.copytree(finished_home, home)
    return home


@pytest.fixture
def tail_home(tmp_path: Path, finished_home_one_segment: Path) -> Path:
    """A private copy of the one-segment job."""
    home = tmp_path / "home"
    shutil.copytree(finished_home_one_segment, home)
    return home
