"""The name lexicon: given names and surnames with a weight per label.

Files (``data/lexicon/given_names.csv`` and ``data/lexicon/surnames.csv``) have the columns
``name,african,indian,cape_malay,coloured,white,chinese,profile,notes``. A row's weights are
how typical the name is of each group (a likelihood share under equal group sizes, not a
population count): ``DAVIDS`` is split between cape_malay and coloured, ``NAIDOO`` is indian.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from leadscout_es.classifiers.base import LABELS
from leadscout_es.classifiers.evidence import LogWeights, centred_logs
from leadscout_es.errors import LeadScoutError

GIVEN_FILE = "given_names.csv"
SURNAME_FILE = "surnames.csv"


@dataclass(frozen=True, slots=True)
class LexiconEntry:
    name: str
    role: str  # "given" or "surname"
    weights: tuple[float, ...]
    profile: str
    notes: str


def iter_lexicon_file(path: Path, role: str) -> Iterator[LexiconEntry]:
    """Read one lexicon CSV; a malformed row raises LeadScoutError naming the line."""
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("name", *LABELS) if c not in (reader.fieldnames or [])]
            if missing:
                raise LeadScoutError(
                    f"lexicon file {path} lacks columns {', '.join(missing)}",
                    hint="the header must be name,african,indian,cape_malay,coloured,white,chinese,profile,notes",
                )
            for line_no, row in enumerate(reader, start=2):
                try:
                    weights = tuple(float(row[label]) for label in LABELS)
                except (TypeError, ValueError) as exc:
                    raise LeadScoutError(
                        f"lexicon file {path} line {line_no}: bad weight ({exc})",
                        hint="weights are decimal numbers between 0 and 1",
                    ) from exc
                if any(w < 0 for w in weights) or sum(weights) <= 0:
                    raise LeadScoutError(
                        f"lexicon file {path} line {line_no}: weights must be >= 0 and not all 0",
                        hint="give each label a share; they are normalised on load",
                    )
                yield LexiconEntry(
                    name=row["name"].strip().upper(),
                    role=role,
                    weights=weights,
                    profile=row.get("profile") or "",
                    notes=row.get("notes") or "",
                )
    except OSError as exc:
        raise LeadScoutError(
            f"cannot read lexicon file {path}: {exc.strerror}",
            hint="check the data directory (LEADSCOUT_DATA_DIR) holds data/lexicon/*.csv",
        ) from exc


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Centred log-weights per name, one table per role."""

    given: dict[str, LogWeights]
    surname: dict[str, LogWeights]

    def table(self, role: str) -> dict[str, LogWeights]:
        return self.given if role == "given" else self.surname


def iter_entries(lexicon_dir: Path) -> Iterator[LexiconEntry]:
    yield from iter_lexicon_file(lexicon_dir / GIVEN_FILE, "given")
    yield from iter_lexicon_file(lexicon_dir / SURNAME_FILE, "surname")


def read_lexicon(lexicon_dir: Path) -> Lexicon:
    given: dict[str, LogWeights] = {}
    surname: dict[str, LogWeights] = {}
    for entry in iter_entries(lexicon_dir):
        target = given if entry.role == "given" else surname
        target[entry.name] = centred_logs(entry.weights)
    return Lexicon(given=given, surname=surname)
