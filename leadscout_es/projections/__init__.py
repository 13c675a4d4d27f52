"""Projections: the leads view materialised from the log as CSV, Parquet, SQLite or XLSX.

Every projector implements :class:`~leadscout_es.projections.base.Projector` and publishes
its file atomically (see :mod:`leadscout_es.atomic`). Pick one by format name::

    projector = projector_for("parquet")
    projector.write(views / f"leads{projector.suffix}", input_columns, chunks, job)

Column naming (duplicate, empty or clashing headers) is the same for every format:
see :func:`~leadscout_es.projections.base.view_columns`.
"""

from __future__ import annotations

from leadscout_es.errors import UsageError
from leadscout_es.projections.base import (
    CLASSIFICATION_COLUMNS,
    Projector,
    ViewProjector,
    ViewRow,
    view_columns,
)
from leadscout_es.projections.flat import CsvProjector, ParquetProjector
from leadscout_es.projections.sqlite_view import SqliteProjector
from leadscout_es.projections.xlsx_view import XlsxProjector

PROJECTORS: dict[str, Projector] = {
    projector.format: projector
    for projector in (ParquetProjector(), SqliteProjector(), XlsxProjector(), CsvProjector())
}


def projector_for(fmt: str) -> Projector:
    """The projector for ``fmt`` (``csv``, ``parquet``, ``sqlite``, ``xlsx``; case-insensitive)."""
    projector = PROJECTORS.get(fmt.strip().lower().lstrip("."))
    if projector is None:
        known = ", ".join(sorted(PROJECTORS))
        raise UsageError(f"unknown view format {fmt!r}", f"choose one of: {known}")
    return projector


__all__ = [
    "CLASSIFICATION_COLUMNS",
    "PROJECTORS",
    "CsvProjector",
    "ParquetProjector",
    "Projector",
    "SqliteProjector",
    "ViewProjector",
    "ViewRow",
    "XlsxProjector",
    "projector_for",
    "view_columns",
]
