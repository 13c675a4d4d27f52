"""Bad input never produces a traceback or a silently wrong row: each case is a clear error
(exit 2, one line, a hint) or rows whose values survive verbatim into the CSV view, with
unusable rows counted as `rejected`."""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from tests.conftest import CIPC_COLUMNS, generate, small_leads
from tests.crash.harness import (
    assert_clean_error,
    ingest,
    run,
    start_ingest,
    verify_against_oracle,
    wait_until_writing,
)

SEED = int(os.environ.get("LEADSCOUT_TEST_SEED", "20261129"))
NAME = CIPC_COLUMNS.index("DirectorName")
STATUS = len(CIPC_COLUMNS) + 6  # source_row, ethnicity, confidence, method, provider, evidence, status
csv.field_size_limit(16 * 1024 * 1024)


def view(home: Path, job: str = "job") -> list[list[str]]:
    out = home / f"{job}.csv"
    run(home, "project", job, "--to", "csv", "--out", str(out))
    return list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))


def row_of(values: dict[int, str]) -> list[str]:
    row = [f"v{i}" for i in range(len(CIPC_COLUMNS))]
    for i, v in values.items():
        row[i] = v
    return row


def write_rows(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def assert_verbatim(home: Path, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    """The view's input columns equal ``rows`` exactly, one view row per input row, in order."""
    table = view(home)
    assert table[0][: len(header)] == header
    body = table[1:]
    assert len(body) == len(rows)
    for i, (got, want) in enumerate(zip(body, rows, strict=True)):
        assert got[: len(header)] == want, f"row {i}: {got[:len(header)]!r} != {want!r}"
        assert int(got[len(header)]) == i
    return body


# -- broken workbooks: exit 2, one line, a hint ------------------------------------------------
def _random_bytes(p: Path) -> None:
    p.write_bytes(random.Random(SEED).randbytes(5000))


def _truncated_zip(p: Path) -> None:
    generate(p, 200, fmt="xlsx", seed=3)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _ole_encrypted(p: Path) -> None:  # what Excel writes for a password-protected workbook
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + random.Random(1).randbytes(4096))


def _zip_without_sheets(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/app.xml", "<Properties/>")


def _empty_file(p: Path) -> None:
    p.write_bytes(b"")


@pytest.mark.parametrize("make", [_random_bytes, _truncated_zip, _ole_encrypted, _zip_without_sheets, _empty_file])
def test_a_broken_workbook_is_refused_with_exit_2_and_a_hint(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "leads.xlsx"
    make(src)
    line = assert_clean_error(ingest(tmp_path / "home", src, "job"), 2)
    print(line)
    assert not (tmp_path / "home" / "jobs" / "job" / "log").exists() or not list(
        (tmp_path / "home" / "jobs" / "job" / "log").glob("*.seg")
    ), "a refused input left a job log behind"


def test_a_password_protected_workbook_says_so(tmp_path: Path) -> None:
    src = tmp_path / "leads.xlsx"
    _ole_encrypted(src)
    line = assert_clean_error(ingest(tmp_path / "home", src, "job"), 2)
    assert any(w in line.lower() for w in ("password", "encrypt", "protected", "ole", "xls")), line


# -- CSV oddities -------------------------------------------------------------------------------
def test_a_cp1252_csv_keeps_accented_names_verbatim_or_is_refused(tmp_path: Path) -> None:
    rows = [row_of({NAME: "JOSÉ DE SOUSA", 0: "CAFÉ NOIR CC"}), row_of({NAME: "RENÉ DU PLESSIS"})]
    src = write_rows(tmp_path / "leads.csv", CIPC_COLUMNS, rows, encoding="cp1252")
    proc = ingest(tmp_path, src, "job")
    if proc.returncode == 2:
        assert_clean_error(proc, 2)
        return
    assert proc.returncode == 0, proc.stderr
    assert_verbatim(tmp_path, CIPC_COLUMNS, rows)


def test_a_utf8_bom_is_not_part_of_the_first_column_name(tmp_path: Path) -> None:
    rows = [row_of({NAME: "SIPHO DLAMINI"}), row_of({NAME: "THANDI NKOSI"})]
    src = write_rows(tmp_path / "leads.csv", CIPC_COLUMNS, rows, encoding="utf-8-sig")
    assert ingest(tmp_path, src, "job").returncode == 0
    assert_verbatim(tmp_path, CIPC_COLUMNS, rows)


def test_embedded_newlines_quotes_and_a_1mb_cell_survive_verbatim(tmp_path: Path) -> None:
    rows = [
        row_of({NAME: "SIPHO DLAMINI", 6: "1 MAIN RD\nUNIT 4\r\nSANDTON", 0: 'THE "BEST" CC, LTD'}),
        row_of({NAME: "PRIYA NAIDOO", 2: "x" * 1_000_000}),
        row_of({NAME: "ANNA-MARIE O'NEILL", 5: "  spaced  "}),
    ]
    src = write_rows(tmp_path / "leads.csv", CIPC_COLUMNS, rows)
    proc = ingest(tmp_path, src, "job")
    assert proc.returncode == 0, proc.stderr
    assert_verbatim(tmp_path, CIPC_COLUMNS, rows)


def test_names_that_are_numbers_dates_emoji_or_blank_are_kept_verbatim_and_never_crash(tmp_path: Path) -> None:
    names = ["12345", "2024-01-31", "31/01/2024", "😀 SIPHO DLAMINI", "🙂", "", "   ", "N/A", "=1+1",
             "-", "0", "NULL", "李伟", "Ñandú Pérez", "\u200bZERO WIDTH"]
    rows = [row_of({NAME: n}) for n in names]
    src = write_rows(tmp_path / "leads.csv", CIPC_COLUMNS, rows)
    proc = ingest(tmp_path, src, "job", "--json")
    assert proc.returncode == 0, proc.stderr
    body = assert_verbatim(tmp_path, CIPC_COLUMNS, rows)
    statuses = [r[STATUS] for r in body]
    assert set(statuses) <= {"ok", "abstained", "rejected"}, statuses
    for name, st in zip(names, statuses, strict=True):
        if not name.strip():
            assert st == "rejected", (name, st)


def test_ragged_rows_are_rejected_or_kept_in_place_never_shifted(tmp_path: Path) -> None:
    good = row_of({NAME: "SIPHO DLAMINI"})
    short = row_of({NAME: "THANDI NKOSI"})[:5]  # the name column is missing
    long = [*row_of({NAME: "PRIYA NAIDOO"}), "EXTRA1", "EXTRA2"]
    src = tmp_path / "leads.csv"
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerows([CIPC_COLUMNS, good, short, long, good])
    src.write_text(buf.getvalue(), encoding="utf-8")
    proc = ingest(tmp_path, src, "job")
    if proc.returncode == 2:
        assert_clean_error(proc, 2)
        return
    assert proc.returncode == 0, proc.stderr
    table = view(tmp_path)
    body = table[1:]
    assert len(body) == 4
    width = len(CIPC_COLUMNS)
    status = [r[STATUS] for r in body]
    assert body[0][:width] == good and body[3][:width] == good
    assert status[2] == "rejected", f"a row with extra values was silently truncated: {body[2][:width]}"
    if status[1] != "rejected":  # padded: every value it had must sit in its own column
        assert body[1][:5] == short and body[1][NAME] == "", body[1]


def test_duplicate_header_names_are_refused_or_both_columns_kept_with_their_values(tmp_path: Path) -> None:
    header = [*CIPC_COLUMNS, "DirectorName"]
    rows = [[*row_of({NAME: "SIPHO DLAMINI"}), "SECOND NAME"], [*row_of({NAME: "THANDI NKOSI"}), "OTHER"]]
    src = write_rows(tmp_path / "leads.csv", header, rows)
    proc = ingest(tmp_path, src, "job")
    if proc.returncode == 2:
        assert_clean_error(proc, 2)
        return
    assert proc.returncode == 0, proc.stderr
    table = view(tmp_path)
    # Column names may be made unique (DirectorName_2) for SQLite/Parquet; values never change.
    assert table[0][: len(CIPC_COLUMNS)] == CIPC_COLUMNS
    assert table[0][len(CIPC_COLUMNS)].startswith("DirectorName")
    assert [r[: len(header)] for r in table[1:]] == rows


def test_a_missing_name_column_is_refused_with_exit_2(tmp_path: Path) -> None:
    header = [c for c in CIPC_COLUMNS if c != "DirectorName"]
    src = write_rows(tmp_path / "leads.csv", header, [["a"] * len(header)])
    line = assert_clean_error(ingest(tmp_path, src, "job"), 2)
    assert "DirectorName" in line or "name column" in line.lower()


# -- xlsx oddities ------------------------------------------------------------------------------
def test_xlsx_formulas_and_merged_cells_give_their_shown_values(tmp_path: Path) -> None:
    src = tmp_path / "leads.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet("Leads")
    ws.write_row(0, 0, CIPC_COLUMNS)
    ws.write_row(1, 0, row_of({NAME: "SIPHO DLAMINI"}))
    ws.write_row(2, 0, row_of({}))
    ws.write_formula(2, NAME, '="PIETER "&"VAN WYK"', None, "PIETER VAN WYK")
    ws.write_row(3, 0, row_of({NAME: "PRIYA NAIDOO"}))
    ws.merge_range(3, 0, 4, 0, "MERGED HOLDINGS")  # A4:A5 merged; A5 reads empty
    ws.write_row(4, 1, row_of({NAME: "THANDI NKOSI"})[1:])
    wb.close()
    proc = ingest(tmp_path, src, "job")
    assert proc.returncode == 0, proc.stderr
    body = view(tmp_path)[1:]
    assert len(body) == 4
    assert body[1][NAME] == "PIETER VAN WYK", "a formula cell must give its cached (shown) value"
    assert body[2][0] == "MERGED HOLDINGS" and body[3][0] == ""
    assert body[3][NAME] == "THANDI NKOSI"


# -- the input changes under a job --------------------------------------------------------------
def test_an_input_edited_between_runs_is_refused_unless_fresh(tmp_path: Path) -> None:
    src = generate(tmp_path / "leads.csv", 3000, seed=5)
    home = tmp_path / "home"
    proc = start_ingest(home, src, "job", "--batch-size", "10")
    assert wait_until_writing(proc, home, "job", 2000)  # job_started and some batches are durable
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with src.open("a", encoding="utf-8") as f:
        f.write("NEW ROW CC,,,,,,,,,EDITED NAME,\n")
    line = assert_clean_error(ingest(home, src, "job", batch_size=10), 2)
    assert "changed" in line and "--fresh" in line
    assert ingest(home, src, "job", "--fresh", batch_size=10).returncode == 0
    body = view(home)[1:]
    assert len(body) == 3001 and body[-1][NAME] == "EDITED NAME"


def test_a_small_clean_file_is_the_control(tmp_path: Path) -> None:
    src = small_leads(tmp_path / "leads.csv", ["SIPHO DLAMINI", "PRIYA NAIDOO"])
    assert ingest(tmp_path, src, "job").returncode == 0
    with src.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    assert_verbatim(tmp_path, CIPC_COLUMNS, rows)
    assert callable(verify_against_oracle)
