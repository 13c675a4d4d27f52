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
MAX_FUZZY_LENGTH = 64  # longer queries skip the per-length candidate lists (kept small)

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


def sa_variant_reference(name: str) -> str:
    """Straightforward form of :func:`sa_variant` (kept to test that the two agree)."""
    out = name.upper()
    for pattern, repl in _REWRITES:
        out = pattern.sub(repl, out)
    return out


(
    _SEPARATORS,
    _TSH,
    _TJ,
    _PH,
    _ASPIRATED,
    _OE,
    _OO_OU,
    _VOWEL_PAIRS,
    _FINAL_AY,
    _INNER_Y,
    _E,
    _O,
    _DOUBLED,
) = _REWRITES


def sa_variant(name: str) -> str:
    """South-African-aware spelling skeleton used to narrow and compare candidates.

    The rewrites of :data:`_REWRITES`, in order; a rewrite is skipped only when a substring
    test shows its pattern cannot match (a ``sub`` without a match returns the text unchanged).
    """
    out = name.upper()
    if " " in out or "'" in out or "-" in out or "_" in out:
        out = _SEPARATORS[0].sub(_SEPARATORS[1], out)
    if "TSH" in out:
        out = _TSH[0].sub(_TSH[1], out)
    if "TJ" in out:
        out = _TJ[0].sub(_TJ[1], out)
    if "PH" in out:
        out = _PH[0].sub(_PH[1], out)
    if "H" in out:
        out = _ASPIRATED[0].sub(_ASPIRATED[1], out)
    if "OE" in out:
        out = _OE[0].sub(_OE[1], out)
    if "O" in out:
        out = _OO_OU[0].sub(_OO_OU[1], out)
    if "E" in out:
        out = _VOWEL_PAIRS[0].sub(_VOWEL_PAIRS[1], out)
    if out.endswith("AY"):
        out = _FINAL_AY[0].sub(_FINAL_AY[1], out)
    if "Y" in out:
        out = _INNER_Y[0].sub(_INNER_Y[1], out)
    if "E" in out:
        out = _E[0].sub(_E[1], out)
    if "O" in out:
        out = _O[0].sub(_O[1], out)
    return _DOUBLED[0].sub(_DOUBLED[1], out)


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
        self._by_length: dict[tuple[str, int], tuple[list[str], list[str]]] = {}

    def match(self, token: str) -> FuzzyMatch | None:
        return self.match_variant(sa_variant(token))

    def match_reference(self, token: str) -> FuzzyMatch | None:
        """Straightforward form of :meth:`match` (kept to test that the two agree)."""
        return self._match_all(sa_variant_reference(token))

    def _candidates(self, first: str, size: int) -> tuple[list[str], list[str]]:
        """The bucket's candidates whose length allows a ratio near the cutoff, in order.

        ``fuzz.ratio`` is ``200 * LCS / (len1 + len2) <= 200 * min / (len1 + len2)``, so a
        candidate with ``200 * min / (len1 + len2) < 91.5`` can never reach 92 and dropping
        it (keeping the others' order) cannot change what ``extractOne`` returns.
        """
        key = (first, size)
        hit = self._by_length.get(key)
        if hit is None:
            variants: list[str] = []
            names: list[str] = []
            for v, n in zip(self._variants.get(first, []), self._names.get(first, []), strict=True):
                if 400 * min(size, len(v)) >= 183 * (size + len(v)):
                    variants.append(v)
                    names.append(n)
            hit = self._by_length[key] = (variants, names)
        return hit

    def match_variant(self, variant: str) -> FuzzyMatch | None:
        """:meth:`match` for a token whose :func:`sa_variant` is already known."""
        size = len(variant)
        if size < MIN_LENGTH or size > MAX_FUZZY_LENGTH:
            return self._match_all(variant)
        choices, names = self._candidates(variant[0], size)
        if not choices:
            return None
        found = process.extractOne(variant, choices, scorer=fuzz.ratio, score_cutoff=MIN_SIMILARITY)
        if found is None:
            return None
        _, score, index = found
        return FuzzyMatch(name=names[index], similarity=float(score))

    def _match_all(self, variant: str) -> FuzzyMatch | None:
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
