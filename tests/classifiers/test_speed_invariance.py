"""The optimised classifier paths must give exactly the outcomes of the plain reference paths.

Speed work (fast parse, unrolled arithmetic, bounded caches) must never change an output:
same label, confidence, method, evidence, status and reason, bit for bit. Each optimised piece
is checked against the straightforward form kept beside it:

- ``normalise.fast_roles`` against ``normalise.parse_name``;
- ``NgramModel.score`` against ``NgramModel.score_reference``;
- ``FuzzyIndex.match`` against ``FuzzyIndex.match_reference``;
- ``CascadeClassifier.classify_batch`` / ``classify_one`` against ``classify_one_reference``
  (no caches), on the evaluation files, a few thousand seeded generated names and hypothesis
  strings, with caches small enough to rotate many times during the test;
- a digest of the outcomes of a fixed generated set, stored for the current data version, so
  that the reference path itself cannot drift unnoticed.
"""

from __future__ import annotations

import csv
import hashlib
import random
from functools import cache
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadscout_es.classifiers import cascade, load_classifier
from leadscout_es.classifiers.base import Outcome
from leadscout_es.classifiers.cascade import BoundedCache, CascadeClassifier
from leadscout_es.classifiers.normalise import (
    ARABIC_PARTICLES,
    COMPANY_WORDS,
    PLACEHOLDERS,
    SUFFIXES,
    SURNAME_PARTICLES,
    TITLES,
    ParsedName,
    fast_roles,
    parse_name,
)
from leadscout_es.classifiers.priors import province_code

REPO = Path(__file__).resolve().parents[2]
PROVINCES = ["", "Gauteng", "WESTERN CAPE", "kzn", "Limpopo", "Eastern Cape", "north west", "??"]

# Digest of the outcomes of _generated(3000, seed=2024), valid for this data version only;
# recorded with the code before the speed work (git HEAD of the classifiers at the time).
DIGEST_VERSION = "cascade-1+da76797e88d7@0.55"
DIGEST = "96c66b9c7f50ce7196fee9d0653122be4a7ad338cfd8d9a37303d08222635f93"


@cache
def classifier() -> CascadeClassifier:
    clf = load_classifier()
    assert isinstance(clf, CascadeClassifier)
    return clf


def _small_cache_classifier(monkeypatch: pytest.MonkeyPatch) -> CascadeClassifier:
    """A fresh classifier whose caches rotate every few dozen entries."""
    monkeypatch.setattr(cascade, "OUTCOME_CACHE_SIZE", 37)
    monkeypatch.setattr(cascade, "VIEW_CACHE_SIZE", 23)
    monkeypatch.setattr(cascade, "EVIDENCE_CACHE_SIZE", 11)
    clf = load_classifier()
    assert isinstance(clf, CascadeClassifier)
    return clf


def _lexicon_tokens() -> tuple[list[str], list[str]]:
    clf = classifier()
    return sorted(clf.finder.lexicon.given), sorted(clf.finder.lexicon.surname)


def _generated(count: int, seed: int) -> list[tuple[str, str]]:
    """CIPC-like names: lexicon tokens, unseen letter strings, initials, titles, particles."""
    rng = random.Random(seed)
    given, surnames = _lexicon_tokens()
    letters = "ABDEGHIKLMNOPRSTUVWZ"
    extras = ["MR", "MRS", "DR", "ADV", "ME", "VAN", "DER", "DE", "LA", "JANSE", "ABDUL", "AL"]
    rows: list[tuple[str, str]] = []
    for _ in range(count):
        parts: list[str] = []
        if rng.random() < 0.15:
            parts.append(rng.choice(extras))
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
            r = rng.random()
            if r < 0.15:
                parts.append(rng.choice("ABCDEFGHJKLMNPRSTVZ"))
            elif r < 0.3:
                parts.append("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))))
            else:
                parts.append(rng.choice(given))
        r = rng.random()
        if r < 0.2:
            parts.append("".join(rng.choice(letters) for _ in range(rng.randint(4, 11))))
        elif r < 0.25:
            parts.append(rng.choice(surnames) + "-" + rng.choice(surnames))
        else:
            parts.append(rng.choice(surnames))
        name = " ".join(parts)
        r = rng.random()
        if r < 0.05:
            name = name.title()
        elif r < 0.08 and len(parts) > 1:
            name = f"{parts[-1]}, {' '.join(parts[:-1])}"
        elif r < 0.1:
            name = f"  {name}. "
        rows.append((name, rng.choice(PROVINCES)))
    return rows


def _eval_rows() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for name in ("labelled_names.csv", "calibration_names.csv"):
        with (REPO / "data" / "eval" / name).open(newline="", encoding="utf-8") as fh:
            rows += [(r["name"], r.get("province") or "") for r in csv.DictReader(fh)]
    return rows


def _reference(clf: CascadeClassifier, rows: list[tuple[str, str]]) -> list[Outcome]:
    return [clf.classify_one_reference(name, province_code(prov)) for name, prov in rows]


def _batched(clf: CascadeClassifier, rows: list[tuple[str, str]]) -> list[Outcome]:
    out: list[Outcome] = []
    for i in range(0, len(rows), 250):
        chunk = rows[i : i + 250]
        out += clf.classify_batch([n for n, _ in chunk], [p for _, p in chunk])
    return out


# --- the whole cascade --------------------------------------------------------------------


def test_eval_files_identical_to_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _eval_rows()
    clf = _small_cache_classifier(monkeypatch)
    assert _batched(clf, rows) == _reference(clf, rows)
    # Again, now partly from the caches.
    assert _batched(clf, rows[::-1]) == _reference(clf, rows[::-1])


def test_generated_names_identical_to_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _generated(4000, seed=7)
    rows += random.Random(8).choices(rows, k=2000)  # repeats, some after cache rotation
    clf = _small_cache_classifier(monkeypatch)
    expected = _reference(clf, rows)
    assert _batched(clf, rows) == expected
    fresh = classifier()  # default cache sizes
    assert _batched(fresh, rows) == expected
    assert [fresh.classify_one(n, province_code(p)) for n, p in rows] == expected


def test_outcome_digest_for_this_data_version() -> None:
    clf = classifier()
    if clf.version != DIGEST_VERSION:
        pytest.skip(f"digest recorded for {DIGEST_VERSION}, data is now {clf.version}")
    rows = _generated(3000, seed=2024)
    encoded = msgspec.json.encode(_batched(clf, rows))
    assert hashlib.sha256(encoded).hexdigest() == DIGEST


name_tokens = st.sampled_from(
    sorted(
        TITLES
        | SUFFIXES
        | SURNAME_PARTICLES
        | ARABIC_PARTICLES
        | {"JANSE", "TRUST", "NOT", "AVAILABLE", "TO", "BE", "ADVISED", "PTY", "CO-OP"}
        | set(sorted(COMPANY_WORDS)[:8])
        | set(sorted(PLACEHOLDERS)[:8])
        | {"NKOSI", "NAIDOO", "VAN DER MERWE", "SMITH-JONES", "O'REILLY", "MULAUDZI", "LEE"}
        | {"A", "B", "J", "X", "XQZWB", "NAUDÉ", "Mohamed", "du", "Toit", "李", "N/A", "J."}
    )
)
name_like = st.builds(
    lambda toks, seps: "".join(t + s for t, s in zip(toks, seps, strict=False)),
    st.lists(st.one_of(name_tokens, st.text("ABCDEIKLMNOSTUZabe-'", max_size=9)), max_size=12),
    st.lists(st.sampled_from([" ", " ", " ", "", "  ", ", ", ".", "-", "\t", " . "]), max_size=12),
)
any_name = st.one_of(name_like, st.text(max_size=130))
provinces = st.sampled_from(PROVINCES)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(any_name, provinces), max_size=6))
def test_hypothesis_names_identical_to_reference(rows: list[tuple[str, str]]) -> None:
    clf = classifier()
    assert _batched(clf, rows) == _reference(clf, rows)


