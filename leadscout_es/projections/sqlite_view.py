"""SQLite view (``leads.sqlite``): the leads table plus a one-row summary of the job.

Tables::

    leads(<input columns> TEXT NOT NULL ...,
          source_row INTEGER PRIMARY KEY, ethnicity TEXT NOT NULL, ethnicity_confidence REAL,
          classification_method TEXT NOT NULL, classification_provider TEXT NOT NULL,
          classification_evidence TEXT NOT NULL, processing_status TEXT NOT NULL,
          error_message TEXT NOT NULL)
    jobs(job_id TEXT PRIMARY KEY, status TEXT, rows_total INTEGER, rows_done INTEGER,
         rows_failed INTEGER, llm_calls INTEGER, cost_usd REAL, input_path TEXT,
         input_sha256 TEXT, summary_json TEXT NOT NULL)

Column names are the :func:`~leadscout_es.projections.base.view_columns` names, in view order;
input values are TEXT exactly as read (``0722521911`` keeps its zero). ``leads`` also has an
index on ``processing_status``. ``jobs`` holds one row: the well-known keys of the summary
(NULL when absent; non-scalar values as JSON) and ``summary_json``, the whole summary as
canonical JSON (sorted keys, UTF-8, no spaces).

The file is built with ``journal_mode=OFF`` and ``synchronous=OFF`` in one transaction — it is
a private temp file until it is published atomically — and left in rollback-journal mode so
that readers need no ``-wal`` file. The same rows and summary give byte-identical files with
the same SQLite library.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from leadscout_es.errors import StorageError
from leadscout_es.projections.base import CLASSIFICATION_COLUMNS, ViewProjector, ViewRow

JOB_COLUMNS: tuple[tuple[str, str], ...] = (
    ("job_id", "TEXT PRIMARY KEY"),
    ("status", "TEXT"),
    ("rows_total", "INTEGER"),
    ("rows_done", "INTEGER"),
    ("rows_failed", "INTEGER"),
    ("llm_calls", "INTEGER"),
    ("cost_usd", "REAL"),
    ("input_path", "TEXT"),
    ("input_sha256", "TEXT"),
)

_CLASSIFICATION_TYPES = {
    "source_row": "INTEGER PRIMARY KEY",
    "ethnicity_confidence": "REAL",
}

_DISK_FULL = (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN)


def quote_identifier(name: str) -> str:
    """``name`` as an SQLite quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def leads_table_sql(columns: list[str], n_input: int) -> str:
    """The ``CREATE TABLE leads`` statement for these (already disambiguated) columns."""
    defs = [f"{quote_identifier(name)} TEXT NOT NULL" for name in columns[:n_input]]
    defs += [
        f"{quote_identifier(name)} {_CLASSIFICATION_TYPES.get(name, 'TEXT NOT NULL')}"
        for name in CLASSIFICATION_COLUMNS
    ]
    return "CREATE TABLE leads (\n  " + ",\n  ".join(defs) + "\n)"


def canonical_json(value: Any) -> str:
    """Deterministic JSON text: sorted keys, UTF-8, compact; non-JSON values as their str."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def job_row(job: dict[str, Any]) -> list[Any]:
    """The ``jobs`` row for a job summary: the known keys, then the whole summary as JSON."""
    values: list[Any] = []
    for key, _ in JOB_COLUMNS:
        value = job.get(key)
        if key == "job_id" and value is not None:
            value = str(value)
        elif value is not None and not isinstance(value, str | int | float):
            value = canonical_json(value)
        values.append(value)
    values.append(canonical_json(job))
    return values


class SqliteProjector(ViewProjector):
    """The leads view as an SQLite database with ``leads`` and ``jobs`` tables."""

    format: str = "sqlite"
    suffix: str = ".sqlite"

    def _write_view(
        self,
        tmp: Path,
        columns: list[str],
        n_input: int,
        chunks: Iterator[list[ViewRow]],
        job: dict[str, Any],
    ) -> None:
        insert_leads = f"INSERT INTO leads VALUES ({', '.join('?' * len(columns))})"
        job_defs = ", ".join(f"{name} {kind}" for name, kind in JOB_COLUMNS)
        try:
            with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as db:
                db.execute("PRAGMA journal_mode=OFF")
                db.execute("PRAGMA synchronous=OFF")
                db.execute("BEGIN")
                db.execute(leads_table_sql(columns, n_input))
                db.execute(f"CREATE TABLE jobs ({job_defs}, summary_json TEXT NOT NULL)")
                for chunk in chunks:
                    db.executemany(insert_leads, chunk)
                db.execute("CREATE INDEX leads_processing_status ON leads (processing_status)")
                marks = ", ".join("?" * (len(JOB_COLUMNS) + 1))
                db.execute(f"INSERT INTO jobs VALUES ({marks})", job_row(job))
                db.execute("COMMIT")
                db.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code in _DISK_FULL:
                hint = "free some disk space and run the same command again"
                raise StorageError(f"cannot write {tmp.parent}: {exc}", hint) from exc
            raise
