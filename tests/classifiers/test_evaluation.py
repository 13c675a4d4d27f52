"""Evaluation metrics against a tiny hand-computed example."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from leadscout_es.classifiers.base import Outcome
from leadscout_es.evaluation import evaluate, format_report


class ScriptedClassifier:
    """Answers from a fixed table, so the metrics can be worked out by hand."""

    version = "scripted-1"

    def __init__(self, table: dict[str, Outcome]) -> None:
        self.table = table

    def classify_batch(
        self, names: Sequence[str], provinces: Sequence[str] | None = None
    ) -> list[Outcome]:
        return [self.table[n] for n in names]


def ok(label: str, confidence: float) -> Outcome:
    return Outcome(label, confidence, "lexicon", "", "ok")


ABSTAIN = Outcome("unknown", 0.4, "lexicon", "", "abstained", "low_confidence")
REJECT = Outcome("unknown", 0.0, "none", "", "rejected", "rejected_input: contains digits")


def test_metrics_match_a_hand_computed_example() -> None:
    # truth:     A  A  A  W  W  C  C
    # predicted: A  A  W  W  ?  C  rejected
    table = {
        "a1": ok("african", 0.95),
        "a2": ok("african", 0.95),
        "a3": ok("white", 0.65),
        "w1": ok("white", 0.95),
        "w2": ABSTAIN,
        "c1": ok("coloured", 0.65),
        "c2": REJECT,
    }
    names = list(table)
    labels = ["african"] * 3 + ["white"] * 2 + ["coloured"] * 2
    report = evaluate(names, labels, None, ScriptedClassifier(table))
    assert (report.total, report.answered, report.abstained, report.rejected) == (7, 5, 1, 1)
    assert report.coverage == pytest.approx(5 / 7, abs=1e-4)
    assert report.abstention_rate == pytest.approx(1 / 7, abs=1e-4)
    assert report.accuracy == pytest.approx(4 / 5)
    by = {m.label: m for m in report.per_label}
    # african: P = 2/2, R = 2/3, F1 = 0.8
    assert (by["african"].precision, by["african"].recall, by["african"].f1) == (1.0, 0.6667, 0.8)
    # white: P = 1/2, R = 1/2, F1 = 0.5
    assert (by["white"].precision, by["white"].recall, by["white"].f1) == (0.5, 0.5, 0.5)
    # coloured: P = 1/1, R = 1/2, F1 = 2/3
    assert by["coloured"].f1 == pytest.approx(2 / 3, abs=1e-4)
    assert report.macro_f1 == pytest.approx((0.8 + 0.5 + 2 / 3) / 3, abs=1e-4)
    # ECE: bin 0.9-1.0 has 3 rows, conf .95, acc 1 -> 3/5*.05; bin 0.6-0.7 has 2 rows
    # (a3 wrong, c1 right), conf .65, acc .5 -> 2/5*.15. Total .03 + .06 = .09
    assert report.ece == pytest.approx(0.09, abs=1e-4)
    bins = {round(b.lower, 1): b for b in report.reliability if b.count}
    assert bins[0.9].count == 3 and bins[0.6].count == 2
    assert report.confusion["white"] == {"unknown": 1, "white": 1}
    text = format_report(report)
    assert "macro-F1" in text and "coloured" in text


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        evaluate(["a"], [], None, ScriptedClassifier({}))
