"""The source interface: a streaming, bounded-memory reader of one input table.

Every value is text exactly as stored (``0722521911`` keeps its leading zero). Rows are
identified by ``source_row``: the 0-based index of the data row after the header.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import msgspec


class Batch(msgspec.Struct):
    """Consecutive data rows ``first_row .. first_row + len(rows) - 1``.

    ``rows[i]`` has exactly ``len(source.columns)`` strings. ``rejects`` maps an index into
    ``rows`` to a reason when the row could not be read faithfully (e.g. a ragged CSV line);
    such rows still appear, as rejected rows, never silently dropped. ``position`` is an
    opaque resume hint (e.g. a byte offset) for the row after this batch, or -1.
    """

    first_row: int
    rows: list[list[str]]
    rejects: dict[int, str] = {}
    position: int = -1


class Source(Protocol):
    path: Path
    format: str  # "csv" | "parquet" | "xlsx"
    sheet: str | None
    columns: list[str]  # header names verbatim, in input order

    def iter_batches(self, start_row: int, batch_size: int, position: int = -1) -> Iterator[Batch]:
        """Yield batches from ``start_row`` to the end in one pass.

        ``position`` is a hint previously returned in ``Batch.position`` for ``start_row``;
        sources may use it to seek instead of skipping rows.
        """
        ...

    def close(self) -> None: ...
