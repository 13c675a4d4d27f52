"""ParquetSource: every column as text, resumable from any row via row-group metadata."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadscout_es.errors import EmptyInput, UnsupportedInput
from leadscout_es.sources import Batch, open_source
from leadscout_es.sources.parquet_source import ParquetSource


def rows_of(batches: list[Batch]) -> list[list[str]]:
    return [row for batch in batches for row in batch.rows]


def test_typed_columns_render_as_text(tmp_path: Path) -> None:
    table = pa.table(
        {
            "Phone": ["0722521911", None],
            "Count": pa.array([7, None], pa.int64()),
            "Amount": [722521911.0, 0.1],
            "Flag": [True, None],
            "Day": [dt.date(2024, 3, 1), None],
            "At": [dt.datetime(2024, 3, 1, 13, 45), dt.datetime(2024, 3, 1)],
            "Price": pa.array([Decimal("1.50"), None]),
            "City": pa.array(["DURBAN", "DURBAN"]).dictionary_encode(),
        }
    )
    pq.write_table(table, tmp_path / "t.parquet")
    source = open_source(tmp_path / "t.parquet")
    assert source.format == "parquet"
    assert source.columns == ["Phone", "Count", "Amount", "Flag", "Day", "At", "Price", "City"]
    assert rows_of(list(source.iter_batches(0, 10))) == [
        [
            "0722521911",
            "7",
            "722521911",
            "TRUE",
            "2024-03-01",
            "2024-03-01 13:45:00",
            "1.50",
            "DURBAN",
        ],
        ["", "", "0.1", "", "", "2024-03-01", "", "DURBAN"],
    ]


def test_header_only_parquet_is_empty_input(tmp_path: Path) -> None:
    pq.write_table(pa.table({"Name": pa.array([], pa.string())}), tmp_path / "e.parquet")
    with pytest.raises(EmptyInput, match="no data rows"):
        open_source(tmp_path / "e.parquet")


def test_truncated_parquet_is_refused(tmp_path: Path) -> None:
    pq.write_table(pa.table({"Name": ["A"] * 100}), tmp_path / "t.parquet")
    data = (tmp_path / "t.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[:-20] + b"PAR1")
    with pytest.raises(UnsupportedInput):
        open_source(tmp_path / "cut.parquet")


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> tuple[ParquetSource, list[list[str]]]:
    n = 2500
    table = pa.table(
        {"Name": [f"NAME {i}" for i in range(n)], "Phone": [f"0{i:09d}" for i in range(n)]}
    )
    path = tmp_path_factory.mktemp("pq") / "g.parquet"
    pq.write_table(table, path, row_group_size=300)
    expected = [[f"NAME {i}", f"0{i:09d}"] for i in range(n)]
    return ParquetSource(path), expected


@settings(max_examples=40, deadline=None)
@given(start=st.integers(0, 2600), batch_size=st.integers(1, 1000))
def test_resume_from_any_row_equals_the_full_pass(
    grouped: tuple[ParquetSource, list[list[str]]], start: int, batch_size: int
) -> None:
    source, full = grouped
    batches = list(source.iter_batches(start, batch_size))
    assert rows_of(batches) == full[start:]
    assert all(len(b.rows) == batch_size for b in batches[:-1])
    for batch in batches:
        again = list(source.iter_batches(batch.first_row, batch_size, batch.position))
        assert again[0] == batch
        break
