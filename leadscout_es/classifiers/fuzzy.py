"""Spelling variants: ``TSHABALALA``/``CHABALALA``, ``NAIDOO``/``NAIDU``, ``MOKOENA``/``MOKWENA``.

Two steps, so a cheap key never decides on its own:

1. :func:`sa_variant` rewrites a name with South African spelling equivalences (``TSH``->``CH``,
   ``OO``->``U``, ``PH``->``F``, Sotho ``OE``->``WE``, merged vowel pairs, doubled letters) and
   its first letter picks a bucket of lexicon candidates;
2. a rapidfuzz ratio between the rewritten query and each candidate must reach
   :data:`MIN_SIMILARITY` (and both names must be at least :data:`MIN_LENGTH` letters).

A final ``Y`` is kept distinct, so ``DUBEY`` (Hindi) does not fold onto ``DUBE`` (Nguni), and
English phonetic codes are not used at all (Soundex merges ``NAIDOO`` and ``NETO``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

MIN_SIMILARITY = 92.0
MIN_LENGTH = 4

_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"[ '\-_]", ""),
        (r"TSH", "CH"),
        (r"TJ", "CH"),
        (r"PH", "F"),
        (r"([KGDBT])H", r"\1"),
        (r"OE", "WE"),
        (r"OO|OU", "U"),
        (r"EE|IE|EI", "I"),
        (r"AY$", "AI"),
        (r"Y(?!$)", "I"),
        (r"E", "I"),
        (r"O", "U"),
        (r"(.)\1+", r"\1"),
    )
)


def sa_variant(name: str) -> str:
    """South-African-aware spelling skeleton used to narrow and compare candidates."""
    out = name.upper()
    for pattern, repl in _REWRITES:
        out = pattern.sub(repl, out)
    return out


@dataclass(frozen=True, slots=True)
class FuzzyMatch:
    name: str
    similarity: float  # 0..100


class FuzzyIndex:
    """Lexicon names bucketed by the first letter of their variant skeleton."""

    def __init__(self, names: Iterable[str]) -> None:
        buckets: dict[str, list[tuple[str, str]]] = {}
        for name in sorted(names):
            variant = sa_variant(name)
            if len(variant) < MIN_LENGTH:
                continue
            buckets.setdefault(variant[0], []).append((variant, name))
        self._variants = {k: [v for v, _ in items] for k, items in buckets.items()}
        self._names = {k: [n for _, n in items] for k, items in buckets.items()}

    def match(self, token: str) -> FuzzyMatch | None:
        variant = sa_variant(token)
        if len(variant) < MIN_LENGTH:
            return None
        choices = self._variants.get(variant[0])
        if not choices:
            return None
        found = process.extractOne(variant, choices, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY)
        if found is None:
            return None
        _, score, index = found
        return FuzzyMatch(name=self._names[variant[0]][index], similarity=float(score))
