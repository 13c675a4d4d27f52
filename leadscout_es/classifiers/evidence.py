"""Per-token evidence: a tempered distribution over labels and where it came from."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from leadscout_es.classifiers.base import LABELS

N_LABELS = len(LABELS)
LABEL_INDEX: dict[str, int] = {label: i for i, label in enumerate(LABELS)}

# Floor added to every per-label weight before taking logs, so no single token can veto a
# label outright (a zero weight would make any later evidence irrelevant).
WEIGHT_FLOOR = 0.002

LogWeights = tuple[float, float, float, float, float, float]
ZERO_WEIGHTS: LogWeights = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class TokenEvidence:
    """What one token says. ``log_weights`` are centred log-likelihoods (sum to zero)."""

    source: str  # "lexicon", "fuzzy" or "ngram"
    log_weights: LogWeights
    detail: str = ""  # e.g. the lexicon entry a fuzzy match hit

    @property
    def best(self) -> tuple[str, float]:
        """The label this token favours most and its share under a uniform prior."""
        probs = softmax(self.log_weights)
        i = max(range(N_LABELS), key=lambda k: (probs[k], -k))
        return LABELS[i], probs[i]


def centred_logs(weights: Sequence[float], floor: float = WEIGHT_FLOOR) -> LogWeights:
    """Log of floored, normalised weights, shifted to mean zero."""
    total = sum(weights) + floor * N_LABELS
    logs = [math.log((w + floor) / total) for w in weights]
    mean = sum(logs) / N_LABELS
    a, b, c, d, e, f = (x - mean for x in logs)
    return (a, b, c, d, e, f)


def scale(log_weights: Sequence[float], factor: float) -> LogWeights:
    a, b, c, d, e, f = (x * factor for x in log_weights)
    return (a, b, c, d, e, f)


def mean_logs(items: Sequence[Sequence[float]]) -> LogWeights:
    n = len(items)
    sums = [0.0] * N_LABELS
    for item in items:
        for k in range(N_LABELS):
            sums[k] += item[k]
    a, b, c, d, e, f = (s / n for s in sums)
    return (a, b, c, d, e, f)


def softmax(scores: Sequence[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass(frozen=True, slots=True)
class NameFeatures:
    """Everything the combiner needs about one parsed name (raw, unscaled evidence)."""

    surname: tuple[str, TokenEvidence] | None
    given: tuple[tuple[str, TokenEvidence], ...]
    log_prior: LogWeights
