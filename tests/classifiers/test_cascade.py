"""Behaviour of the whole offline cascade."""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path

import pytest

from leadscout_es.classifiers import DEFAULT_ABSTAIN_BELOW, load_classifier
from leadscout_es.classifiers.base import METHODS, Outcome
from leadscout_es.classifiers.calibration import calibrated_probs
from leadscout_es.classifiers.cascade import CascadeClassifier
from leadscout_es.classifiers.fuzzy import FuzzyIndex, sa_variant
from leadscout_es.classifiers.normalise import ParsedName, parse_name
from leadscout_es.classifiers.priors import province_code
from leadscout_es.errors import LeadScoutError


@cache
def cascade() -> CascadeClassifier:
    clf = load_classifier()
    assert isinstance(clf, CascadeClassifier)
    return clf


def one(name: str, province: str = "") -> Outcome:
    return cascade().classify_batch([name], [province])[0]


@pytest.mark.parametrize(
    ("name", "province", "label"),
    [
        ("ANDREAS PETRUS VAN DER MERWE", "Western Cape", "white"),
        ("NXANGUMUNI HLUNGWANI", "Limpopo", "african"),
        ("LIVHUWANI MULAUDZI", "Limpopo", "african"),
        ("SHUHUANG YAN", "Gauteng", "chinese"),
        ("SHUHUANG YAN", "", "chinese"),
    ],
)
def test_predecessor_failures_get_correct_confident_labels(
    name: str, province: str, label: str
) -> None:
    outcome = one(name, province)
    assert outcome.status == "ok"
    assert outcome.label == label
    assert outcome.confidence >= 0.85


@pytest.mark.parametrize(
    ("name", "province", "label"),
    [
        ("YUSUF ADAMS", "Western Cape", "cape_malay"),
        ("ASHWIN NAIDOO", "KwaZulu-Natal", "indian"),
        ("ACHMAT HENDRICKS", "Western Cape", "cape_malay"),
        ("SIPHO DLAMINI", "Gauteng", "african"),
        ("JOHN WONG", "Gauteng", "chinese"),
        ("Dr. Sipho Chabalala", "KZN", "african"),
    ],
)
def test_given_name_and_surname_evidence_combine(name: str, province: str, label: str) -> None:
    assert one(name, province).label == label


def test_english_given_name_with_shared_surname_is_not_confidently_certain() -> None:
    outcome = one("JOHN ADAMS", "Gauteng")
    assert outcome.label in ("coloured", "unknown")
    assert outcome.confidence < 0.9


def test_province_prior_never_overrides_clear_name_evidence() -> None:
    for province in ("Limpopo", "Western Cape", "Mpumalanga", ""):
        assert one("ASHWIN NAIDOO", province).label == "indian"
        assert one("LIVHUWANI MULAUDZI", province).label == "african"
        assert one("MEILING CHEN", province).label == "chinese"


def test_evidence_names_the_tokens_and_stays_short() -> None:
    outcome = one("LIVHUWANI MULAUDZI", "Limpopo")
    assert "surname MULAUDZI→african" in outcome.evidence
    assert "given LIVHUWANI→african (lexicon" in outcome.evidence
    long_name = "ANDREAS PETRUS JOHANNES HENDRIK GERHARD WILLEM VAN DER MERWE"
    assert len(one(long_name).evidence) < 200


def test_abstention_gives_reason_and_top_two_candidates() -> None:
    outcome = one("DUBEY")
    assert outcome.status == "abstained"
    assert outcome.label == "unknown"
    assert outcome.reason in ("low_confidence", "conflicting_evidence")
    assert outcome.evidence.startswith("top ")


def test_conflicting_strong_tokens_abstain_as_conflicting() -> None:
    strict = load_classifier(abstain_below=0.999)
    outcome = strict.classify_batch(["MEILING DLAMINI"])[0]
    assert outcome.status == "abstained"
    assert outcome.reason == "conflicting_evidence"


def test_rejected_rows_carry_the_reason() -> None:
    outcome = one("ABC TRADING (PTY) LTD")
    assert outcome.status == "rejected"
    assert outcome.method == "none"
    assert outcome.reason == "rejected_input: contains company word TRADING"


def test_methods_are_from_the_fixed_vocabulary() -> None:
    names = ["SIPHO DLAMINI", "LIVHUWANI MULAUDZI", "XQZVAN", "N/A", "J.P."]
    for outcome in cascade().classify_batch(names):
        assert outcome.method in METHODS


def test_fast_path_matches_the_calibration_combiner() -> None:
    clf = cascade()
    for name, province in [("YUSUF ADAMS", "Western Cape"), ("JOHN PETRUS SMITH", "Gauteng")]:
        parsed = parse_name(name)
        assert isinstance(parsed, ParsedName)
        code = province_code(province)
        expected = max(calibrated_probs(clf.features(parsed, code), clf.params))
        assert clf.classify_one(name, code).confidence == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Gauteng", "GP"),
        ("WESTERN CAPE", "WC"),
        ("KwaZulu-Natal", "KZN"),
        ("kzn", "KZN"),
        ("", "ZA"),
        ("Atlantis", "ZA"),
        ("north-west", "NW"),
    ],
)
def test_province_spellings_are_tolerated(spelling: str, code: str) -> None:
    assert province_code(spelling) == code


def test_fuzzy_matches_south_african_variants_but_not_phonetic_lookalikes() -> None:
    index = FuzzyIndex(["TSHABALALA", "NAIDU", "DUBE", "MOKOENA"])
    assert (m := index.match("CHABALALA")) is not None and m.name == "TSHABALALA"
    assert (m := index.match("NAIDOO")) is not None and m.name == "NAIDU"
    assert (m := index.match("MOKWENA")) is not None and m.name == "MOKOENA"
    assert index.match("DUBEY") is None
    assert index.match("NETO") is None
    assert sa_variant("DUBEY") != sa_variant("DUBE")


def test_missing_data_dir_raises_a_one_line_error_with_hint(tmp_path: Path) -> None:
    with pytest.raises(LeadScoutError) as info:
        load_classifier(data_dir=tmp_path / "nowhere")
    assert "\n" not in info.value.message
    assert info.value.hint


def test_data_dir_env_var_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADSCOUT_DATA_DIR", os.fspath(tmp_path))
    with pytest.raises(LeadScoutError):
        load_classifier()


def test_loading_is_fast_and_version_tracks_threshold() -> None:
    start = time.perf_counter()
    clf = load_classifier()
    assert time.perf_counter() - start < 0.5
    assert clf.version.endswith(f"@{DEFAULT_ABSTAIN_BELOW:g}")
    assert load_classifier(abstain_below=0.7).version != clf.version


def test_batch_length_mismatch_is_an_error() -> None:
    with pytest.raises(ValueError):
        cascade().classify_batch(["A B"], ["Gauteng", "Limpopo"])
