"""Byte-level framing of segment files. Knows nothing about events.

Segment header (32 bytes, little-endian)::

    0   8  magic          b"LSESLOG\\0"
    8   2  format version  1
    10  2  flags           0 (reserved)
    12  8  writer epoch    u64
    20  8  first seq       u64, seq of the segment's first record (also its file name)
    28  4  header crc      CRC32 of bytes 0..28

Record (8-byte frame header, then the payload)::

    0   4  length          u32, payload length in bytes (0 < length <= MAX_RECORD)
    4   4  crc             CRC32 over the 4 length bytes followed by the payload
    8   n  payload

See docs/log-format.md for the full description and the recovery rules.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

MAGIC = b"LSESLOG\x00"
FORMAT_VERSION = 1
HEADER = struct.Struct("<8sHHQQ")
HEADER_SIZE = HEADER.size + 4
FRAME = struct.Struct("<II")
FRAME_SIZE = FRAME.size
MAX_RECORD = 64 * 1024 * 1024

_LEN = struct.Struct("<I")


@dataclass(frozen=True, slots=True)
class SegmentHeader:
    epoch: int
    first_seq: int
    version: int = FORMAT_VERSION


class HeaderError(ValueError):
    """The 32 header bytes are not a valid segment header."""


def encode_header(epoch: int, first_seq: int) -> bytes:
    body = HEADER.pack(MAGIC, FORMAT_VERSION, 0, epoch, first_seq)
    return body + _LEN.pack(zlib.crc32(body))


def decode_header(buf: bytes) -> SegmentHeader:
    if len(buf) < HEADER_SIZE:
        raise HeaderError(f"header is {len(buf)} bytes, expected {HEADER_SIZE}")
    body = bytes(buf[: HEADER.size])
    magic, version, _flags, epoch, first_seq = HEADER.unpack(body)
    if magic != MAGIC:
        raise HeaderError(f"bad magic {magic!r}")
    (crc,) = _LEN.unpack_from(buf, HEADER.size)
    if crc != zlib.crc32(body):
        raise HeaderError("header checksum mismatch")
    if version != FORMAT_VERSION:
        raise HeaderError(f"unsupported format version {version} (this build reads {FORMAT_VERSION})")
    return SegmentHeader(epoch=epoch, first_seq=first_seq, version=version)


def encode_frame(payload: bytes) -> bytes:
    """Frame one record: length, CRC32(length bytes + payload), payload."""
    n = len(payload)
    if not 0 < n <= MAX_RECORD:
        raise ValueError(f"record payload must be 1..{MAX_RECORD} bytes, got {n}")
    length = _LEN.pack(n)
    return FRAME.pack(n, zlib.crc32(payload, zlib.crc32(length))) + payload


@dataclass(frozen=True, slots=True)
class Damage:
    """Where and how a frame failed to verify."""

    offset: int
    reason: str


def check_frame(buf: bytes | memoryview, offset: int) -> tuple[int, Damage | None]:
    """Verify the frame at ``offset``; return (end offset, None) or (offset, Damage)."""
    remaining = len(buf) - offset
    if remaining < FRAME_SIZE:
        return offset, Damage(offset, f"short frame header ({remaining} bytes)")
    length, crc = FRAME.unpack_from(buf, offset)
    if length == 0 and crc == 0:
        return offset, Damage(offset, "zero-filled bytes")
    if not 0 < length <= MAX_RECORD:
        return offset, Damage(offset, f"implausible record length {length}")
    end = offset + FRAME_SIZE + length
    if end > len(buf):
        return offset, Damage(offset, f"short record ({len(buf) - offset - FRAME_SIZE} of {length} bytes)")
    payload = buf[offset + FRAME_SIZE : end]
    if zlib.crc32(payload, zlib.crc32(buf[offset : offset + 4])) != crc:
        return offset, Damage(offset, "checksum mismatch")
    return end, None


def find_valid_frame(buf: bytes | memoryview, start: int) -> int:
    """Return the first offset >= ``start`` where a complete, verifying frame begins, or -1.

    Used only on the error path, to tell a torn tail (nothing valid after the damage) from
    corruption in the middle of the log (valid records after it).
    """
    limit = len(buf) - FRAME_SIZE
    for offset in range(start, limit):
        length = _LEN.unpack_from(buf, offset)[0]
        if 0 < length <= limit - offset:
            _end, damage = check_frame(buf, offset)
            if damage is None:
                return offset
    return -1


def iter_frames(buf: bytes | memoryview, offset: int) -> tuple[list[memoryview], int, Damage | None]:
    """Split ``buf[offset:]`` into verified payloads, stopping at the first damage."""
    view = memoryview(buf)
    payloads: list[memoryview] = []
    end = len(view)
    while offset < end:
        new_offset, damage = check_frame(view, offset)
        if damage is not None:
            return payloads, offset, damage
        payloads.append(view[offset + FRAME_SIZE : new_offset])
        offset = new_offset
    return payloads, offset, None
