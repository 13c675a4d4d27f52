"""Hypothesis properties of the cascade: total, deterministic, well-formed outcomes."""

from __future__ import annotations

import subprocess
import sys
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from leadscout_es.classifiers import load_classifier
from leadscout_es.classifiers.base import ALL_LABELS, METHODS, STATUSES, Classifier

name_like = st.builds(
    " ".join,
    st.lists(
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-' ", min_size=1, max_size=12), max_size=5
    ),
)
any_text = st.one_of(st.text(max_size=200), name_like)
provinces = st.sampled_from(["", "Gauteng", "WESTERN CAPE", "kzn", "Limpopo", "??"])


@cache
def classifier() -> Classifier:
    return load_classifier()


@cache
def other_classifier() -> Classifier:
    """A second instance with its own caches: results must not depend on cache state."""
    return load_classifier()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(any_text, provinces), max_size=8))
def test_never_raises_and_outcomes_are_well_formed(rows: list[tuple[str, str]]) -> None:
    names = [n for n, _ in rows]
    outcomes = classifier().classify_batch(names, [p for _, p in rows])
    assert len(outcomes) == len(names)
    for outcome in outcomes:
        assert 0.0 <= outcome.confidence <= 1.0
        assert outcome.label in ALL_LABELS
        assert outcome.status in STATUSES
        assert outcome.method in METHODS
        assert (outcome.status == "ok") == (outcome.label != "unknown")
        assert len(outcome.evidence) <= 200
        if outcome.status == "abstained":
            assert outcome.reason in ("no_evidence", "conflicting_evidence", "low_confidence")


@settings(max_examples=200, deadline=None)
@given(any_text, provinces)
def test_same_input_same_output_in_another_classifier_instance(name: str, province: str) -> None:
    first = classifier().classify_batch([name], [province])[0]
    again = classifier().classify_batch([name, name], [province, province])
    fresh = other_classifier().classify_batch([name], [province])[0]
    assert again == [first, first]
    assert fresh == first


def test_outputs_do_not_depend_on_hash_randomisation() -> None:
    code = (
        "from leadscout_es.classifiers import load_classifier;"
        "c=load_classifier();"
        "print([tuple(o.__struct_fields__ and (o.label,o.confidence,o.method,o.evidence)) "
        "for o in c.classify_batch(['JOHN ADAMS','LIVHUWANI MULAUDZI','XQZAMBIRO TEQUE',"
        "'MOHAMED','DUBEY'],['Western Cape','','','Gauteng',''])])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "12345")
    }
    assert len(outputs) == 1
