"""XLSX view (``leads.xlsx``): sheet ``leads`` with every row, sheet ``problems`` with the
rows whose ``processing_status`` is ``rejected`` or ``failed``, both written in one pass.

xlsxwriter runs in ``constant_memory`` mode (one row in memory per sheet, each sheet's XML
spooled to a temp file in the system temp directory, ``$TMPDIR``), so memory stays flat for any
number of rows; that mode requires rows in increasing order per sheet, which a single pass over
the view gives for both sheets. The spool files are removed on success and on any error; only
a SIGKILL mid-write can leave them behind in the temp directory.

Cells: every text value is written with ``write_string`` — never converted to a number,
date, formula or link (``0722521911`` stays text) — ``source_row`` and
``ethnicity_confidence`` as numbers (confidence empty when unknown). Both sheets start with
the :func:`~leadscout_es.projections.base.view_columns` header, frozen, with an autofilter.
Limits of the format, not of the projector: an empty string is an empty cell (reads back as
no value); a text longer than 32,767 characters is cut to that length by Excel's rule.

A sheet holds at most :attr:`XlsxProjector.max_sheet_rows` data rows (Excel's limit,
1,048,575 below the header); past it the rows continue on ``leads_2``, ``leads_3``, ... (and
``problems_2``, ...), each with its own header.

Deterministic bytes: the document's creation time is taken from the job summary
(``started_at``/``created_at``, ISO 8601) or else fixed at 2000-01-01T00:00:00Z, and xlsxwriter
stamps zip entries with a fixed date, so the same rows and summary give identical files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from leadscout_es.errors import StorageError
from leadscout_es.projections.base import (
    CONFIDENCE_OFFSET,
    PROBLEM_STATUSES,
    SOURCE_ROW_OFFSET,
    STATUS_OFFSET,
    ViewProjector,
    ViewRow,
)

EXCEL_MAX_DATA_ROWS = 1_048_575
FALLBACK_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_ZIP64_CELLS = 20_000_000  # estimated cells above which the zip may pass 4 GiB


def created_at(job: dict[str, Any]) -> dt.datetime:
    """The workbook creation time: from the job summary, else a fixed date (never now)."""
    for key in ("started_at", "created_at"):
        value = job.get(key)
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value)
            except ValueError:
                continue
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=dt.UTC)
            return parsed.astimezone(dt.UTC)
    return FALLBACK_CREATED


class _SheetSeries:
    """Sheets named ``base``, ``base_2``, ... each with the header and ``max_rows`` data rows."""

    def __init__(self, book: Any, base: str, columns: list[str], max_rows: int) -> None:
        self.book, self.base, self.columns, self.max_rows = book, base, columns, max_rows
        self.count = 0
        self.sheet: Any = None
        self.row = 0
        self._open()

    def _open(self) -> None:
        self.finish()
        self.count += 1
        name = self.base if self.count == 1 else f"{self.base}_{self.count}"
        sheet = self.book.add_worksheet(name)
        for col, title in enumerate(self.columns):
            sheet.set_column(col, col, min(max(len(title) + 2, 12), 40))
            sheet.write_string(0, col, title)
        sheet.freeze_panes(1, 0)
        self.sheet, self.row = sheet, 0

    def append(self, row: ViewRow, numeric: tuple[int, int]) -> None:
        if self.row >= self.max_rows:
            self._open()
        self.row += 1
        write_string, write_number, r = self.sheet.write_string, self.sheet.write_number, self.row
        for col, value in enumerate(row):
            if col in numeric:
                if value is not None:
                    write_number(r, col, value)
            elif value:
                write_string(r, col, value)

    def finish(self) -> None:
        """Set the autofilter over the current sheet's rows (call once it is full or done)."""
        if self.sheet is not None:
            self.sheet.autofilter(0, 0, self.row, len(self.columns) - 1)


class XlsxProjector(ViewProjector):
    """The leads view as an Excel workbook with ``leads`` and ``problems`` sheets."""

    format: str = "xlsx"
    suffix: str = ".xlsx"

    def __init__(self, max_sheet_rows: int = EXCEL_MAX_DATA_ROWS) -> None:
        if not 1 <= max_sheet_rows <= EXCEL_MAX_DATA_ROWS:
            raise ValueError(f"max_sheet_rows must be between 1 and {EXCEL_MAX_DATA_ROWS}")
        self.max_sheet_rows = max_sheet_rows

    def _write_view(
        self,
        tmp: Path,
        columns: list[str],
        n_input: int,
        chunks: Iterator[list[ViewRow]],
        job: dict[str, Any],
    ) -> None:
        rows_total = job.get("rows_total")
        cells = (rows_total if isinstance(rows_total, int) else 0) * len(columns)
        options = {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "use_zip64": cells > _ZIP64_CELLS,
        }
        import xlsxwriter  # imported on first use: most commands never write xlsx
        import xlsxwriter.exceptions

        book = xlsxwriter.Workbook(str(tmp), options)
        try:
            book.set_properties({"created": created_at(job).replace(tzinfo=None)})
            leads = _SheetSeries(book, "leads", columns, self.max_sheet_rows)
            problems = _SheetSeries(book, "problems", columns, self.max_sheet_rows)
            numeric = (n_input + SOURCE_ROW_OFFSET, n_input + CONFIDENCE_OFFSET)
            status_at = n_input + STATUS_OFFSET
            for chunk in chunks:
                for row in chunk:
                    leads.append(row, numeric)
                    if row[status_at] in PROBLEM_STATUSES:
                        problems.append(row, numeric)
            leads.finish()
            problems.finish()
        except BaseException:
            _discard(book)
            raise
        try:
            book.close()
        except xlsxwriter.exceptions.FileCreateError as exc:
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            raise (cause or OSError(str(exc))) from exc
        except xlsxwriter.exceptions.FileSizeError as exc:
            hint = "project this job to parquet or sqlite instead"
            raise StorageError(f"the workbook is too large for xlsx: {exc}", hint) from exc


def _discard(book: Any) -> None:
    """Drop a half-built workbook: remove its spooled sheet files without writing the zip."""
    for sheet in book.worksheets():
        handle, name = (
            getattr(sheet, "row_data_fh", None),
            getattr(sheet, "row_data_filename", None),
        )
        if handle is not None:
            handle.close()
        if name:
            with contextlib.suppress(OSError):
                os.unlink(name)
