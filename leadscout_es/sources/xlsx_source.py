"""XlsxSource: a streaming, bounded-memory reader of one worksheet of an xlsx workbook.

The worksheet XML is inflated and parsed incrementally (see ``xlsx_sheet``); the workbook is
never re-parsed from the top per batch. Decisions:

- Sheet: by name, or by 0-based index given as a string; default the first sheet.
- Header: the first row with a non-blank cell; columns run from column A to the header's last
  non-blank cell (blank header cells in between are kept as "").
- ``source_row`` = sheet row number - header row number - 1, so rows Excel shows as empty
  (never written, or skipped row numbers) are blank rows and keep the numbering a user sees.
- A row with non-blank cells beyond the header's width keeps its first columns and is
  reported in ``Batch.rejects``.
- Cells: shared and inline strings, numbers (integral values without ".0"), TRUE/FALSE,
  cached formula results, error text (#N/A), and date-formatted numbers as ISO dates.
  Merged cells hold their value in the top-left cell only, as stored.
- ``Batch.position`` packs the decompressed byte offset of a ``<row>`` element and its sheet
  row; resuming with it inflates up to that offset without parsing anything before it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from leadscout_es.errors import EmptyInput, UnsupportedInput
from leadscout_es.sources.base import Batch
from leadscout_es.sources.xlsx_parts import (
    IN_MEMORY_STRINGS,
    REPAIR,
    DiskStrings,
    read_date_styles,
    read_shared_strings,
    read_workbook,
)
from leadscout_es.sources.xlsx_sheet import Row, SheetRowParser, iter_sheet_rows

ROW_BITS = 21  # Excel's 1,048,576 rows fit; Batch.position = offset << ROW_BITS | sheet_row
RELEASE_EVERY = 50_000


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise UnsupportedInput(
            f"{path.name} is a damaged or truncated xlsx file", hint=REPAIR
        ) from None


def pick_sheet(sheets: list[str], sheet: str | None, name: str) -> int:
    if sheet is None:
        return 0
    if sheet in sheets:
        return sheets.index(sheet)
    if sheet.isdigit() and int(sheet) < len(sheets):
        return int(sheet)
    listed = ", ".join(repr(s) for s in sheets)
    raise UnsupportedInput(
        f"{name} has no sheet {sheet!r}; its sheets are {listed}",
        hint="pass --sheet with one of those names, or a 0-based index",
    )


class XlsxSource:
    """One worksheet, read as a stream; see the module docstring."""

    format = "xlsx"

    def __init__(
        self,
        path: Path,
        sheet: str | None = None,
        *,
        max_strings_in_memory: int = IN_MEMORY_STRINGS,
    ) -> None:
        self.path = path
        self._zip = open_zip(path)
        try:
            info = read_workbook(self._zip)
            self.sheets = [name for name, _ in info.sheets]
            index = pick_sheet(self.sheets, sheet, path.name)
            self.sheet: str | None = self.sheets[index]
            self._member = info.sheets[index][1]
            self._date1904 = info.date1904
            self._date_styles = read_date_styles(self._zip, info.styles)
            self._strings = read_shared_strings(
                self._zip, info.shared_strings, max_in_memory=max_strings_in_memory
            )
            self.columns: list[str] = []
            self._header_row, self._header_pos = self._read_header()
        except BaseException:
            self.close()
            raise

    def _make_parser(self, prefix: str, base: int, last_row: int) -> SheetRowParser:
        return SheetRowParser(
            self._strings,
            self._date_styles,
            self._date1904,
            prefix=prefix,
            base=base,
            last_row=last_row,
        )

    def _read_header(self) -> tuple[int, int]:
        rows = (
            row
            for chunk in iter_sheet_rows(self._zip, self._member, self._make_parser)
            for row in chunk
        )
        where = f"sheet {self.sheet!r} of {self.path.name}"
        header = next((row for row in rows if any(c.strip() for c in row[2])), None)
        if header is None:
            raise EmptyInput(
                f"{where} has no header row", hint="the first non-blank row must name the columns"
            )
        sheet_row, pos, cells = header
        while cells and not cells[-1].strip():
            cells.pop()
        self.columns = cells
        if not any(any(c.strip() for c in cells) for _, _, cells in rows):
            raise EmptyInput(
                f"{where} has a header but no data rows", hint="add rows below the header"
            )
        return sheet_row, pos

    def iter_batches(self, start_row: int, batch_size: int, position: int = -1) -> Iterator[Batch]:
        """Yield batches from ``start_row``; ``position`` restarts at a known row element."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        target = self._header_row + 1 + start_row
        restart = None
        if position >= 0:
            restart = (position >> ROW_BITS, position & ((1 << ROW_BITS) - 1))
        if restart is not None and restart[1] > target:
            restart = None  # not a hint for this start row
        width = len(self.columns)
        expected = target
        anchor = self._header_pos << ROW_BITS | self._header_row
        out: list[list[str]] = []
        rejects: dict[int, str] = {}
        first = start_row
        since_release = 0
        chunks = iter_sheet_rows(
            self._zip, self._member, self._make_parser, target=target, position=restart
        )
        row: Row
        for chunk in chunks:
            for row in chunk:
                sheet_row, pos, cells = row
                if sheet_row < expected:
                    anchor = pos << ROW_BITS | sheet_row if sheet_row < 1 << ROW_BITS else -1
                    continue
                while expected <= sheet_row:
                    if expected < sheet_row:
                        out.append([""] * width)
                    else:
                        n = len(cells)
                        if n > width and any(c.strip() for c in cells[width:]):
                            rejects[len(out)] = (
                                f"row has values beyond the header's {width} columns"
                            )
                        out.append(cells[:width] if n >= width else cells + [""] * (width - n))
                        anchor = pos << ROW_BITS | sheet_row if sheet_row < 1 << ROW_BITS else -1
                    expected += 1
                    if len(out) == batch_size:
                        yield Batch(first, out, rejects, anchor)
                        first += len(out)
                        since_release += len(out)
                        out, rejects = [], {}
                        if since_release >= RELEASE_EVERY and isinstance(
                            self._strings, DiskStrings
                        ):
                            self._strings.release()
                            since_release = 0
        if out:
            yield Batch(first, out, rejects, anchor)

    def close(self) -> None:
        strings = getattr(self, "_strings", None)
        if isinstance(strings, DiskStrings):
            strings.close()
        self._zip.close()


def open_xlsx(path: Path, *, sheet: str | None = None) -> XlsxSource:
    """The xlsx reader for ``path`` (always the streaming reader; see the package docs)."""
    return XlsxSource(path, sheet)
