"""Streaming worksheet parsing: expat fed 64 KiB at a time from the zip member.

:class:`SheetRowParser` turns ``<row>`` elements into ``(sheet_row, byte_pos, cells)`` with
cells placed by their ``r`` reference (missing cells are ""). ``byte_pos`` is the row
element's offset in the decompressed worksheet XML; a reader can restart from there with
:func:`iter_sheet_rows`, which feeds a synthetic ``<worksheet><sheetData>`` prefix first.
:func:`skip_to_row` finds a restart point by scanning decompressed bytes for row tags,
without parsing cells, so resuming deep into a sheet costs little more than inflating it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO
from xml.parsers import expat

from leadscout_es.errors import UnsupportedInput
from leadscout_es.sources.render import render_number_text, render_serial, unescape_ooxml

FEED = 1 << 16
Row = tuple[int, int, list[str]]
_REF_LETTERS = re.compile(r"[A-Za-z]+")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')


def column_index(ref: str, cache: dict[str, int] = {}) -> int:  # noqa: B006 - deliberate memo
    letters = _REF_LETTERS.match(ref)
    key = letters.group(0).upper() if letters else ""
    index = cache.get(key)
    if index is None:
        index = 0
        for ch in key:
            index = index * 26 + ord(ch) - 64
        index -= 1
        cache[key] = index
    return index


class SheetRowParser:
    """expat callbacks building rows; finished rows accumulate in ``rows``."""

    def __init__(
        self,
        strings: Sequence[str],
        date_styles: frozenset[int],
        date1904: bool,
        *,
        prefix: str = "",
        base: int = 0,
        last_row: int = -1,
    ) -> None:
        self.strings = strings
        self.date_styles = date_styles
        self.date1904 = date1904
        self.rows: list[Row] = []
        self._base = base
        self._last_row = last_row
        self._row_pos = 0
        self._cells: list[str] = []
        self._col = 0
        self._type = "n"
        self._style = -1
        self._text: list[str] = []
        self._collect = False
        self._phonetic = 0
        self._tag_c, self._tag_v, self._tag_row = prefix + "c", prefix + "v", prefix + "row"
        self._tag_is, self._tag_t, self._tag_rph = prefix + "is", prefix + "t", prefix + "rPh"
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.buffer_size = FEED
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._chars

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == self._tag_c:
            ref = attrs.get("r")
            self._col = column_index(ref) if ref else len(self._cells)
            self._type = attrs.get("t", "n")
            style = attrs.get("s")
            self._style = int(style) if style else -1
            self._text = []
        elif name == self._tag_v:
            self._collect = True
        elif name == self._tag_t:
            self._collect = not self._phonetic
        elif name == self._tag_row:
            ref = attrs.get("r")
            self._last_row = int(ref) - 1 if ref and ref.isdigit() else self._last_row + 1
            self._row_pos = self._base + self.parser.CurrentByteIndex
            self._cells = []
        elif name == self._tag_rph:
            self._phonetic += 1

    def _chars(self, data: str) -> None:
        if self._collect:
            self._text.append(data)

    def _end(self, name: str) -> None:
        if name == self._tag_c:
            value = self._value("".join(self._text)) if self._text else ""
            cells, col = self._cells, self._col
            if col == len(cells):
                cells.append(value)
            elif col > len(cells):
                cells.extend([""] * (col - len(cells)))
                cells.append(value)
            else:
                cells[col] = value
        elif name in (self._tag_v, self._tag_t):
            self._collect = False
        elif name == self._tag_row:
            self.rows.append((self._last_row, self._row_pos, self._cells))
        elif name == self._tag_rph:
            self._phonetic -= 1

    def _value(self, text: str) -> str:
        kind = self._type
        if kind == "s":
            try:
                return self.strings[int(text)]
            except (ValueError, IndexError):
                return ""
        if kind == "n":
            if self._style in self.date_styles:
                try:
                    return render_serial(float(text), date1904=self.date1904)
                except ValueError:
                    return text
            return render_number_text(text)
        if kind == "b":
            return "TRUE" if text.strip() in ("1", "true") else "FALSE"
        if kind in ("inlineStr", "str"):
            return unescape_ooxml(text)
        if kind == "d":
            return text.replace("T", " ").removesuffix(" 00:00:00").split(".", 1)[0]
        return text  # "e": the error text, e.g. #N/A


def sniff_prefix(zf: zipfile.ZipFile, member: str) -> str:
    """The namespace prefix of worksheet tags (``""`` or e.g. ``"x:"``)."""
    with zf.open(member) as fh:
        head = fh.read(4096)
    match = re.search(rb"<(\w+:)?worksheet[\s>]", head)
    return match.group(1).decode() if match and match.group(1) else ""


def skip_to_row(fh: IO[bytes], target: int, prefix: str) -> tuple[int, int, bytes]:
    """Advance ``fh`` to the first row element whose sheet row is ``>= target``.

    Returns ``(offset, last_row_before, pending_bytes)``: the decompressed offset of that row
    element, the sheet row index of the row element before it (for rows without ``r``), and
    the bytes already read from that offset on. Past the end of the sheet the offset is -1.
    """
    offset, last_row, carry = 0, -1, b""
    while True:
        data = fh.read(FEED * 16)
        buf = carry + data
        cut = buf.rfind(b"<") if data else len(buf)
        if cut <= 0 and data:
            carry = buf
            continue
        scan = buf[:cut]
        tail = scan.rfind(b"<" + prefix.encode() + b"row ")
        number = _row_number(scan, tail) if tail >= 0 else None
        if number is not None and number < target:
            last_row = number  # the whole chunk lies before the target
        else:
            for tag in _ROW_TAG.finditer(scan):
                number = _row_number(scan, tag.start())
                row = number if number is not None else last_row + 1
                if row >= target:
                    return offset + tag.start(), last_row, buf[tag.start() :]
                last_row = row
        if not data:
            return -1, last_row, b""
        offset += cut
        carry = buf[cut:]


def _discard(fh: IO[bytes], n: int) -> None:
    """Inflate and drop ``n`` bytes in small reads (ZipExtFile.seek reads 16 MiB at a time)."""
    while n > 0:
        got = len(fh.read(min(n, FEED * 16)))
        if not got:
            return
        n -= got


def _row_number(buf: bytes, start: int) -> int | None:
    """The 0-based sheet row of the row tag at ``start``, if it has an ``r`` attribute."""
    end = buf.find(b">", start)
    number = _ROW_NUMBER.search(buf, start, end if end >= 0 else len(buf))
    return int(number.group(1)) - 1 if number else None


def iter_sheet_rows(
    zf: zipfile.ZipFile,
    member: str,
    make_parser: Callable[[str, int, int], SheetRowParser],
    *,
    target: int = 0,
    position: tuple[int, int] | None = None,
) -> Iterator[list[Row]]:
    """Yield lists of parsed rows, starting at or shortly before sheet row ``target``."""
    prefix = sniff_prefix(zf, member)
    try:
        with zf.open(member) as fh:
            if position is not None:
                _discard(fh, position[0])
                offset, last_row, pending = position[0], position[1] - 1, b""
            elif target > 0:
                offset, last_row, pending = skip_to_row(fh, target, prefix)
                if offset < 0:
                    return
            else:
                offset, last_row, pending = 0, -1, b""
            synthetic = f"<{prefix}worksheet><{prefix}sheetData>".encode() if offset else b""
            handler = make_parser(prefix, offset - len(synthetic), last_row)
            parse = handler.parser.Parse
            if synthetic:
                parse(synthetic, False)
            if pending:
                parse(pending, False)
            while chunk := fh.read(FEED):
                parse(chunk, False)
                if handler.rows:
                    yield handler.rows
                    handler.rows = []
            parse(b"", True)
            if handler.rows:
                yield handler.rows
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise UnsupportedInput(
            f"worksheet {member} is damaged or truncated ({exc})",
            hint="open it in Excel and save it again, or export it as CSV",
        ) from None
