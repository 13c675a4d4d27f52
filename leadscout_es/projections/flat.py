"""Flat-file views: CSV and Parquet, both streamed chunk by chunk in bounded memory.

CSV (``leads.csv``): UTF-8 without a BOM, RFC 4180 quoting (``csv.writer`` defaults: ``,``
separator, ``"`` quoting only where needed, CRLF line ends), one header row with the
:func:`~leadscout_es.projections.base.view_columns` names. Input values are written verbatim;
``source_row`` as a decimal integer; ``ethnicity_confidence`` with exactly four decimals
(``0.9312``) and empty when unknown. Reading it back with ``csv.reader`` gives every input
value exactly, including empty strings, embedded newlines and NUL characters.

Parquet (``leads.parquet``): zstd-compressed, every input column and the classification text
columns as non-null ``string``, ``source_row`` as non-null ``int64`` and
``ethnicity_confidence`` as nullable ``float64``. Row groups hold exactly
:attr:`ParquetProjector.row_group_rows` rows (the last one fewer) whatever the chunk sizes, so
the bytes depend only on the rows. The default, 8,192 rows, keeps a projection's peak memory
under ~95 MB RSS (65,536-row groups: ~145 MB, files ~20% smaller; see
benchmarks/bench_projections.py).

Both formats are byte-for-byte deterministic: the same rows and columns always give the same
file (pyarrow writes no timestamps; its ``created_by`` names the pyarrow version, so files
written by different pyarrow versions may differ).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadscout_es.projections.base import (
    CLASSIFICATION_COLUMNS,
    CONFIDENCE_OFFSET,
    ViewProjector,
    ViewRow,
)

if TYPE_CHECKING:  # pyarrow costs ~50 MB of RSS to import: only Parquet views load it
    import pyarrow as pa


def format_confidence(value: float | None) -> str:
    """The CSV text of a confidence: four decimals, empty when unknown."""
    return "" if value is None else f"{value:.4f}"


class CsvProjector(ViewProjector):
    """The leads view as one CSV file."""

    format: str = "csv"
    suffix: str = ".csv"

    def _write_view(
        self,
        tmp: Path,
        columns: list[str],
        n_input: int,
        chunks: Iterator[list[ViewRow]],
        job: dict[str, Any],
    ) -> None:
        confidence_at = n_input + CONFIDENCE_OFFSET
        with tmp.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for chunk in chunks:
                out = []
                for row in chunk:
                    confidence = row[confidence_at]
                    if confidence is not None:
                        row = list(row)
                        row[confidence_at] = format_confidence(confidence)
                    out.append(row)
                writer.writerows(out)


def parquet_schema(columns: list[str], n_input: int) -> pa.Schema:
    """The Parquet schema of a view with these (already disambiguated) column names."""
    import pyarrow as pa

    types: dict[str, pa.DataType] = {
        "source_row": pa.int64(),
        "ethnicity_confidence": pa.float64(),
    }
    fields = [pa.field(name, pa.string(), nullable=False) for name in columns[:n_input]]
    for name in CLASSIFICATION_COLUMNS:
        fields.append(
            pa.field(name, types.get(name, pa.string()), nullable=name == "ethnicity_confidence")
        )
    return pa.schema(fields)


class ParquetProjector(ViewProjector):
    """The leads view as one zstd-compressed Parquet file."""

    format: str = "parquet"
    suffix: str = ".parquet"

    def __init__(self, row_group_rows: int = 8192) -> None:
        if row_group_rows < 1:
            raise ValueError("row_group_rows must be at least 1")
        self.row_group_rows = row_group_rows

    def _write_view(
        self,
        tmp: Path,
        columns: list[str],
        n_input: int,
        chunks: Iterator[list[ViewRow]],
        job: dict[str, Any],
    ) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = parquet_schema(columns, n_input)
        limit = self.row_group_rows
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for chunk in chunks:
                pending.append(_record_batch(chunk, schema))
                pending_rows += len(chunk)
                if pending_rows < limit:
                    continue
                table = pa.Table.from_batches(pending, schema=schema)
                start = 0
                while pending_rows - start >= limit:
                    writer.write_table(table.slice(start, limit), row_group_size=limit)
                    start += limit
                rest = table.slice(start)
                pending, pending_rows = rest.to_batches(), rest.num_rows
            if pending_rows:
                writer.write_table(pa.Table.from_batches(pending, schema=schema))

    def __repr__(self) -> str:
        return f"ParquetProjector(row_group_rows={self.row_group_rows})"


def _record_batch(chunk: list[ViewRow], schema: pa.Schema) -> pa.RecordBatch:
    import pyarrow as pa

    arrays = [
        pa.array(values, type=field.type)
        for values, field in zip(zip(*chunk, strict=True), schema, strict=True)
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)
