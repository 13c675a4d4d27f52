"""ParquetSource: Parquet input read one record batch at a time, every value rendered as text.

Rendering (see ``render``): strings as stored, integers in decimal, floats by shortest repr
with integral values as integers, booleans TRUE/FALSE, dates and timestamps ISO, null "".
Column names are the schema's, verbatim and in order (duplicates kept).

Resuming locates the row group holding ``start_row`` from the footer metadata and reads from
there, so ``position`` is not needed (batches report -1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from leadscout_es.errors import EmptyInput, UnsupportedInput
from leadscout_es.sources.base import Batch
from leadscout_es.sources.render import render_datetime, render_float, render_time

READ_BATCH = 4096
REEXPORT = "export the Parquet file again, or save the data as CSV"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return render_float(value)
    if isinstance(value, dt.datetime):
        return render_datetime(value.replace(tzinfo=None))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return render_time(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _column_renderer(kind: pa.DataType) -> Callable[[pa.Array], list[str]]:
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return lambda col: [v if v is not None else "" for v in col.to_pylist()]
    if pa.types.is_integer(kind):
        return lambda col: [str(v) if v is not None else "" for v in col.to_pylist()]
    return lambda col: [_text(v) for v in col.to_pylist()]


class ParquetSource:
    """One Parquet file; see the module docstring."""

    format = "parquet"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheet: str | None = None
        try:
            self._file = pq.ParquetFile(path, pre_buffer=False, buffer_size=1 << 20)
        except (pa.ArrowException, OSError) as exc:
            raise UnsupportedInput(
                f"{path.name} is not a readable Parquet file ({exc})", hint=REEXPORT
            ) from None
        schema = self._file.schema_arrow
        self.columns: list[str] = list(schema.names)
        self._renderers = [_column_renderer(field.type) for field in schema]
        meta = self._file.metadata
        self._group_starts: list[int] = []
        total = 0
        for i in range(meta.num_row_groups):
            self._group_starts.append(total)
            total += meta.row_group(i).num_rows
        self.row_count = total
        if not self.columns:
            raise EmptyInput(f"{path.name} has no columns", hint=REEXPORT)
        if total == 0:
            raise EmptyInput(
                f"{path.name} has columns but no data rows", hint="add rows to the file"
            )

    def _render(self, batch: pa.RecordBatch) -> list[list[str]]:
        columns = []
        for renderer, col in zip(self._renderers, batch.columns, strict=True):
            if pa.types.is_dictionary(col.type):
                col = col.dictionary_decode()
            columns.append(renderer(col))
        return [list(row) for row in zip(*columns, strict=True)]

    def iter_batches(self, start_row: int, batch_size: int, position: int = -1) -> Iterator[Batch]:
        """Yield batches from ``start_row``, starting at the row group that holds it."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if start_row >= self.row_count:
            return
        group = max(i for i, start in enumerate(self._group_starts) if start <= start_row)
        skip = start_row - self._group_starts[group]
        groups = list(range(group, len(self._group_starts)))
        pending: list[list[str]] = []
        first = start_row
        try:
            for record_batch in self._file.iter_batches(
                batch_size=max(batch_size, READ_BATCH), row_groups=groups, use_threads=False
            ):
                if skip >= record_batch.num_rows:
                    skip -= record_batch.num_rows
                    continue
                if skip:
                    record_batch, skip = record_batch.slice(skip), 0
                pending.extend(self._render(record_batch))
                while len(pending) >= batch_size:
                    rows, pending = pending[:batch_size], pending[batch_size:]
                    yield Batch(first, rows)
                    first += len(rows)
        except (pa.ArrowException, OSError) as exc:
            raise UnsupportedInput(
                f"{self.path.name} is damaged near row {first} ({exc})", hint=REEXPORT
            ) from None
        if pending:
            yield Batch(first, pending)

    def close(self) -> None:
        self._file.close()
