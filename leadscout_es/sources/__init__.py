"""Streaming input sources: ``open_source`` picks the reader by sniffing the file's content.

    content                                   reader
    zip with xl/workbook.xml                  XlsxSource (streaming; see xlsx_source)
    "PAR1" at both ends                       ParquetSource
    OLE compound file (.xls, encrypted xlsx)  refused: UnsupportedInput
    other zip (.ods, .docx, ...), gzip, ...   refused: UnsupportedInput
    text without NUL bytes                    CsvSource (UTF-8 or cp1252, sniffed delimiter)

Content decides; the extension only sharpens the error message.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from leadscout_es.errors import EmptyInput, InputNotFound, UnsupportedInput
from leadscout_es.sources.base import Batch, Source
from leadscout_es.sources.csv_source import CsvSource

__all__ = ["Batch", "Source", "open_source", "sniff_format"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
SAVE_AS = "open it in Excel or LibreOffice and save it as .xlsx or UTF-8 .csv"
_BINARY_MAGIC = {
    b"\x1f\x8b": "a gzip archive",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
    b"\xff\xfe": "UTF-16 text",
    b"\xfe\xff": "UTF-16 text",
}


def open_source(path: Path, *, sheet: str | None = None) -> Source:
    """Open ``path`` with the reader its content calls for.

    ``sheet`` selects an xlsx worksheet by name or 0-based index (as a string); it is an error
    to pass one for a CSV or Parquet file.
    """
    path = Path(path)
    kind = sniff_format(path)
    if sheet is not None and kind != "xlsx":
        raise UnsupportedInput(
            f"--sheet applies to .xlsx workbooks, but {path.name} is {kind}",
            hint="drop --sheet for this file",
        )
    if kind == "xlsx":
        from leadscout_es.sources.xlsx_source import open_xlsx

        return open_xlsx(path, sheet=sheet)
    if kind == "parquet":
        from leadscout_es.sources.parquet_source import ParquetSource

        return ParquetSource(path)
    return CsvSource(path)


def sniff_format(path: Path) -> str:
    """``"xlsx"``, ``"parquet"`` or ``"csv"``; anything else raises :class:`UnsupportedInput`."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
            fh.seek(-min(4, len(head)), 2)
            tail = fh.read(4)
    except FileNotFoundError:
        raise InputNotFound(f"input file not found: {path}", hint="check the path") from None
    except IsADirectoryError:
        raise UnsupportedInput(
            f"{path} is a directory", hint="pass a .xlsx, .csv or .parquet file"
        ) from None
    except OSError as exc:
        raise UnsupportedInput(
            f"cannot read {path}: {exc.strerror or exc}", hint="check the file's permissions"
        ) from None
    if not head:
        raise EmptyInput(f"{path.name} is empty (0 bytes)", hint="export the leads again")
    if head.startswith(OLE_MAGIC):
        _refuse_ole(path)
    if head.startswith(b"PK"):
        return _sniff_zip(path)
    if head.startswith(b"PAR1"):
        if tail != b"PAR1":
            raise UnsupportedInput(
                f"{path.name} is a truncated Parquet file", hint="copy or export it again"
            )
        return "parquet"
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise UnsupportedInput(f"{path.name} is {what}, not a spreadsheet", hint=SAVE_AS)
    if b"\x00" in head or _control_share(head) > 0.05:
        raise UnsupportedInput(
            f"{path.name} is binary data, not a spreadsheet or text file", hint=SAVE_AS
        )
    lowered = head[:1024].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<?xml", b"<table")):
        raise UnsupportedInput(
            f"{path.name} is an HTML/XML export, not a real spreadsheet", hint=SAVE_AS
        )
    return "csv"


def _control_share(head: bytes) -> float:
    controls = sum(head.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    return controls / len(head)


def _refuse_ole(path: Path) -> None:
    with open(path, "rb") as fh:
        directory = fh.read(4 << 20)
    if ENCRYPTED_STREAM in directory:
        raise UnsupportedInput(
            f"{path.name}: workbook is password-protected",
            hint="open it in Excel, remove the password (File > Info > Protect Workbook), save as .xlsx",
        )
    raise UnsupportedInput(
        f"{path.name} is a legacy Excel 97-2003 (.xls) or other OLE file, which is not supported",
        hint=SAVE_AS,
    )


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise UnsupportedInput(
            f"{path.name} is a damaged or truncated zip/xlsx file", hint="copy or export it again"
        ) from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        what = "an OpenDocument (.ods) spreadsheet"
    elif "xl/workbook.bin" in names:
        what = "a binary Excel (.xlsb) workbook"
    else:
        what = "a zip archive without an Excel workbook"
    raise UnsupportedInput(f"{path.name} is {what}, which is not supported", hint=SAVE_AS)
