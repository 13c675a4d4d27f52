"""The projector contract, proven once against every registered projector (DESIGN.md "Leads view")."""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow.parquet as pq
import pytest

from leadscout_es.errors import StorageError
from leadscout_es.projections import CLASSIFICATION_COLUMNS, PROJECTORS, Projector

INPUT_COLUMNS = ["EntityName", "ContactNumber", "DirectorName", "Notes"]

ROWS: list[list[Any]] = [
    ["Acme (Pty) Ltd", "0722521911", "Sipho Ndlovu", "", 0, "african", 0.9312, "lexicon", "", "lexicon hit 'ndlovu'", "ok", ""],
    ["Émile & Zoë Trading", "0027 21 555", "Ahmed Patel", 'said "hi", left', 1, "indian", 0.5, "llm", "openai", "gpt answer", "ok", ""],
    ["", "", "", "", 2, "unknown", None, "none", "", "", "rejected", "no director name"],
    ["Ngcobo Holdings", "+27 (0)11", "Thabo  Ngcobo", "line1\nline2", 3, "", None, "", "", "", "", ""],
    ["李氏贸易", "00000", "李伟", "ünïcödé ✓", 7, "chinese", 1.0, "fuzzy", "", "near 'li'", "ok", ""],
    ["Zero Conf", "0", "Jan van der Merwe", " padded ", 9, "white", 0.0, "ngram", "", "n-grams", "failed", "timeout"],
]  # fmt: skip

JOB: dict[str, Any] = {
    "job_id": "job-1",
    "status": "running",
    "rows_total": len(ROWS),
    "rows_done": 5,
    "by_status": {"ok": 3, "rejected": 1, "failed": 1},
    "cost_usd": 0.0125,
    "started_at": "2025-01-02T03:04:05+00:00",
}

FORMATS = sorted(PROJECTORS)


@pytest.fixture(params=FORMATS)
def projector(request: pytest.FixtureRequest) -> Projector:
    return PROJECTORS[request.param]


def read_view(fmt: str, path: Path) -> tuple[list[str], list[list[Any]]]:
    """Read a view back with the format's own reader, as (header, rows) in view types."""
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as handle:
            header, *raw = list(csv.reader(handle))
        at = len(header) - len(CLASSIFICATION_COLUMNS)
        rows = [
            [*r[:at], int(r[at]), r[at + 1], float(r[at + 2]) if r[at + 2] else None, *r[at + 3 :]]
            for r in raw
        ]
        return header, rows
    if fmt == "parquet":
        table = pq.read_table(path)
        return table.column_names, [list(row.values()) for row in table.to_pylist()]
    if fmt == "sqlite":
        with sqlite3.connect(path) as db:
            cursor = db.execute("SELECT * FROM leads ORDER BY rowid")
            header = [d[0] for d in cursor.description]
            return header, [list(row) for row in cursor]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True)["leads"]
        header, *raw = [list(row) for row in sheet.iter_rows(values_only=True)]
        at = len(header) - len(CLASSIFICATION_COLUMNS)
        rows = [
            ["" if v is None and i not in (at, at + 2) else v for i, v in enumerate(r)] for r in raw
        ]
        return [str(h) for h in header], rows
    raise AssertionError(fmt)