# --- the pieces ---------------------------------------------------------------------------


@settings(max_examples=3000, deadline=None)
@given(any_name)
def test_fast_roles_agrees_with_parse_name(raw: str) -> None:
    fast = fast_roles(raw)
    if fast is None:
        return
    parsed = parse_name(raw)
    assert isinstance(parsed, ParsedName)
    assert fast == (parsed.given, parsed.surname)


def test_fast_roles_takes_the_common_cipc_shapes() -> None:
    for raw, roles in [
        ("SIPHO DAVID NKOSI", (("SIPHO", "DAVID"), "NKOSI")),
        ("T M MAHLAULE", ((), "MAHLAULE")),
        ("MR PRAVIN CHETTY", (("PRAVIN",), "CHETTY")),
        ("Andreas Petrus van der Merwe", (("ANDREAS", "PETRUS"), "VAN DER MERWE")),
        ("AYANDA NDLOVU-JANSE VAN RENSBURG", (("AYANDA", "NDLOVU-JANSE"), "VAN RENSBURG")),
        ("SEAN O'REILLY", (("SEAN",), "O'REILLY")),
    ]:
        assert fast_roles(raw) == roles
        parsed = parse_name(raw)
        assert isinstance(parsed, ParsedName)
        assert (parsed.given, parsed.surname) == roles
    for raw in ["MR", "J", "NOT AVAILABLE", "ABC TRADING", "NKOSI, SIPHO", "NAUDÉ", "A  B", ""]:
        assert fast_roles(raw) is None


@settings(max_examples=1500, deadline=None)
@given(st.text("ABCDEFGHIJKLMNOPRSTUVWYZ -'_", min_size=0, max_size=16))
def test_ngram_score_and_fuzzy_match_agree_with_reference(token: str) -> None:
    finder = classifier().finder
    assert finder.ngram.score(token) == finder.ngram.score_reference(token)
    for index in finder.fuzzy.values():
        assert index.match(token) == index.match_reference(token)


def test_ngram_and_fuzzy_agree_on_lexicon_neighbours() -> None:
    """Near-misses of lexicon names exercise the fuzzy cutoff and its length filter."""
    finder = classifier().finder
    rng = random.Random(5)
    names = sorted(finder.lexicon.given) + sorted(finder.lexicon.surname)
    for name in rng.sample(names, 1500):
        i = rng.randrange(len(name))
        for token in (name, name[:i] + name[i + 1 :], name[:i] + "A" + name[i:], name + "E"):
            assert finder.ngram.score(token) == finder.ngram.score_reference(token)
            for index in finder.fuzzy.values():
                assert index.match(token) == index.match_reference(token)


def test_bounded_cache_keeps_recent_entries_and_stays_bounded() -> None:
    c: BoundedCache[int, int] = BoundedCache(4)
    for i in range(100):
        c.put(i, i)
        assert len(c) <= 8
    assert c.get(0) is None
    assert c.get(99) == 99
    hot: BoundedCache[int, int] = BoundedCache(4)
    hot.put(-1, -1)
    for i in range(100):
        assert hot.get(-1) == -1  # used continuously: never evicted
        hot.put(i, i)
    with pytest.raises(ValueError):
        BoundedCache(0)
