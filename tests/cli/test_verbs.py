"""Every verb from the command line, in-process (fast), with the --json shapes users script against."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from leadscout_es.cli import VERBS, main
from tests.conftest import CIPC_COLUMNS, REPO, small_leads, write_csv

SUMMARY_KEYS = {"job_id", "status", "rows_total", "rows_done", "rows_failed", "by_status",
                "by_method", "by_label", "llm_calls", "cost_usd", "resumed_from_row"}
CLASSIFICATION = ["source_row", "ethnicity", "ethnicity_confidence", "classification_method",
                  "classification_provider", "classification_evidence", "processing_status",
                  "error_message"]
NAMES = ["SIPHO DLAMINI", "PIETER VAN DER MERWE", "PRIYA NAIDOO", "", "WEI ZHANG",
         "MOEGAMAT ABRAHAMS", "JEROME FORTUIN", "XYZ TRADING (PTY) LTD"]


def run(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(home), *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> Any:
    code, out, err = run(capsys, home, *args, "--json")
    assert code == 0, err
    assert out.count("\n") == 1, "exactly one JSON object on stdout"
    return json.loads(out)


@pytest.fixture
def job(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    src = small_leads(tmp_path / "leads.csv", NAMES)
    out = run_json(capsys, home, "ingest", str(src), "--job-id", "v")
    assert out["status"] == "completed"
    return "v"


def test_replay_json_reports_the_summary_resume_point_and_integrity(
    capsys: pytest.CaptureFixture[str], home: Path, job: str
) -> None:
    out = run_json(capsys, home, "replay", job)
    assert set(out) >= SUMMARY_KEYS
    assert out["next_row"] == out["rows_done"] == len(NAMES)
    assert out["findings"] == [] and out["torn_tail"] is None
    assert out["segments"] >= 1 and out["events"] > len(NAMES)


def test_replay_repairs_a_torn_tail_and_says_so(capsys: pytest.CaptureFixture[str], home: Path, job: str) -> None:
    seg = sorted((home / "jobs" / job / "log").glob("*.seg"))[-1]
    with seg.open("ab") as f:
        f.write(b"\x07\x00\x00\x00garbage")
    code, out, _err = run(capsys, home, "replay", job)
    assert code == 0
    assert "repaired" in out
    assert list(seg.parent.glob("*.broken"))
    assert run_json(capsys, home, "replay", job)["torn_tail"] is None


def test_status_and_jobs_agree(capsys: pytest.CaptureFixture[str], home: Path, job: str) -> None:
    status = run_json(capsys, home, "status", job)
    assert set(status) >= SUMMARY_KEYS
    listing = run_json(capsys, home, "jobs")
    assert [j["job_id"] for j in listing["jobs"]] == [job]
    assert listing["jobs"][0]["rows_done"] == status["rows_done"]
    code, out, _ = run(capsys, home, "jobs")
    assert code == 0 and job in out


def test_status_of_an_unknown_job_is_exit_2_with_a_hint(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _out, err = run(capsys, home, "status", "nope")
    assert code == 2
    assert err.startswith("error: no job 'nope'") and "hint:" in err


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite", "xlsx"])
def test_project_writes_every_format_with_the_contract_columns(
    capsys: pytest.CaptureFixture[str], home: Path, job: str, tmp_path: Path, fmt: str
) -> None:
    out_path = tmp_path / f"view.{fmt}"
    code, out, err = run(capsys, home, "project", job, "--to", fmt, "--out", str(out_path))
    assert code == 0, err
    assert out.strip() == str(out_path)
    expected = CIPC_COLUMNS + CLASSIFICATION
    if fmt == "csv":
        with out_path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        phones = [r[3] for r in body]
    elif fmt == "parquet":
        table = pq.read_table(out_path)
        header, body = table.column_names, table.to_pylist()
        phones = [r["ContactNumber"] for r in body]
    elif fmt == "sqlite":
        con = sqlite3.connect(out_path)
        cur = con.execute("SELECT * FROM leads ORDER BY source_row")
        header = [d[0] for d in cur.description]
        body = cur.fetchall()
        phones = [r[3] for r in body]
        jobs = con.execute("SELECT job_id, status FROM jobs").fetchall()
        assert jobs == [(job, "completed")]
    else:
        wb = load_workbook(out_path, read_only=True)
        assert wb.sheetnames[:2] == ["leads", "problems"]
        all_rows = list(wb["leads"].iter_rows(values_only=True))
        header, body = list(all_rows[0]), all_rows[1:]
        phones = [r[3] for r in body]
        problems = list(wb["problems"].iter_rows(values_only=True))[1:]
        assert len(problems) == 2  # the blank name and the company
    assert header == expected
    assert len(body) == len(NAMES)
    assert phones[0] == "0115500000"


def test_project_mid_job_lists_unprocessed_rows_with_empty_outcomes(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    src = small_leads(tmp_path / "leads.csv", NAMES)
    assert main(["--home", str(home), "ingest", str(src), "--job-id", "mid", "--batch-size", "3"]) == 0
    # Drop everything after the first batch's marker: the job is now interrupted at row 3.
    from leadscout_es.events import BatchCommitted, decode_record
    from leadscout_es.log.framing import FRAME_SIZE, HEADER_SIZE
    seg = sorted((home / "jobs" / "mid" / "log").glob("*.seg"))[0]
    raw = seg.read_bytes()
    offset, cut = HEADER_SIZE, None
    while offset < len(raw):
        n = int.from_bytes(raw[offset:offset + 4], "little")
        end = offset + FRAME_SIZE + n
        if any(isinstance(e, BatchCommitted) and e.next_row == 3 for e in decode_record(raw[offset + FRAME_SIZE:end])):
            cut = end
            break
        offset = end
    assert cut is not None
    seg.write_bytes(raw[:cut])
    capsys.readouterr()
    out_path = tmp_path / "mid.csv"
    assert run(capsys, home, "project", "mid", "--to", "csv", "--out", str(out_path))[0] == 0
    with out_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(NAMES)
    assert [r["processing_status"] for r in rows[3:]] == [""] * (len(NAMES) - 3)
    assert all(r["processing_status"] for r in rows[:3])
    assert run_json(capsys, home, "status", "mid")["status"] == "interrupted"


def test_cancel_marks_the_job_and_ingest_then_needs_fresh(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    src = small_leads(tmp_path / "leads.csv", NAMES)
    assert main(["--home", str(home), "ingest", str(src), "--job-id", "c", "--batch-size", "3"]) == 0
    # A completed job can't be cancelled.
    code, _out, err = run(capsys, home, "cancel", "c")
    assert code == 2 and "already completed" in err
    src2 = small_leads(tmp_path / "other.csv", NAMES[:2])
    from leadscout_es.events import JobCompleted  # noqa: F401 - documents what is cut below
    assert main(["--home", str(home), "ingest", str(src2), "--job-id", "c2", "--batch-size", "1"]) == 0
    seg = sorted((home / "jobs" / "c2" / "log").glob("*.seg"))[-1]
    seg.write_bytes(seg.read_bytes()[:-40])  # tear off the completion: an unfinished job
    capsys.readouterr()
    out = run_json(capsys, home, "cancel", "c2")
    assert out["status"] == "cancelled"
    code, _out, err = run(capsys, home, "ingest", str(src2), "--job-id", "c2")
    assert code == 2 and "--fresh" in err
    assert run_json(capsys, home, "ingest", str(src2), "--job-id", "c2", "--fresh")["status"] == "completed"


def test_confirm_overrides_the_cascade_and_learns_rules(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    reviewed = write_csv(
        tmp_path / "reviewed.csv", ["DirectorName", "confirmed_ethnicity"],
        [["JOHN ZYXWABC", "coloured"], ["MARY ZYXWABC", "coloured"], ["PETER ZYXWABC", "coloured"],
         ["SIPHO DLAMINI", "white"], ["NOBODY", ""], ["BAD LABEL", "martian"]],
    )
    out = run_json(capsys, home, "confirm", str(reviewed))
    assert out["confirmed"] == 4 and out["invalid"] == 1 and out["rules_learned"] >= 1
    rules = run_json(capsys, home, "rules")["rules"]
    assert {"position": "surname", "token": "ZYXWABC", "label": "coloured"}.items() <= rules[0].items()
    assert rules[0]["support"] == 3
    code, out_csv, _ = run(capsys, home, "rules", "--to", "csv")
    assert code == 0 and "ZYXWABC" in out_csv
    # A new job uses them: the confirmed name wins, the learned surname settles a stranger.
    src = small_leads(tmp_path / "l.csv", ["SIPHO DLAMINI", "ANNA ZYXWABC"])
    assert run_json(capsys, home, "ingest", str(src), "--job-id", "k")["by_method"] == {"confirmed": 1, "learned": 1}
    # Confirming the same file again changes nothing.
    assert run_json(capsys, home, "confirm", str(reviewed))["confirmed"] == 0


def test_confirm_without_a_label_column_explains_what_to_add(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    src = small_leads(tmp_path / "l.csv", ["SIPHO DLAMINI"])
    code, _out, err = run(capsys, home, "confirm", str(src))
    assert code == 2 and "confirmed_ethnicity" in err


def test_evaluate_json_reports_accuracy_calibration_and_abstention(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    out = run_json(capsys, home, "evaluate", str(REPO / "data" / "eval" / "labelled_names.csv"),
                   "--label-column", "label", "--name-column", "name")
    flat = json.dumps(out)
    for key in ("macro_f1", "ece", "abstention"):
        assert key in flat
    code, text, _ = run(capsys, home, "evaluate", str(REPO / "data" / "eval" / "labelled_names.csv"),
                        "--label-column", "label", "--name-column", "name")
    assert code == 0 and "macro-F1" in text


def test_every_verb_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    for verb in VERBS:
        name = verb.__name__.rsplit(".", 1)[-1]
        assert f"`{name}" in readme, f"README does not document `{name}`"


@pytest.mark.parametrize(
    "argv",
    [["ingest"], ["project", "x", "--to", "json"], ["frob"], [], ["ingest", "x.csv", "--batch-size", "many"]],
    ids=["missing-input", "bad-format", "unknown-verb", "no-verb", "not-a-number"],
)
def test_bad_usage_is_one_line_with_a_hint_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "hint:" in err
