"""A character n-gram naive Bayes model over name tokens, trained only from the lexicon.

It gives evidence for names the lexicon has never seen (``NXANGUMUNI``, ``MULAUDZI``,
``SHUHUANG``) from their spelling: ``^NX``, ``DZI$``, ``HUA`` are strong signals.

A token is padded as ``^TOKEN$`` (spaces inside particle surnames become ``_``) and cut
into 2-, 3- and 4-grams. Each lexicon entry adds its per-label weights as fractional counts,
so a shared name (``DAVIDS``) teaches two labels a little rather than one a lot. Scores are
the mean per-gram log-likelihood per label, centred; the cascade scales them by a factor
fitted on the calibration split.

The model file is JSON written with sorted keys and fixed rounding, so retraining on the
same lexicon gives the same bytes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from leadscout_es.classifiers.base import LABELS
from leadscout_es.classifiers.evidence import N_LABELS, LogWeights
from leadscout_es.classifiers.lexicon import LexiconEntry
from leadscout_es.errors import LeadScoutError

MODEL_FORMAT = 1
ORDERS: tuple[int, ...] = (2, 3, 4)
SMOOTHING = 0.05
DIGITS = 3


def iter_grams(token: str, orders: tuple[int, ...] = ORDERS) -> Iterable[str]:
    padded = "^" + token.replace(" ", "_") + "$"
    for n in orders:
        for i in range(len(padded) - n + 1):
            yield padded[i : i + n]


@dataclass(frozen=True, slots=True)
class NgramModel:
    orders: tuple[int, ...]
    unseen: tuple[float, ...]
    grams: dict[str, tuple[float, ...]]

    def score_reference(self, token: str) -> LogWeights:
        """Straightforward form of :meth:`score` (kept to test that the two agree)."""
        sums = [0.0] * N_LABELS
        count = 0
        grams = self.grams
        unseen = self.unseen
        for gram in iter_grams(token, self.orders):
            logs = grams.get(gram, unseen)
            for k in range(N_LABELS):
                sums[k] += logs[k]
            count += 1
        if count == 0:
            return (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        means = [s / count for s in sums]
        centre = sum(means) / N_LABELS
        a, b, c, d, e, f = (m - centre for m in means)
        return (a, b, c, d, e, f)

    def score(self, token: str) -> LogWeights:
        """Mean per-gram log-likelihood per label, centred to sum to zero.

        Same additions in the same order as :meth:`score_reference`, unrolled.
        """
        padded = "^" + token.replace(" ", "_") + "$"
        grams = self.grams
        unseen = self.unseen
        size = len(padded)
        s0 = s1 = s2 = s3 = s4 = s5 = 0.0
        count = 0
        for n in self.orders:
            for i in range(size - n + 1):
                g0, g1, g2, g3, g4, g5 = grams.get(padded[i : i + n], unseen)
                s0 += g0
                s1 += g1
                s2 += g2
                s3 += g3
                s4 += g4
                s5 += g5
                count += 1
        if count == 0:
            return (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        means = [s0 / count, s1 / count, s2 / count, s3 / count, s4 / count, s5 / count]
        centre = sum(means) / N_LABELS
        a, b, c, d, e, f = (m - centre for m in means)
        return (a, b, c, d, e, f)


def train_ngram_model(entries: Iterable[LexiconEntry]) -> NgramModel:
    counts: dict[str, list[float]] = {}
    totals = [0.0] * N_LABELS
    for entry in entries:
        total_weight = sum(entry.weights)
        shares = [w / total_weight for w in entry.weights]
        for gram in iter_grams(entry.name):
            row = counts.setdefault(gram, [0.0] * N_LABELS)
            for k in range(N_LABELS):
                row[k] += shares[k]
                totals[k] += shares[k]
    vocab = len(counts)
    denoms = [totals[k] + SMOOTHING * vocab for k in range(N_LABELS)]
    unseen = tuple(round(math.log(SMOOTHING / denoms[k]), DIGITS) for k in range(N_LABELS))
    grams = {
        gram: tuple(
            round(math.log((row[k] + SMOOTHING) / denoms[k]), DIGITS) for k in range(N_LABELS)
        )
        for gram, row in sorted(counts.items())
    }
    return NgramModel(orders=ORDERS, unseen=unseen, grams=grams)


def write_ngram_model(model: NgramModel, path: Path) -> None:
    doc = {
        "format": MODEL_FORMAT,
        "labels": list(LABELS),
        "orders": list(model.orders),
        "unseen": list(model.unseen),
        "grams": {g: list(v) for g, v in sorted(model.grams.items())},
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)


def read_ngram_model(path: Path) -> NgramModel:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LeadScoutError(
            f"cannot read n-gram model {path}: {exc.strerror}",
            hint="rebuild it with `python scripts/train_ngram.py`",
        ) from exc
    except ValueError as exc:
        raise LeadScoutError(
            f"n-gram model {path} is not valid JSON",
            hint="rebuild it with `python scripts/train_ngram.py`",
        ) from exc
    if doc.get("format") != MODEL_FORMAT or tuple(doc.get("labels", ())) != LABELS:
        raise LeadScoutError(
            f"n-gram model {path} has an unexpected format or label set",
            hint="rebuild it with `python scripts/train_ngram.py`",
        )
    return NgramModel(
        orders=tuple(int(n) for n in doc["orders"]),
        unseen=tuple(float(x) for x in doc["unseen"]),
        grams={g: tuple(v) for g, v in doc["grams"].items()},
    )
