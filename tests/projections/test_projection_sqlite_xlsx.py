"""SQLite and XLSX specifics: the jobs table, text stays text, the problems sheet, overflow sheets."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from leadscout_es.projections import SqliteProjector, XlsxProjector

ROWS: list[list[Any]] = [
    ["0722521911", "Sipho", 0, "african", 0.9, "lexicon", "", "hit", "ok", ""],
    ["0831234567", "", 1, "unknown", None, "none", "", "", "rejected", "no name"],
    ["0000", "Li Wei", 2, "chinese", 0.75, "llm", "openai", "llm", "abstained", ""],
    ["12", "Bob", 5, "", None, "llm", "anthropic", "", "failed", "HTTP 529"],
]
JOB: dict[str, Any] = {
    "job_id": "job-7",
    "status": "completed",
    "rows_total": 4,
    "rows_done": 4,
    "rows_failed": 1,
    "llm_calls": 3,
    "cost_usd": 0.02,
    "input_path": "/data/leads.xlsx",
    "input_sha256": "ab" * 32,
    "by_label": {"african": 1, "chinese": 1},
    "started_at": "2025-03-04T05:06:07+02:00",
}


def test_sqlite_leads_table_keys_on_source_row_and_keeps_text(tmp_path: Path) -> None:
    path = SqliteProjector().write(tmp_path / "v.sqlite", ["Cell", "Name"], [ROWS], JOB)
    with sqlite3.connect(path) as db:
        info = {row[1]: (row[2], row[5]) for row in db.execute("PRAGMA table_info(leads)")}
        assert info["source_row"] == ("INTEGER", 1)
        assert info["ethnicity_confidence"][0] == "REAL"
        assert db.execute(
            "SELECT typeof(Cell), Cell FROM leads WHERE source_row = 0"
        ).fetchone() == (
            "text",
            "0722521911",
        )
        assert db.execute("SELECT Name FROM leads WHERE source_row = 5").fetchone() == ("Bob",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_sqlite_jobs_table_holds_the_summary_and_its_json(tmp_path: Path) -> None:
    path = SqliteProjector().write(tmp_path / "v.sqlite", ["Cell", "Name"], [ROWS], JOB)
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        (row,) = db.execute("SELECT * FROM jobs").fetchall()
    assert (row["job_id"], row["status"], row["rows_total"], row["llm_calls"]) == (
        "job-7",
        "completed",
        4,
        3,
    )
    assert row["cost_usd"] == pytest.approx(0.02)
    assert json.loads(row["summary_json"]) == JOB


def test_sqlite_jobs_table_tolerates_missing_and_nested_values(tmp_path: Path) -> None:
    job = {"job_id": 12, "status": {"odd": True}}
    path = SqliteProjector().write(tmp_path / "v.sqlite", ["Cell", "Name"], [ROWS[:1]], job)
    with sqlite3.connect(path) as db:
        row = db.execute("SELECT job_id, status, rows_total FROM jobs").fetchone()
    assert row == ("12", '{"odd":true}', None)


def test_xlsx_text_cells_stay_text_and_confidence_is_a_number(tmp_path: Path) -> None:
    path = XlsxProjector().write(tmp_path / "v.xlsx", ["Cell", "Name"], [ROWS], JOB)
    sheet = openpyxl.load_workbook(path)["leads"]
    assert sheet["A2"].value == "0722521911" and sheet["A2"].data_type == "s"
    assert sheet["A4"].value == "0000" and sheet["A4"].data_type == "s"
    assert sheet["C3"].value == 1 and sheet["C3"].data_type == "n"
    assert sheet["E2"].value == 0.9 and sheet["E2"].data_type == "n"
    assert sheet["E3"].value is None
    assert sheet.freeze_panes == "A2"


def test_xlsx_problems_sheet_lists_rejected_and_failed_rows_in_order(tmp_path: Path) -> None:
    path = XlsxProjector().write(tmp_path / "v.xlsx", ["Cell", "Name"], [ROWS], JOB)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["leads", "problems"]
    rows = list(book["problems"].iter_rows(values_only=True))
    assert rows[0] == next(book["leads"].iter_rows(values_only=True))
    assert [(r[2], r[8], r[9]) for r in rows[1:]] == [
        (1, "rejected", "no name"),
        (5, "failed", "HTTP 529"),
    ]


def test_xlsx_rows_past_the_sheet_limit_continue_on_numbered_sheets(tmp_path: Path) -> None:
    path = XlsxProjector(max_sheet_rows=3).write(tmp_path / "v.xlsx", ["Cell", "Name"], [ROWS], JOB)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["leads", "problems", "leads_2"]
    assert [r[2] for r in book["leads_2"].iter_rows(min_row=2, values_only=True)] == [5]
    assert book["leads_2"]["A1"].value == "Cell"


def test_xlsx_creation_time_comes_from_the_job_not_the_clock(tmp_path: Path) -> None:
    path = XlsxProjector().write(tmp_path / "v.xlsx", ["Cell", "Name"], [ROWS], JOB)
    with zipfile.ZipFile(path) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "2025-03-04T03:06:07Z" in core
    fallback = XlsxProjector().write(tmp_path / "w.xlsx", ["Cell", "Name"], [ROWS], {})
    with zipfile.ZipFile(fallback) as archive:
        assert "2000-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode()


def test_xlsx_escapes_control_characters_the_ooxml_way(tmp_path: Path) -> None:
    row = ["a\x01b", "_x0041_", 0, "", None, "", "", "", "ok", ""]
    path = XlsxProjector().write(tmp_path / "v.xlsx", ["Cell", "Name"], [[row]], {})
    cells = next(openpyxl.load_workbook(path)["leads"].iter_rows(min_row=2, values_only=True))
    # Excel shows the original text; openpyxl returns the escaped form as stored.
    assert cells[:2] == ("a_x0001_b", "_x005F_x0041_")
