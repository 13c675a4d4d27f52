"""Combine token evidence into calibrated per-label probabilities.

The combiner is a tempered naive Bayes in log space::

    score = s(surname) * L_surname
          + given_scale * m(n) * mean_i( s(given_i) * L_given_i )
          + prior_power * log prior(province)
    p     = softmax(score / temperature)

where ``L`` are centred log-likelihoods from the lexicon, a fuzzy match or the n-gram model,
``s(source)`` is 1 for the lexicon, ``fuzzy_scale`` or ``ngram_scale`` otherwise, and
``m(n) = min(1.5, 1 + 0.25 (n - 1))`` lets several given names count a little more than one
without multiplying (given names of one person are not independent evidence).

The five parameters are fitted by minimising the negative log-likelihood on the held-out
calibration split (``data/eval/calibration_names.csv``) with a deterministic coordinate search,
the last step of which is plain temperature scaling. They are stored in
``leadscout_es/resources/calibration.json`` by ``scripts/train_ngram.py``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import msgspec

from leadscout_es.classifiers.evidence import N_LABELS, NameFeatures, softmax
from leadscout_es.errors import LeadScoutError

CALIBRATION_FORMAT = 1
_BOUNDS: dict[str, tuple[float, float]] = {
    "given_scale": (0.1, 3.0),
    "ngram_scale": (0.1, 20.0),
    "fuzzy_scale": (0.1, 2.0),
    "prior_power": (0.0, 0.6),
    "temperature": (0.2, 5.0),
}


class CalibrationParams(msgspec.Struct, frozen=True):
    given_scale: float = 0.9
    ngram_scale: float = 4.0
    fuzzy_scale: float = 0.8
    prior_power: float = 0.3
    temperature: float = 1.0
    fitted_on: str = ""
    n_names: int = 0
    nll: float = 0.0
    format: int = CALIBRATION_FORMAT


def _source_scale(source: str, params: CalibrationParams) -> float:
    if source == "ngram":
        return params.ngram_scale
    if source == "fuzzy":
        return params.fuzzy_scale
    return 1.0


def combine_scores(features: NameFeatures, params: CalibrationParams) -> list[float]:
    """Uncalibrated scores (before the temperature) per label."""
    pp = params.prior_power
    scores = [pp * x for x in features.log_prior]
    if features.surname is not None:
        ev = features.surname[1]
        s = _source_scale(ev.source, params)
        lw = ev.log_weights
        for k in range(N_LABELS):
            scores[k] += s * lw[k]
    given = features.given
    if given:
        n = len(given)
        factor = params.given_scale * min(1.5, 1.0 + 0.25 * (n - 1)) / n
        for _, ev in given:
            s = _source_scale(ev.source, params) * factor
            lw = ev.log_weights
            for k in range(N_LABELS):
                scores[k] += s * lw[k]
    return scores


def calibrated_probs(features: NameFeatures, params: CalibrationParams) -> list[float]:
    scores = combine_scores(features, params)
    t = params.temperature
    return softmax([s / t for s in scores])


def mean_nll(
    features: Sequence[NameFeatures], labels: Sequence[int], params: CalibrationParams
) -> float:
    total = 0.0
    for feat, label in zip(features, labels, strict=True):
        p = calibrated_probs(feat, params)[label]
        total -= math.log(max(p, 1e-12))
    return total / max(1, len(features))


def fit_params(
    features: Sequence[NameFeatures],
    labels: Sequence[int],
    start: CalibrationParams | None = None,
    rounds: int = 8,
) -> CalibrationParams:
    """Deterministic coordinate search minimising mean NLL; ends with temperature scaling."""
    params = start or CalibrationParams()
    best = mean_nll(features, labels, params)
    steps = (0.5, 0.7, 0.85, 0.95, 1.05, 1.2, 1.4, 2.0)
    for _ in range(rounds):
        improved = False
        for name, (lo, hi) in _BOUNDS.items():
            current = float(getattr(params, name))
            candidates = [min(hi, max(lo, current * f)) for f in steps]
            if name == "prior_power":
                candidates += [min(hi, current + d) for d in (0.05, 0.1)]
                candidates += [max(lo, current - d) for d in (0.05, 0.1)]
            for value in candidates:
                trial = msgspec.structs.replace(params, **{name: value})
                nll = mean_nll(features, labels, trial)
                if nll < best - 1e-9:
                    best, params, improved = nll, trial, True
        if not improved:
            break
    params = _fit_temperature(features, labels, params)
    return msgspec.structs.replace(params, nll=round(mean_nll(features, labels, params), 6))


def _fit_temperature(
    features: Sequence[NameFeatures], labels: Sequence[int], params: CalibrationParams
) -> CalibrationParams:
    lo, hi = math.log(_BOUNDS["temperature"][0]), math.log(_BOUNDS["temperature"][1])
    golden = (math.sqrt(5) - 1) / 2

    def loss(log_t: float) -> float:
        trial = msgspec.structs.replace(params, temperature=math.exp(log_t))
        return mean_nll(features, labels, trial)

    a, b = lo, hi
    c, d = b - golden * (b - a), a + golden * (b - a)
    fc, fd = loss(c), loss(d)
    for _ in range(40):
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - golden * (b - a)
            fc = loss(c)
        else:
            a, c, fc = c, d, fd
            d = a + golden * (b - a)
            fd = loss(d)
    return msgspec.structs.replace(params, temperature=round(math.exp((a + b) / 2), 6))


def write_calibration(params: CalibrationParams, path: Path) -> None:
    doc = {
        k: (round(v, 6) if isinstance(v, float) else v)
        for k, v in msgspec.structs.asdict(params).items()
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_calibration(path: Path) -> CalibrationParams:
    try:
        params = msgspec.json.decode(path.read_bytes(), type=CalibrationParams)
    except OSError as exc:
        raise LeadScoutError(
            f"cannot read calibration parameters {path}: {exc.strerror}",
            hint="rebuild them with `python scripts/train_ngram.py`",
        ) from exc
    except msgspec.DecodeError as exc:
        raise LeadScoutError(
            f"calibration parameters {path} are malformed: {exc}",
            hint="rebuild them with `python scripts/train_ngram.py`",
        ) from exc
    if params.format != CALIBRATION_FORMAT:
        raise LeadScoutError(
            f"calibration parameters {path} have format {params.format}",
            hint="rebuild them with `python scripts/train_ngram.py`",
        )
    return params
