"""CsvSource: text exactly as stored, deterministic decisions, faithful rows, cheap resume."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadscout_es.errors import EmptyInput
from leadscout_es.sources import Batch, open_source
from leadscout_es.sources.csv_source import CsvSource

HEADER = "EntityName,ContactNumber,DirectorName\n"


def write(tmp_path: Path, data: bytes | str, name: str = "leads.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_all(source: CsvSource, batch_size: int = 3) -> list[Batch]:
    return list(source.iter_batches(0, batch_size))


def rows_of(batches: list[Batch]) -> list[list[str]]:
    return [row for batch in batches for row in batch.rows]


def test_phone_numbers_keep_their_leading_zero(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "ACME,0722521911,SIPHO DLAMINI\n")
    assert rows_of(read_all(CsvSource(path))) == [["ACME", "0722521911", "SIPHO DLAMINI"]]


def test_utf8_bom_is_skipped_and_reported(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbf" + HEADER.encode() + "A,1,ZOË\n".encode())
    source = CsvSource(path)
    assert source.encoding == "utf-8-sig"
    assert source.columns[0] == "EntityName"
    assert rows_of(read_all(source)) == [["A", "1", "ZOË"]]


def test_non_utf8_file_falls_back_to_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path, (HEADER + "A,1,JOSÉ FRANÇOIS\n").encode("cp1252"))
    source = CsvSource(path)
    assert source.encoding == "cp1252"
    assert rows_of(read_all(source)) == [["A", "1", "JOSÉ FRANÇOIS"]]


def test_cp1252_decision_is_made_on_the_whole_file(tmp_path: Path) -> None:
    body = "".join(f"E{i},0{i},NAME\n" for i in range(50_000)).encode()
    path = write(tmp_path, HEADER.encode() + body + "LAST,1,RENÉ\n".encode("cp1252"))
    source = CsvSource(path)
    assert source.encoding == "cp1252"
    assert rows_of(read_all(source, 100_000))[-1] == ["LAST", "1", "RENÉ"]


def test_quoted_fields_keep_embedded_newlines_and_delimiters(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + 'A,"012, ext 3","SIPHO\r\nDLAMINI"\r\nB,2,X\r\n')
    assert rows_of(read_all(CsvSource(path))) == [
        ["A", "012, ext 3", "SIPHO\r\nDLAMINI"],
        ["B", "2", "X"],
    ]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_delimiter_is_sniffed_from_the_header_line(tmp_path: Path, delimiter: str) -> None:
    text = f"Name{delimiter}Phone{delimiter}City\nA, B{delimiter}082{delimiter}DURBAN\n"
    source = CsvSource(write(tmp_path, text))
    assert source.delimiter == delimiter
    assert rows_of(read_all(source)) == [["A, B", "082", "DURBAN"]]


def test_ragged_rows_are_squared_and_rejected_not_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "A,1\nB,2,X,EXTRA,MORE\nC,3,Y\n")
    (batch,) = read_all(CsvSource(path), 10)
    assert batch.rows == [["A", "1", ""], ["B", "2", "X"], ["C", "3", "Y"]]
    assert batch.rejects == {
        0: "ragged row: 2 fields, header has 3",
        1: "ragged row: 5 fields, header has 3",
    }


def test_blank_lines_are_blank_rows_that_keep_numbering(tmp_path: Path) -> None:
    path = write(tmp_path, "\n\n" + HEADER + "A,1,X\n\n,,\nB,2,Y\n")
    (batch,) = read_all(CsvSource(path), 10)
    assert batch.rows == [["A", "1", "X"], ["", "", ""], ["", "", ""], ["B", "2", "Y"]]
    assert batch.rejects == {}


def test_duplicate_and_extra_header_names_are_kept_verbatim(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,Name, Notes ,\nA,B,C,D\n")
    assert CsvSource(path).columns == ["Name", "Name", " Notes ", ""]


def test_huge_cells_are_read_whole(tmp_path: Path) -> None:
    big = "X" * 3_000_000
    path = write(tmp_path, f'{HEADER}A,1,"{big}"\nB,2,Y\n')
    assert rows_of(read_all(CsvSource(path)))[0][2] == big


def test_header_only_file_is_empty_input(tmp_path: Path) -> None:
    with pytest.raises(EmptyInput, match="no data rows"):
        CsvSource(write(tmp_path, HEADER + "\n,,\n"))


def test_file_of_blank_lines_has_no_header(tmp_path: Path) -> None:
    with pytest.raises(EmptyInput, match="no header"):
        CsvSource(write(tmp_path, "\n,,\n \n"))


def test_open_source_returns_a_csv_source_for_text(tmp_path: Path) -> None:
    source = open_source(write(tmp_path, HEADER + "A,1,X\n", name="leads.txt"))
    assert source.format == "csv"
    assert source.sheet is None


@pytest.fixture(scope="module")
def messy_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[CsvSource, list[list[str]]]:
    rng = random.Random(7)
    lines = [HEADER]
    for i in range(700):
        kind = rng.random()
        if kind < 0.05:
            lines.append("\n")
        elif kind < 0.1:
            lines.append(f"R{i},0{i}\n")
        elif kind < 0.2:
            lines.append(f'R{i},"0{i}\n2","NAME, {i}"\r\n')
        else:
            lines.append(f"R{i},0{i},NAMÉ {i}\n")
    path = write(tmp_path_factory.mktemp("csv"), "".join(lines))
    source = CsvSource(path)
    return source, rows_of(read_all(source, 1000))


@settings(max_examples=40, deadline=None)
@given(start=st.integers(0, 720), batch_size=st.integers(1, 300))
def test_resume_from_any_row_equals_the_full_pass(
    messy_csv: tuple[CsvSource, list[list[str]]], start: int, batch_size: int
) -> None:
    source, full = messy_csv
    batches = list(source.iter_batches(start, batch_size))
    assert rows_of(batches) == full[start:]
    assert [b.first_row for b in batches] == list(range(start, len(full), batch_size))


@settings(max_examples=25, deadline=None)
@given(batch_size=st.integers(1, 200), cut=st.integers(0, 50), resume_size=st.integers(1, 300))
def test_resume_at_a_batch_position_seeks_to_the_same_rows(
    messy_csv: tuple[CsvSource, list[list[str]]], batch_size: int, cut: int, resume_size: int
) -> None:
    source, full = messy_csv
    batches = list(source.iter_batches(0, batch_size))
    batch = batches[min(cut, len(batches) - 1)]
    next_row = batch.first_row + len(batch.rows)
    resumed = list(source.iter_batches(next_row, resume_size, batch.position))
    assert rows_of(resumed) == full[next_row:]


def test_bare_carriage_return_line_ends_are_rows(tmp_path: Path) -> None:
    body = "".join(f"E{i},0{i},NAME {i}\r" for i in range(300_000))
    source = CsvSource(write(tmp_path, HEADER.replace("\n", "\r") + body))
    rows = rows_of(read_all(source, 100_000))
    assert len(rows) == 300_000
    assert rows[-1] == ["E299999", "0299999", "NAME 299999"]
