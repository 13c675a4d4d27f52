"""Measure a classifier against labelled names: accuracy, per-label P/R/F1, abstention, ECE.

Definitions (the ``evaluate`` command prints these; docs/classifier.md quotes them):

- *answered* rows are those with status ``ok`` (a label); abstained and rejected rows are not.
- ``coverage`` = answered / total; ``abstention_rate`` = abstained / total (rejected rows are
  counted separately in ``rejected``).
- ``accuracy`` is over answered rows only.
- Per-label precision = correct answers of that label / answers of that label; recall = correct
  answers of that label / all rows truly of that label (an abstention on a true-X row counts
  against X's recall); F1 is their harmonic mean (0 when both are 0). ``macro_f1`` averages F1
  over the labels that occur in the truth or the answers.
- ``ece`` (expected calibration error) is over answered rows: split confidence into 10 equal
  bins, and sum over bins of (rows in bin / answered) * |accuracy in bin - mean confidence in bin|.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from leadscout_es.classifiers.base import LABELS, Classifier

ECE_BINS = 10


class LabelMetrics(msgspec.Struct, frozen=True):
    label: str
    support: int
    predicted: int
    precision: float
    recall: float
    f1: float


class ReliabilityBin(msgspec.Struct, frozen=True):
    lower: float
    upper: float
    count: int
    mean_confidence: float
    accuracy: float


class EvaluationReport(msgspec.Struct, frozen=True):
    classifier_version: str
    total: int
    answered: int
    abstained: int
    rejected: int
    coverage: float
    abstention_rate: float
    accuracy: float
    macro_f1: float
    ece: float
    per_label: list[LabelMetrics]
    reliability: list[ReliabilityBin]
    confusion: dict[str, dict[str, int]]


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _reliability(pairs: list[tuple[float, bool]], bins: int) -> tuple[list[ReliabilityBin], float]:
    table: list[ReliabilityBin] = []
    ece = 0.0
    total = len(pairs)
    for b in range(bins):
        lower, upper = b / bins, (b + 1) / bins
        inside = [
            (c, ok) for c, ok in pairs if (lower <= c < upper) or (b == bins - 1 and c == upper)
        ]
        if not inside:
            table.append(ReliabilityBin(lower, upper, 0, 0.0, 0.0))
            continue
        mean_conf = sum(c for c, _ in inside) / len(inside)
        acc = sum(1 for _, ok in inside if ok) / len(inside)
        ece += len(inside) / total * abs(acc - mean_conf)
        table.append(ReliabilityBin(lower, upper, len(inside), round(mean_conf, 4), round(acc, 4)))
    return table, ece


def evaluate(
    names: Sequence[str],
    labels: Sequence[str],
    provinces: Sequence[str] | None = None,
    classifier: Classifier | None = None,
    *,
    batch_size: int = 1000,
) -> EvaluationReport:
    """Classify ``names`` and score them against the true ``labels``."""
    if classifier is None:
        from leadscout_es.classifiers import load_classifier

        classifier = load_classifier()
    if len(names) != len(labels):
        raise ValueError(f"{len(names)} names but {len(labels)} labels")
    if provinces is not None and len(provinces) != len(names):
        raise ValueError(f"{len(names)} names but {len(provinces)} provinces")
    outcomes = []
    for start in range(0, len(names), batch_size):
        chunk = list(names[start : start + batch_size])
        provs = list(provinces[start : start + batch_size]) if provinces is not None else None
        outcomes.extend(classifier.classify_batch(chunk, provs))

    truth_labels = [str(t).strip().lower() for t in labels]
    present = [lab for lab in LABELS if lab in truth_labels]
    present += sorted({o.label for o in outcomes if o.status == "ok"} - set(present) - {"unknown"})
    confusion: dict[str, dict[str, int]] = {}
    pairs: list[tuple[float, bool]] = []
    answered = abstained = rejected = correct = 0
    for truth, outcome in zip(truth_labels, outcomes, strict=True):
        row = confusion.setdefault(truth, {})
        predicted = outcome.label if outcome.status == "ok" else "unknown"
        row[predicted] = row.get(predicted, 0) + 1
        if outcome.status == "ok":
            answered += 1
            hit = outcome.label == truth
            correct += hit
            pairs.append((outcome.confidence, hit))
        elif outcome.status == "rejected":
            rejected += 1
        else:
            abstained += 1

    per_label: list[LabelMetrics] = []
    for lab in present:
        support = sum(1 for t in truth_labels if t == lab)
        predicted_n = sum(row.get(lab, 0) for row in confusion.values())
        tp = confusion.get(lab, {}).get(lab, 0)
        precision = _ratio(tp, predicted_n)
        recall = _ratio(tp, support)
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_label.append(
            LabelMetrics(
                lab, support, predicted_n, round(precision, 4), round(recall, 4), round(f1, 4)
            )
        )
    reliability, ece = _reliability(pairs, ECE_BINS)
    total = len(names)
    return EvaluationReport(
        classifier_version=classifier.version,
        total=total,
        answered=answered,
        abstained=abstained,
        rejected=rejected,
        coverage=round(_ratio(answered, total), 4),
        abstention_rate=round(_ratio(abstained, total), 4),
        accuracy=round(_ratio(correct, answered), 4),
        macro_f1=round(_ratio(sum(m.f1 for m in per_label), len(per_label)), 4),
        ece=round(ece, 4),
        per_label=per_label,
        reliability=reliability,
        confusion={k: dict(sorted(v.items())) for k, v in sorted(confusion.items())},
    )


def format_report(report: EvaluationReport) -> str:
    """A plain-text rendering for people."""
    lines = [
        f"classifier {report.classifier_version}",
        f"names {report.total}: answered {report.answered}, abstained {report.abstained}, "
        f"rejected {report.rejected}",
        f"coverage {report.coverage:.1%}  abstention {report.abstention_rate:.1%}  "
        f"accuracy (answered) {report.accuracy:.1%}",
        f"macro-F1 {report.macro_f1:.3f}  ECE {report.ece:.3f}",
        "",
        f"{'label':<12}{'support':>8}{'predicted':>10}{'precision':>10}{'recall':>8}{'F1':>7}",
    ]
    for m in report.per_label:
        lines.append(
            f"{m.label:<12}{m.support:>8}{m.predicted:>10}{m.precision:>10.3f}{m.recall:>8.3f}{m.f1:>7.3f}"
        )
    lines += [
        "",
        "reliability (answered rows)",
        f"{'confidence':<14}{'rows':>6}{'mean conf':>11}{'accuracy':>10}",
    ]
    for b in report.reliability:
        if b.count:
            lines.append(
                f"{b.lower:.1f}-{b.upper:.1f}{'':<7}{b.count:>6}{b.mean_confidence:>11.3f}{b.accuracy:>10.3f}"
            )
    return "\n".join(lines)


def read_labelled_csv(
    path: str, label_column: str = "label"
) -> tuple[list[str], list[str], list[str]]:
    """Read ``name``, the label column and (optionally) ``province`` from a CSV file."""
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = [r.get("name", "") or "" for r in rows]
    labels = [r.get(label_column, "") or "" for r in rows]
    provinces = [r.get("province", "") or "" for r in rows]
    return names, labels, provinces


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m leadscout_es.evaluation FILE [--json]``: evaluate the offline cascade."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    paths = [a for a in args if a != "--json"]
    if len(paths) != 1:
        print("usage: python -m leadscout_es.evaluation FILE.csv [--json]", file=sys.stderr)
        return 2
    names, labels, provinces = read_labelled_csv(paths[0])
    report = evaluate(names, labels, provinces)
    print(msgspec.json.encode(report).decode() if as_json else format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
