"""CsvSource: a bounded-memory, resumable reader of delimited text files.

Decisions, all deterministic for a given file:

- Encoding: UTF-8 (a BOM is skipped) when the whole file decodes as UTF-8, else cp1252. The
  check streams the file once when the source is opened; the result is ``encoding``.
- Delimiter: the most frequent of ``,`` ``;`` tab ``|`` outside quotes on the header line (ties
  in that order; none found means ``,``). The result is ``delimiter``.
- Header: the first row with a non-blank cell. ``source_row`` counts every record after it.
- A record whose field count differs from the header's is padded or cut to the header width
  and reported in ``Batch.rejects``; a blank line is a row of empty strings, not a reject.

Lines are split on bytes, so every batch knows the byte offset of the next record; that offset
is ``Batch.position`` and lets ``iter_batches`` seek straight to a resume point.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from leadscout_es.errors import EmptyInput, UnsupportedInput
from leadscout_es.sources.base import Batch

CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
BOM = codecs.BOM_UTF8

csv.field_size_limit(2**31 - 1)


class _LineFeed:
    """Feeds ``csv.reader`` decoded lines and maps its ``line_num`` back to byte offsets."""

    def __init__(self, fh: BinaryIO, start: int, encoding: str) -> None:
        self._fh = fh
        self._encoding = encoding
        self._carry = b""
        self._end = start  # offset just past the last chunk handed out
        self._chunk_start = start
        self._chunk_first_line = 0
        self._blines: list[bytes] = []
        self._ends: list[int] | None = None

    def iter_chunks(self) -> Iterator[list[str]]:
        encoding = self._encoding
        while True:
            data = self._fh.read(CHUNK)
            buf = self._carry + data if self._carry else data
            if data:
                cut = buf.rfind(b"\n") + 1
                if cut == 0 and len(buf) > 4 * CHUNK:  # old Mac line ends: bare CR only
                    cut = buf.rfind(b"\r", 0, len(buf) - 1) + 1
                if cut == 0:
                    self._carry = buf
                    continue
            elif not buf:
                return
            else:
                cut = len(buf)
            piece, self._carry = buf[:cut], buf[cut:]
            self._chunk_first_line += len(self._blines)
            self._chunk_start = self._end
            self._end += len(piece)
            self._blines = piece.splitlines(keepends=True)
            self._ends = None
            yield [line.decode(encoding) for line in self._blines]

    def offset_after(self, line_num: int) -> int:
        """Byte offset just past the first ``line_num`` lines handed to the reader."""
        taken = line_num - self._chunk_first_line
        if taken <= 0:
            return self._chunk_start
        if self._ends is None:  # once per chunk, not once per batch
            self._ends = list(itertools.accumulate(map(len, self._blines)))
        return self._chunk_start + self._ends[taken - 1]


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` or ``cp1252``, judged on the whole file."""
    with open(path, "rb") as fh:
        head = fh.read(len(BOM))
        has_bom = head == BOM
        fh.seek(len(BOM) if has_bom else 0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if has_bom else "utf-8"
        except UnicodeDecodeError:
            pass
        fh.seek(0)
        offset = 0
        while chunk := fh.read(CHUNK):
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise UnsupportedInput(
                    f"{path.name} is neither UTF-8 nor cp1252 text (byte 0x{chunk[exc.start]:02x} "
                    f"at offset {offset + exc.start})",
                    hint="re-save the file as UTF-8 CSV, or as .xlsx",
                ) from None
            offset += len(chunk)
    return "cp1252"


def sniff_delimiter(line: str) -> str:
    """The most frequent candidate delimiter outside double quotes on ``line``."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","


def _first_content_line(path: Path, start: int, encoding: str) -> str:
    with open(path, "rb") as fh:
        fh.seek(start)
        head = fh.read(CHUNK)
    for raw in head.splitlines():
        line = raw.decode(encoding, errors="replace")
        if line.strip(" \t,;|\"'"):
            return line
    return ""


class CsvSource:
    """Delimited text input; see the module docstring for the decisions it makes."""

    format = "csv"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheet: str | None = None
        self.encoding = detect_encoding(path)
        self._decode_as = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        self._text_start = len(BOM) if self.encoding == "utf-8-sig" else 0
        self.delimiter = sniff_delimiter(
            _first_content_line(path, self._text_start, self._decode_as)
        )
        self.columns: list[str] = []
        self._data_start = self._read_header()

    def _open_reader(self, fh: BinaryIO, offset: int) -> tuple[_LineFeed, Iterator[list[str]]]:
        fh.seek(offset)
        feed = _LineFeed(fh, offset, self._decode_as)
        lines = itertools.chain.from_iterable(feed.iter_chunks())
        reader = csv.reader(lines, delimiter=self.delimiter, quotechar='"', strict=False)
        return feed, reader

    def _read_header(self) -> int:
        name = self.path.name
        with self._open_file() as fh:
            feed, reader = self._open_reader(fh, self._text_start)
            try:
                for row in reader:
                    if any(cell.strip() for cell in row):
                        self.columns = row
                        break
                else:
                    raise EmptyInput(
                        f"{name} has no header row",
                        hint="the first non-blank row must name the columns",
                    )
                data_start = feed.offset_after(reader.line_num)  # type: ignore[attr-defined]
                if not any(any(cell.strip() for cell in row) for row in reader):
                    raise EmptyInput(
                        f"{name} has a header but no data rows", hint="add rows below the header"
                    )
            except csv.Error as exc:
                raise UnsupportedInput(
                    f"{name} is not readable as CSV: {exc}", hint="check the file's quoting"
                ) from None
        return data_start

    def _open_file(self) -> BinaryIO:
        try:
            return open(self.path, "rb")
        except OSError as exc:
            raise UnsupportedInput(
                f"cannot read {self.path}: {exc.strerror or exc}",
                hint="check the file's permissions",
            ) from None

    def iter_batches(self, start_row: int, batch_size: int, position: int = -1) -> Iterator[Batch]:
        """Yield batches from ``start_row``; ``position`` (a byte offset) seeks directly."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        row, offset = (start_row, position) if position >= 0 else (0, self._data_start)
        width = len(self.columns)
        with self._open_file() as fh:
            feed, reader = self._open_reader(fh, offset)
            try:
                if row < start_row:
                    deque(itertools.islice(reader, start_row - row), maxlen=0)
                    row = start_row
                while rows := list(itertools.islice(reader, batch_size)):
                    rejects: dict[int, str] = {}
                    if any(len(r) != width for r in rows):
                        _square(rows, width, rejects)
                    line_num: int = reader.line_num  # type: ignore[attr-defined]
                    yield Batch(row, rows, rejects, feed.offset_after(line_num))
                    row += len(rows)
            except csv.Error as exc:
                raise UnsupportedInput(
                    f"{self.path.name}: CSV error near data row {row}: {exc}",
                    hint="check the file's quoting",
                ) from None
            except OSError as exc:
                raise UnsupportedInput(
                    f"cannot read {self.path}: {exc.strerror or exc}", hint="check the file"
                ) from None

    def close(self) -> None:
        """Nothing stays open between calls to ``iter_batches``."""


def _square(rows: list[list[str]], width: int, rejects: dict[int, str]) -> None:
    """Pad or cut every row to ``width``; blank lines pass, ragged records are rejected."""
    for i, r in enumerate(rows):
        n = len(r)
        if n == width:
            continue
        if n == 0:
            rows[i] = [""] * width
            continue
        rejects[i] = f"ragged row: {n} fields, header has {width}"
        rows[i] = r[:width] if n > width else r + [""] * (width - n)
