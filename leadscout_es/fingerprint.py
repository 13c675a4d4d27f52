"""Content fingerprint of an input file: its size and SHA-256, read in 1 MiB chunks.

A job records the fingerprint when it starts; a later ``ingest`` of the same path compares it
to decide between resuming and refusing a changed input.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from leadscout_es.errors import InputNotFound, UnsupportedInput

CHUNK = 1 << 20


def fingerprint(path: Path) -> tuple[int, str]:
    """Return ``(size_in_bytes, sha256_hex)`` of the file at ``path``, in bounded memory."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise InputNotFound(
            f"input file not found: {path}", hint="check the path and try again"
        ) from None
    except IsADirectoryError:
        raise UnsupportedInput(
            f"input is a directory, not a file: {path}", hint="pass a .xlsx, .csv or .parquet file"
        ) from None
    except OSError as exc:
        raise UnsupportedInput(
            f"cannot read {path}: {exc.strerror or exc}", hint="check the file's permissions"
        ) from None
    return size, digest.hexdigest()
