"""What a projector writes: the leads view (DESIGN.md "Leads view").

A projector receives the view's column names and a stream of row chunks, and writes one
file atomically (temp file, fsync, rename, fsync the directory). Each row is a list whose
first ``n_input`` values are the input columns (str), followed by the classification
columns in :data:`CLASSIFICATION_COLUMNS` order:

    source_row (int), ethnicity (str), ethnicity_confidence (float | None),
    classification_method, classification_provider, classification_evidence,
    processing_status, error_message (str)

Column names. Formats with named columns need unique, non-empty names, so every projector
writes the header that :func:`view_columns` derives, deterministically, from the input header:

- an empty (or whitespace-only) input header becomes ``column_<n>``, ``n`` its 1-based position;
- a NUL character in a header becomes U+FFFD (SQLite cannot name a column with it);
- a name already taken, compared case-insensitively (SQLite identifiers are), gets the first
  free suffix ``_2``, ``_3``, ... — the classification columns are taken first, so an input
  column called ``ethnicity`` becomes ``ethnicity_2`` and the classification names never move;
  repeated ``Name`` headers become ``Name``, ``Name_2``, ``Name_3``, left to right.

Values are never renamed or converted: input values are written verbatim as text.

:class:`ViewProjector` is the plumbing every concrete projector shares: it derives the header,
checks the rows (width, strictly increasing ``source_row``), publishes through
:func:`leadscout_es.atomic.atomic_write_path` and calls the ``projection_write`` kill point
once per write, after half of ``job["rows_total"]`` rows (or at the end when that is unknown).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from leadscout_es.atomic import atomic_write_path
from leadscout_es.faults import kill_point

CLASSIFICATION_COLUMNS: tuple[str, ...] = (
    "source_row",
    "ethnicity",
    "ethnicity_confidence",
    "classification_method",
    "classification_provider",
    "classification_evidence",
    "processing_status",
    "error_message",
)

ViewRow = list[Any]

N_CLASSIFICATION = len(CLASSIFICATION_COLUMNS)
SOURCE_ROW_OFFSET = CLASSIFICATION_COLUMNS.index("source_row")
CONFIDENCE_OFFSET = CLASSIFICATION_COLUMNS.index("ethnicity_confidence")
STATUS_OFFSET = CLASSIFICATION_COLUMNS.index("processing_status")
PROBLEM_STATUSES = frozenset({"rejected", "failed"})
KILL_SITE = "projection_write"


class Projector(Protocol):
    format: str  # "csv" | "parquet" | "sqlite" | "xlsx"
    suffix: str  # ".csv", ...

    def write(
        self,
        path: Path,
        input_columns: list[str],
        chunks: Iterable[list[ViewRow]],
        job: dict[str, Any],
    ) -> Path:
        """Write the view atomically to ``path`` and return it. ``job`` is the job summary."""
        ...


def view_columns(input_columns: Iterable[str]) -> list[str]:
    """The view's header: disambiguated input columns, then :data:`CLASSIFICATION_COLUMNS`."""
    taken = {name.casefold() for name in CLASSIFICATION_COLUMNS}
    names: list[str] = []
    for position, raw in enumerate(input_columns, start=1):
        base = raw.replace("\x00", "\ufffd") if raw.strip() else f"column_{position}"
        name, suffix = base, 2
        while name.casefold() in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        taken.add(name.casefold())
        names.append(name)
    return [*names, *CLASSIFICATION_COLUMNS]


class ViewProjector(abc.ABC):
    """Base class: validation, atomic publish and the kill point; subclasses write rows."""

    format: str
    suffix: str

    def write(
        self,
        path: Path,
        input_columns: list[str],
        chunks: Iterable[list[ViewRow]],
        job: dict[str, Any],
    ) -> Path:
        """Write the view atomically to ``path`` and return it. ``job`` is the job summary."""
        path = Path(path)
        columns = view_columns(input_columns)
        rows_total = job.get("rows_total")
        half = (rows_total + 1) // 2 if isinstance(rows_total, int) and rows_total > 0 else None
        with atomic_write_path(path) as tmp:
            checked = _iter_checked(chunks, len(input_columns), half)
            self._write_view(tmp, columns, len(input_columns), checked, job)
        return path

    @abc.abstractmethod
    def _write_view(
        self,
        tmp: Path,
        columns: list[str],
        n_input: int,
        chunks: Iterator[list[ViewRow]],
        job: dict[str, Any],
    ) -> None:
        """Write the whole view to ``tmp`` (a fresh path); consume ``chunks`` to the end."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _iter_checked(
    chunks: Iterable[list[ViewRow]], n_input: int, half: int | None
) -> Iterator[list[ViewRow]]:
    """Yield ``chunks`` after checking them; call the kill point once, half way through."""
    width, source_row_at = n_input + N_CLASSIFICATION, n_input + SOURCE_ROW_OFFSET
    previous, written, killed = -1, 0, False
    for chunk in chunks:
        if not chunk:
            continue
        for row in chunk:
            if len(row) != width:
                raise ValueError(f"view row has {len(row)} values, expected {width}")
            source_row = row[source_row_at]
            if not isinstance(source_row, int) or source_row <= previous:
                raise ValueError(
                    f"source_row {source_row!r} after {previous}: rows must be in increasing order"
                )
            previous = source_row
        yield chunk
        written += len(chunk)
        if not killed and half is not None and written >= half:
            killed = True
            kill_point(KILL_SITE)
    if not killed:
        kill_point(KILL_SITE)
