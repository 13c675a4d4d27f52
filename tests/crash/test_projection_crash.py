"""Views are pure functions of the log: rebuilding one three times gives identical bytes,
and a kill in the middle of a projection write leaves the old file or the new one, never
half of one."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.conftest import generate
from tests.crash.harness import finish, kill_at, run

FORMATS = ["csv", "parquet", "sqlite", "xlsx"]


@pytest.fixture(scope="module")
def job_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A job stopped half way (a partial view), and its input."""
    root = tmp_path_factory.mktemp("proj")
    src = generate(root / "leads.csv", 1200, seed=11)
    home = root / "home"
    assert kill_at(home, src, "job", "after_commit", 10) == -signal.SIGKILL
    return home, src


@pytest.mark.parametrize("fmt", FORMATS)
def test_rebuilding_a_view_three_times_gives_identical_bytes(
    tmp_path: Path, job_home: tuple[Path, Path], fmt: str
) -> None:
    home, _src = job_home
    outs = []
    for i in range(3):
        out = tmp_path / f"v{i}.{fmt}"
        run(home, "project", "job", "--to", fmt, "--out", str(out))
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", pytest.param("parquet", marks=pytest.mark.slow),
                                 pytest.param("sqlite", marks=pytest.mark.slow)])
def test_a_kill_during_a_projection_write_leaves_the_old_file_or_the_new_one(
    tmp_path: Path, job_home: tuple[Path, Path], fmt: str
) -> None:
    import shutil

    home = tmp_path / "home"
    shutil.copytree(job_home[0], home)
    src = job_home[1]
    out = tmp_path / "views" / f"leads.{fmt}"
    out.parent.mkdir()
    run(home, "project", "job", "--to", fmt, "--out", str(out))
    old = out.read_bytes()  # the view of the half-done job
    finish(home, src, "job")
    proc = run(home, "project", "job", "--to", fmt, "--out", str(out), check=False,
               LEADSCOUT_KILL_AT="projection_write:1")
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert out.read_bytes() == old, "a killed projection changed the published file"
    run(home, "project", "job", "--to", fmt, "--out", str(out))
    new = out.read_bytes()
    assert new != old
    fresh = tmp_path / f"fresh.{fmt}"
    run(home, "project", "job", "--to", fmt, "--out", str(fresh))
    assert fresh.read_bytes() == new


def test_a_later_projection_removes_the_temp_file_a_killed_one_left_behind(
    tmp_path: Path, job_home: tuple[Path, Path]
) -> None:
    home = job_home[0]
    out = tmp_path / "leads.csv"
    proc = run(home, "project", "job", "--to", "csv", "--out", str(out), check=False,
               LEADSCOUT_KILL_AT="projection_write:1")
    assert proc.returncode == -signal.SIGKILL
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "no temp file left?"
    run(home, "project", "job", "--to", "csv", "--out", str(out))
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
