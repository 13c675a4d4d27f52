"""`ingest` from the outside: exit codes, JSON shape, resume, refusal and bad input."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CIPC_COLUMNS, REPO, SAMPLE_XLSX, Result, generate, small_leads, write_csv

JSON_KEYS = {"job_id", "status", "rows_total", "rows_done", "rows_failed", "by_status",
             "by_method", "by_label", "llm_calls", "cost_usd", "resumed_from_row"}
NAMES = ["SIPHO DLAMINI", "PIETER VAN DER MERWE", "PRIYA NAIDOO", "", "N/A", "WEI ZHANG",
         "MOEGAMAT ABRAHAMS", "JEROME FORTUIN"]


def test_ingest_json_prints_one_object_with_the_contract_keys(cli: Callable[..., Result], tmp_path: Path) -> None:
    src = small_leads(tmp_path / "leads.csv", NAMES)
    res = cli("ingest", str(src), "--json", "--job-id", "t1")
    assert res.code == 0, res.stderr
    out = res.json()
    assert set(out) >= JSON_KEYS
    assert out["status"] == "completed"
    assert out["rows_total"] == out["rows_done"] == len(NAMES)
    assert sum(out["by_status"].values()) == len(NAMES)
    assert out["by_status"].get("rejected", 0) >= 2  # the blank and the "N/A"
    assert out["llm_calls"] == 0 and out["cost_usd"] == 0


def test_the_bundled_sample_completes_with_every_row_accounted_for(cli: Callable[..., Result]) -> None:
    res = cli("ingest", str(SAMPLE_XLSX), "--json")
    assert res.code == 0, res.stderr
    out = res.json()
    assert out["status"] == "completed"
    assert out["rows_done"] == out["rows_total"] > 1000
    assert sum(out["by_status"].values()) == out["rows_done"]
    assert out["by_status"].get("ok", 0) > out["rows_done"] * 0.7


def test_rerunning_a_completed_job_says_so_and_does_no_work(cli: Callable[..., Result], tmp_path: Path) -> None:
    src = small_leads(tmp_path / "leads.csv", NAMES)
    assert cli("ingest", str(src)).code == 0
    again = cli("ingest", str(src), "--json")
    assert again.code == 0
    assert "already complete" in again.stderr
    assert again.json()["status"] == "completed"


def test_a_changed_input_is_refused_unless_fresh(cli: Callable[..., Result], tmp_path: Path) -> None:
    src = small_leads(tmp_path / "leads.csv", NAMES)
    assert cli("ingest", str(src)).code == 0
    small_leads(src, [*NAMES, "THABO MOKOENA"])
    res = cli("ingest", str(src))
    assert res.code == 2
    assert "changed since job" in res.stderr and "--fresh" in res.stderr
    fresh = cli("ingest", str(src), "--fresh", "--json")
    assert fresh.code == 0
    assert fresh.json()["rows_done"] == len(NAMES) + 1


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: p / "nope.csv", "not found"),
        (lambda p: (p / "junk.xlsx").write_bytes(os.urandom(2000)) and p / "junk.xlsx", ""),
        (lambda p: write_csv(p / "cols.csv", ["Company", "Phone"], [["A", "1"]]), "name column"),
        (lambda p: (p / "empty.csv").write_bytes(b"") or p / "empty.csv", ""),
        (lambda p: write_csv(p / "header.csv", CIPC_COLUMNS, []), ""),
    ],
    ids=["missing-file", "not-a-spreadsheet", "missing-name-column", "empty-file", "header-only"],
)
def test_bad_input_is_one_line_exit_2_no_traceback(
    cli: Callable[..., Result], tmp_path: Path, make: Callable[[Path], Path], needle: str
) -> None:
    path = make(tmp_path)
    res = cli("ingest", str(path))
    assert res.code == 2, (res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ") and "hint:" in lines[0]
    assert "Traceback" not in res.stderr
    assert needle in lines[0]


def test_missing_name_column_lists_the_columns_found(cli: Callable[..., Result], tmp_path: Path) -> None:
    src = write_csv(tmp_path / "c.csv", ["Company", "Phone"], [["A", "1"]])
    res = cli("ingest", str(src))
    assert "'Company'" in res.stderr and "'Phone'" in res.stderr


def test_a_second_process_on_the_same_job_exits_3_naming_the_holder(
    home: Path, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    src = generate(tmp_path / "big.csv", 20000)
    env = {**os.environ, "LEADSCOUT_HOME": str(home)}
    first = subprocess.Popen([sys.executable, "-m", "leadscout_es", "ingest", str(src), "--batch-size", "10"],
                             cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        lock = next_lock(home)
        second = cli("ingest", str(src))
        assert second.code == 3, second.stderr
        assert f"pid={first.pid}" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(30)
    assert first.returncode in (0, 143)  # stopped by SIGTERM, or already done by then
    assert lock.exists()


def next_lock(home: Path, timeout: float = 20) -> Path:
    """Wait until some job's LOCK names a holder."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for lock in (home / "jobs").glob("*/LOCK") if (home / "jobs").exists() else []:
            if lock.read_text().startswith("pid="):
                return lock
        time.sleep(0.02)
    raise AssertionError("no job took its lock")


def test_sigterm_stops_at_a_batch_boundary_and_the_rerun_finishes_identically(
    home: Path, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    src = generate(tmp_path / "leads.csv", 20000)
    env = {**os.environ, "LEADSCOUT_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, "-m", "leadscout_es", "ingest", str(src), "--job-id", "sig",
                             "--batch-size", "10"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    next_lock(home)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Resume with: leadscout-es ingest" in err
    status = cli("status", "sig", "--json").json()
    assert status["status"] == "interrupted"
    assert status["rows_done"] % 10 == 0
    done = cli("ingest", str(src), "--job-id", "sig", "--json").json()
    assert done["status"] == "completed" and done["resumed_from_row"] == status["rows_done"]
    assert cli("project", "sig", "--to", "csv", "--out", str(tmp_path / "a.csv")).code == 0
    assert cli("ingest", str(src), "--job-id", "oracle").code == 0
    assert cli("project", "oracle", "--to", "csv", "--out", str(tmp_path / "b.csv")).code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_leading_zeros_survive_into_the_csv_view(cli: Callable[..., Result], tmp_path: Path) -> None:
    src = small_leads(tmp_path / "leads.csv", ["SIPHO DLAMINI"])
    assert cli("ingest", str(src), "--job-id", "z").code == 0
    out = cli("project", "z", "--to", "csv").stdout.strip()
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["ContactNumber"] == "0115500000"
    assert rows[0]["DirectorCell"] == "0722500000"
