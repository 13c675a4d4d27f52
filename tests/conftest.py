"""Shared fixtures: generated inputs, an isolated LeadScout home, and a CLI runner."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_XLSX = REPO / "data" / "sample_leads.xlsx"
MAKE_SAMPLE = REPO / "scripts" / "make_sample.py"
CIPC_COLUMNS = [
    "EntityName", "TradingAsName", "Keyword", "ContactNumber", "CellNumber", "EmailAddress",
    "RegisteredAddress", "RegisteredAddressCity", "RegisteredAddressProvince", "DirectorName",
    "DirectorCell",
]


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(home: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    """Run `python -m leadscout_es` in a real subprocess."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("LEADSCOUT_")}
    full_env = {**inherited, "LEADSCOUT_HOME": str(home), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "leadscout_es", *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, cwd=REPO, check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def cli(home: Path) -> Callable[..., Result]:
    def _run(*args: str, **kw: Any) -> Result:
        return run_cli(home, *args, **kw)

    return _run


def generate(out: Path, rows: int, fmt: str = "csv", seed: int = 7) -> Path:
    """A synthetic CIPC file made by the same generator as the bundled sample."""
    subprocess.run(
        [sys.executable, str(MAKE_SAMPLE), "--rows", str(rows), "--format", fmt, "--out", str(out),
         "--seed", str(seed)],
        check=True, capture_output=True,
    )
    return out


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def small_leads(path: Path, names: list[str]) -> Path:
    rows = []
    for i, name in enumerate(names):
        rows.append([f"ENTITY {i} (PTY) LTD", "", "", f"01155{i:05d}", f"08212{i:05d}", "",
                     "1 MAIN RD", "JOHANNESBURG", "Gauteng", name, f"07225{i:05d}"])
    return write_csv(path, CIPC_COLUMNS, rows)
