"""Finding the name and province columns in an input's header."""

from __future__ import annotations

import re

from leadscout_es.errors import MissingColumn

NAME_CANDIDATES = ("directorname", "director", "directorfullname", "fullname", "name")
PROVINCE_CANDIDATES = ("registeredaddressprovince", "province", "addressprovince")


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def find_column(columns: list[str], wanted: str) -> int:
    for i, col in enumerate(columns):
        if col == wanted:
            return i
    key = _key(wanted)
    for i, col in enumerate(columns):
        if _key(col) == key:
            return i
    return -1


def resolve_name_column(columns: list[str], requested: str | None) -> int:
    """Index of the director-name column: ``--name-column`` or the usual CIPC headers."""
    if requested:
        index = find_column(columns, requested)
        if index < 0:
            raise MissingColumn(
                f"name column {requested!r} not found; columns are: {_listing(columns)}",
                "pass the right header with --name-column",
            )
        return index
    for candidate in NAME_CANDIDATES:
        index = find_column(columns, candidate)
        if index >= 0:
            return index
    raise MissingColumn(
        f"no director name column (DirectorName) found; columns are: {_listing(columns)}",
        "pass the column holding the names with --name-column",
    )


def resolve_province_column(columns: list[str]) -> int:
    for candidate in PROVINCE_CANDIDATES:
        index = find_column(columns, candidate)
        if index >= 0:
            return index
    return -1


def _listing(columns: list[str]) -> str:
    shown = ", ".join(repr(c) for c in columns[:20])
    return shown + (f", ... ({len(columns)} in all)" if len(columns) > 20 else "")