def in_chunks(rows: list[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    for start in range(0, len(rows), size):
        yield [list(row) for row in rows[start : start + size]]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_keeps_every_value_and_the_column_order(
    projector: Projector, tmp_path: Path
) -> None:
    path = projector.write(
        tmp_path / f"leads{projector.suffix}", INPUT_COLUMNS, in_chunks(ROWS, 4), JOB
    )
    header, rows = read_view(projector.format, path)
    assert header == [*INPUT_COLUMNS, *CLASSIFICATION_COLUMNS]
    assert rows == ROWS


def test_write_returns_the_published_path_and_leaves_no_temp_file(
    projector: Projector, tmp_path: Path
) -> None:
    target = tmp_path / f"leads{projector.suffix}"
    assert projector.write(target, INPUT_COLUMNS, in_chunks(ROWS, 2), JOB) == target
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_suffix_matches_the_format(projector: Projector) -> None:
    assert projector.suffix == f".{projector.format}"


def test_duplicate_empty_and_clashing_headers_get_the_same_unique_names(
    projector: Projector, tmp_path: Path
) -> None:
    columns = ["Name", "Name", "", "ethnicity", "name"]
    row = ["a", "b", "c", "d", "e", 0, "white", 0.25, "lexicon", "", "x", "ok", ""]
    path = projector.write(tmp_path / f"v{projector.suffix}", columns, [[row]], JOB)
    header, rows = read_view(projector.format, path)
    assert header[:5] == ["Name", "Name_2", "column_3", "ethnicity_2", "name_3"]
    assert header[5:] == list(CLASSIFICATION_COLUMNS)
    assert rows == [row]


def test_unprocessed_rows_round_trip_with_empty_classification(
    projector: Projector, tmp_path: Path
) -> None:
    pending = [["x", "0123", "y", "", n, "", None, "", "", "", "", ""] for n in range(3)]
    path = projector.write(tmp_path / f"v{projector.suffix}", INPUT_COLUMNS, [pending], JOB)
    assert read_view(projector.format, path)[1] == pending


def test_a_view_with_no_rows_is_a_valid_file_with_the_header(
    projector: Projector, tmp_path: Path
) -> None:
    path = projector.write(tmp_path / f"v{projector.suffix}", INPUT_COLUMNS, iter([]), JOB)
    assert read_view(projector.format, path) == ([*INPUT_COLUMNS, *CLASSIFICATION_COLUMNS], [])


def test_three_rebuilds_give_identical_bytes_whatever_the_chunking(
    projector: Projector, tmp_path: Path
) -> None:
    digests = set()
    for size in (1, 4, 100):
        path = projector.write(
            tmp_path / f"v{projector.suffix}", INPUT_COLUMNS, in_chunks(ROWS, size), JOB
        )
        digests.add(digest(path))
    assert len(digests) == 1


def test_a_failure_mid_write_keeps_the_previous_file_and_no_temp_file(
    projector: Projector, tmp_path: Path
) -> None:
    target = tmp_path / f"leads{projector.suffix}"
    projector.write(target, INPUT_COLUMNS, in_chunks(ROWS, 2), JOB)
    before = digest(target)

    def broken() -> Iterator[list[list[Any]]]:
        yield [list(ROWS[0])]
        raise RuntimeError("replay blew up")

    with pytest.raises(RuntimeError, match="replay blew up"):
        projector.write(target, INPUT_COLUMNS, broken(), JOB)
    assert digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_rows_out_of_order_or_of_the_wrong_width_are_refused(
    projector: Projector, tmp_path: Path
) -> None:
    target = tmp_path / f"v{projector.suffix}"
    with pytest.raises(ValueError, match="increasing order"):
        projector.write(target, INPUT_COLUMNS, [[ROWS[1], ROWS[0]]], JOB)
    with pytest.raises(ValueError, match="values, expected"):
        projector.write(target, INPUT_COLUMNS, [[ROWS[0][1:]]], JOB)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_a_storage_error_with_a_hint(
    projector: Projector, tmp_path: Path
) -> None:
    with pytest.raises(StorageError) as caught:
        projector.write(tmp_path / "nope" / f"v{projector.suffix}", INPUT_COLUMNS, [ROWS], JOB)
    assert caught.value.hint
    assert "\n" not in caught.value.message


KILLED_WRITER = """
import sys
from pathlib import Path
from leadscout_es.projections import PROJECTORS
rows = [["v%d" % n, n, "white", 0.5, "lexicon", "", "", "ok", ""] for n in range(10)]
chunks = ([row] for row in rows)
PROJECTORS[sys.argv[1]].write(Path(sys.argv[2]), ["c"], chunks, {"rows_total": 10})
"""


def test_a_kill_before_the_rename_leaves_the_previous_file_intact(
    projector: Projector, tmp_path: Path
) -> None:
    target = tmp_path / f"leads{projector.suffix}"
    projector.write(target, INPUT_COLUMNS, in_chunks(ROWS, 2), JOB)
    before = digest(target)
    env = {**os.environ, "LEADSCOUT_KILL_AT": "projection_write:1"}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, projector.format, str(target)], env=env, check=False
    )
    assert done.returncode == -9
    assert digest(target) == before
