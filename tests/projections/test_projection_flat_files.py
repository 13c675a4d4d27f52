"""CSV and Parquet specifics: exact text round-trips for any table, fixed confidence text, schema."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadscout_es.projections import CsvProjector, ParquetProjector
from leadscout_es.projections.flat import format_confidence

TAIL = ["white", None, "lexicon", "", "why", "ok", ""]

tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.tuples(
        st.lists(st.text(max_size=6), min_size=width, max_size=width),
        st.lists(st.lists(st.text(), min_size=width, max_size=width), max_size=12),
    )
)


def view_rows(values: list[list[str]]) -> list[list[Any]]:
    return [[*row, n, *TAIL] for n, row in enumerate(values)]


def test_csv_confidence_has_four_decimals_and_is_empty_when_unknown(tmp_path: Path) -> None:
    rows = [
        ["a", 0, "white", 0.93121, *TAIL[2:]],
        ["b", 1, "", None, *TAIL[2:]],
        ["c", 2, "x", 1, *TAIL[2:]],
    ]
    path = CsvProjector().write(tmp_path / "v.csv", ["c"], [rows], {})
    body = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert [r[3] for r in body[1:]] == ["0.9312", "", "1.0000"]
    assert format_confidence(None) == "" and format_confidence(0.5) == "0.5000"


def test_csv_is_utf8_without_bom_with_crlf_rows(tmp_path: Path) -> None:
    path = CsvProjector().write(tmp_path / "v.csv", ["Naam"], [[["Zoë", 0, *TAIL]]], {})
    data = path.read_bytes()
    assert data.startswith(b"Naam,source_row,") and data.endswith(b"\r\n")
    assert "Zoë".encode() in data


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables)
def test_csv_round_trip_is_exact_for_any_string_table(
    tmp_path: Path, table: tuple[list[str], list[list[str]]]
) -> None:
    header, values = table
    path = CsvProjector().write(tmp_path / "v.csv", header, [view_rows(values)], {})
    with path.open(encoding="utf-8", newline="") as handle:
        read = list(csv.reader(handle))
    assert [row[: len(header)] for row in read[1:]] == values
    assert [int(row[len(header)]) for row in read[1:]] == list(range(len(values)))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables)
def test_parquet_round_trip_is_exact_for_any_string_table(
    tmp_path: Path, table: tuple[list[str], list[list[str]]]
) -> None:
    header, values = table
    path = ParquetProjector(row_group_rows=5).write(
        tmp_path / "v.parquet", header, [view_rows(values)], {}
    )
    read = pq.read_table(path)
    assert [list(row.values())[: len(header)] for row in read.to_pylist()] == values


def test_parquet_schema_types_text_int64_and_nullable_float64(tmp_path: Path) -> None:
    path = ParquetProjector().write(
        tmp_path / "v.parquet", ["Phone"], [[["0722521911", 0, *TAIL]]], {}
    )
    schema = pq.read_schema(path)
    assert schema.field("Phone").type == pa.string()
    assert schema.field("source_row").type == pa.int64()
    assert schema.field("ethnicity_confidence").type == pa.float64()
    assert schema.field("ethnicity_confidence").nullable
    assert not schema.field("source_row").nullable
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_parquet_row_groups_have_a_fixed_size_whatever_the_chunking(tmp_path: Path) -> None:
    rows = view_rows([[str(n)] for n in range(23)])
    path = ParquetProjector(row_group_rows=10).write(
        tmp_path / "v.parquet", ["n"], [rows[:3], rows[3:4], rows[4:21], rows[21:]], {}
    )
    meta = pq.ParquetFile(path).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [10, 10, 3]
    assert pq.read_table(path).column("n").to_pylist() == [str(n) for n in range(23)]
