"""The parts of an xlsx package a reader needs: sheet list, date styles, shared strings.

Small parts (workbook, relationships, styles) are parsed whole with ElementTree. The
shared-strings table is streamed with expat and kept in a Python list when it is small, or in
a :class:`DiskStrings` store (a temp file of UTF-8 text plus a temp file of offsets, both
memory-mapped) when it is large, so peak memory stays bounded for any workbook.
"""

from __future__ import annotations

import mmap
import posixpath
import tempfile
import zipfile
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree
from xml.parsers import expat

from leadscout_es.errors import UnsupportedInput
from leadscout_es.sources.render import is_date_format, unescape_ooxml

FEED = 1 << 16
IN_MEMORY_STRINGS = 200_000
IN_MEMORY_SST_BYTES = 24 << 20
REPAIR = "open it in Excel and save it again, or export it as CSV"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: ElementTree.Element, name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def read_xml(zf: zipfile.ZipFile, member: str) -> ElementTree.Element:
    try:
        with zf.open(member) as fh:
            return ElementTree.parse(fh).getroot()
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError, KeyError) as exc:
        raise UnsupportedInput(
            f"the workbook part {member} is damaged ({exc})", hint=REPAIR
        ) from None


@dataclass(frozen=True)
class WorkbookInfo:
    sheets: list[tuple[str, str]]  # (sheet name, zip member of its worksheet part)
    shared_strings: str | None
    styles: str | None
    date1904: bool


def read_workbook(zf: zipfile.ZipFile) -> WorkbookInfo:
    """Sheet names in workbook order with the zip member holding each."""
    names = set(zf.namelist())
    rels: dict[str, tuple[str, str]] = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for rel in read_xml(zf, "xl/_rels/workbook.xml.rels"):
            target = rel.get("Target", "")
            member = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )
            rels[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], member)
    root = read_xml(zf, "xl/workbook.xml")
    date1904 = False
    sheets: list[tuple[str, str]] = []
    for element in root.iter():
        tag = _local(element.tag)
        if tag == "workbookPr":
            date1904 = element.get("date1904", "0").lower() in ("1", "true")
        elif tag == "sheet":
            rid = _attr(element, "id") or ""
            kind, member = rels.get(rid, ("worksheet", ""))
            if kind == "worksheet" and member in names:
                sheets.append((element.get("name", ""), member))
    by_kind = {kind: member for kind, member in rels.values() if member in names}
    if not sheets:
        raise UnsupportedInput("the workbook has no worksheets", hint=REPAIR)
    return WorkbookInfo(sheets, by_kind.get("sharedStrings"), by_kind.get("styles"), date1904)


def read_date_styles(zf: zipfile.ZipFile, member: str | None) -> frozenset[int]:
    """Indexes of cell styles (the ``s`` attribute) whose number format is a date or time."""
    if member is None:
        return frozenset()
    root = read_xml(zf, member)
    codes: dict[int, str] = {}
    dates: set[int] = set()
    for element in root.iter():
        if _local(element.tag) == "numFmt":
            try:
                codes[int(element.get("numFmtId", "-1"))] = element.get("formatCode", "")
            except ValueError:
                continue
    for group in root:
        if _local(group.tag) != "cellXfs":
            continue
        for index, xf in enumerate(group):
            try:
                fmt = int(xf.get("numFmtId", "0"))
            except ValueError:
                continue
            if is_date_format(fmt, codes.get(fmt)):
                dates.add(index)
    return frozenset(dates)


class DiskStrings(Sequence[str]):
    """An append-then-read string table on disk: UTF-8 bytes plus an array of offsets."""

    def __init__(self) -> None:
        # both files live as long as the store; close() closes them
        self._text: IO[bytes] = tempfile.TemporaryFile(prefix="leadscout-sst-")  # noqa: SIM115
        self._offsets: IO[bytes] = tempfile.TemporaryFile(prefix="leadscout-sst-")  # noqa: SIM115
        self._pending = array("q", [0])
        self._end = 0
        self._count = 0
        self._text_map: mmap.mmap | None = None
        self._offset_map: mmap.mmap | None = None
        self._index: memoryview | None = None

    def append(self, value: str) -> None:
        data = value.encode("utf-8")
        self._text.write(data)
        self._end += len(data)
        self._pending.append(self._end)
        self._count += 1
        if len(self._pending) >= 65536:
            self._offsets.write(self._pending.tobytes())
            self._pending = array("q")

    def freeze(self) -> None:
        self._offsets.write(self._pending.tobytes())
        self._text.write(b"\0")  # mmap refuses an empty file
        for fh in (self._text, self._offsets):
            fh.flush()
        self._text_map = mmap.mmap(self._text.fileno(), 0, access=mmap.ACCESS_READ)
        self._offset_map = mmap.mmap(self._offsets.fileno(), 0, access=mmap.ACCESS_READ)
        self._index = memoryview(self._offset_map).cast("q")

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        index, text = self._index, self._text_map
        assert index is not None and text is not None, "freeze() first"
        if not 0 <= i < self._count:
            raise IndexError(i)
        return text[index[i] : index[i + 1]].decode("utf-8")

    def release(self) -> None:
        """Drop the mapped pages from this process's resident set (they stay in page cache)."""
        for mapped in (self._text_map, self._offset_map):
            if mapped is not None and hasattr(mmap, "MADV_DONTNEED"):
                mapped.madvise(mmap.MADV_DONTNEED)

    def close(self) -> None:
        if self._index is not None:
            self._index.release()
            self._index = None
        for mapped in (self._text_map, self._offset_map):
            if mapped is not None:
                mapped.close()
        self._text_map = self._offset_map = None
        self._text.close()
        self._offsets.close()


class _SstHandler:
    def __init__(self, store: list[str] | DiskStrings) -> None:
        self.store = store
        self.parts: list[str] = []
        self.in_t = False
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "t":
            self.in_t = not self.phonetic
        elif local == "si":
            self.parts = []
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "t":
            self.in_t = False
        elif local == "si":
            self.store.append(unescape_ooxml("".join(self.parts)))
        elif local == "rPh":
            self.phonetic -= 1

    def text(self, data: str) -> None:
        if self.in_t:
            self.parts.append(data)


def read_shared_strings(
    zf: zipfile.ZipFile, member: str | None, *, max_in_memory: int = IN_MEMORY_STRINGS
) -> list[str] | DiskStrings:
    """The shared-strings table; on disk when it is large (by declared count or size)."""
    if member is None:
        return []
    info = zf.getinfo(member)
    with zf.open(member) as fh:
        head = fh.read(2048)
    count = _declared_count(head)
    big = (
        count > max_in_memory
        or info.file_size > IN_MEMORY_SST_BYTES * max_in_memory // IN_MEMORY_STRINGS
    )
    store: list[str] | DiskStrings = DiskStrings() if big else []
    handler = _SstHandler(store)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    try:
        with zf.open(member) as fh:
            while chunk := fh.read(FEED):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError) as exc:
        if isinstance(store, DiskStrings):
            store.close()
        raise UnsupportedInput(
            f"the workbook's shared strings are damaged ({exc})", hint=REPAIR
        ) from None
    if isinstance(store, DiskStrings):
        store.freeze()
    return store


def _declared_count(head: bytes) -> int:
    for key in (b'uniqueCount="', b'count="'):
        at = head.find(key)
        if at >= 0:
            end = head.find(b'"', at + len(key))
            digits = head[at + len(key) : end]
            if digits.isdigit():
                return int(digits)
    return 0
