"""The offline cascade: normalise -> per-token evidence -> combine -> calibrate -> decide.

Per token, the first of these that answers is used (and cached, since real files repeat
tokens heavily):

1. the lexicon for the token's role (given name or surname);
2. the lexicon for the other role, discounted (``NAIDOO`` written first, reversed order);
3. for joined or hyphenated tokens (``ABDUL KARIM``, ``SMITH-JONES``), the mean of the parts
   found in the lexicon;
4. a fuzzy spelling variant of a lexicon name (``TSHABALALA`` -> ``CHABALALA``);
5. the character n-gram model, which always answers for Latin letters.

The combiner (see :mod:`calibration`) turns the evidence and the provincial prior into
calibrated probabilities. Below ``abstain_below`` the outcome is ``unknown``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from leadscout_es.classifiers.base import LABELS, UNKNOWN, Outcome
from leadscout_es.classifiers.calibration import CalibrationParams
from leadscout_es.classifiers.evidence import (
    N_LABELS,
    LogWeights,
    NameFeatures,
    TokenEvidence,
    mean_logs,
    scale,
    softmax,
)
from leadscout_es.classifiers.fuzzy import FuzzyIndex
from leadscout_es.classifiers.lexicon import Lexicon
from leadscout_es.classifiers.ngram import NgramModel
from leadscout_es.classifiers.normalise import (
    ARABIC_PARTICLES,
    SURNAME_PARTICLES,
    ParsedName,
    Unusable,
    parse_name,
)
from leadscout_es.classifiers.priors import ProvincePrior, province_code

CROSS_ROLE_SCALE = 0.7
MAX_EVIDENCE_CHARS = 200
OUTCOME_CACHE_LIMIT = 200_000
_OTHER_ROLE = {"given": "surname", "surname": "given"}


class EvidenceFinder:
    """Finds (and caches) the evidence for one token in one role."""

    def __init__(self, lexicon: Lexicon, ngram: NgramModel) -> None:
        self.lexicon = lexicon
        self.ngram = ngram
        self.fuzzy = {
            "given": FuzzyIndex(lexicon.given),
            "surname": FuzzyIndex(lexicon.surname),
        }
        self._cache: dict[tuple[str, str], TokenEvidence] = {}

    def find(self, role: str, token: str) -> TokenEvidence:
        key = (role, token)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._find_uncached(role, token)
            self._cache[key] = hit
        return hit

    def _exact(self, role: str, token: str) -> TokenEvidence | None:
        own = self.lexicon.table(role).get(token)
        if own is not None:
            return TokenEvidence("lexicon", own)
        other = self.lexicon.table(_OTHER_ROLE[role]).get(token)
        if other is not None:
            return TokenEvidence(
                "lexicon", scale(other, CROSS_ROLE_SCALE), f"as {_OTHER_ROLE[role]}"
            )
        return None

    def _find_uncached(self, role: str, token: str) -> TokenEvidence:
        exact = self._exact(role, token)
        if exact is not None:
            return exact
        if " " in token or "-" in token:
            parts = [
                p
                for p in token.replace("-", " ").split()
                if p not in SURNAME_PARTICLES and p not in ARABIC_PARTICLES
            ]
            found = [ev for p in parts if (ev := self._exact(role, p)) is not None]
            if found and len(found) == len(parts):
                return TokenEvidence(
                    "lexicon", mean_logs([ev.log_weights for ev in found]), "parts"
                )
        for which in (role, _OTHER_ROLE[role]):
            match = self.fuzzy[which].match(token)
            if match is not None:
                base = self.lexicon.table(which)[match.name]
                factor = match.similarity / 100.0
                if which != role:
                    factor *= CROSS_ROLE_SCALE
                return TokenEvidence("fuzzy", scale(base, factor), f"~{match.name}")
        return TokenEvidence("ngram", self.ngram.score(token))


def _fmt_share(p: float) -> str:
    return "1.00" if p >= 0.995 else f"{p:.2f}".lstrip("0")


@dataclass(frozen=True, slots=True)
class _TokenView:
    """A token's evidence compiled for the current parameters (cached per role and token)."""

    evidence: TokenEvidence
    scaled: LogWeights  # log-weights times the source scale (and given_scale for given names)
    label: str  # what this token alone favours
    share: float  # its calibrated share under a uniform prior
    text: str  # explanation fragment


class CascadeClassifier:
    """Lexicon + fuzzy + n-gram evidence with a provincial prior, calibrated, with abstention."""

    def __init__(
        self,
        finder: EvidenceFinder,
        prior: ProvincePrior,
        params: CalibrationParams,
        abstain_below: float,
        version: str,
    ) -> None:
        if not 0.0 <= abstain_below <= 1.0:
            raise ValueError(f"abstain_below must be within [0, 1], got {abstain_below}")
        self.finder = finder
        self.prior = prior
        self.params = params
        self.abstain_below = abstain_below
        self._version = version
        self._outcomes: dict[tuple[str, str], Outcome] = {}
        self._views: dict[tuple[str, str], _TokenView] = {}
        self._codes: dict[str, str] = {}

    @property
    def version(self) -> str:
        return self._version

    def features(self, parsed: ParsedName, code: str) -> NameFeatures:
        find = self.finder.find
        surname = (parsed.surname, find("surname", parsed.surname)) if parsed.surname else None
        given = tuple((tok, find("given", tok)) for tok in parsed.given)
        return NameFeatures(surname=surname, given=given, log_prior=self.prior.for_code(code))

    def classify_batch(
        self, names: Sequence[str], provinces: Sequence[str] | None = None
    ) -> list[Outcome]:
        if provinces is not None and len(provinces) != len(names):
            raise ValueError(f"got {len(names)} names but {len(provinces)} provinces")
        out: list[Outcome] = []
        cache = self._outcomes
        codes = self._codes
        for i, name in enumerate(names):
            code = "ZA"
            if provinces is not None:
                province = provinces[i] if isinstance(provinces[i], str) else ""
                code = codes.get(province) or codes.setdefault(province, province_code(province))
            key = (name, code)
            outcome = cache.get(key) if isinstance(name, str) else None
            if outcome is None:
                outcome = self.classify_one(name, code)
                if len(cache) >= OUTCOME_CACHE_LIMIT:
                    cache.clear()
                if isinstance(name, str):
                    cache[key] = outcome
            out.append(outcome)
        return out

    def _view(self, role: str, token: str) -> _TokenView:
        key = (role, token)
        view = self._views.get(key)
        if view is not None:
            return view
        ev = self.finder.find(role, token)
        params = self.params
        factor = {"ngram": params.ngram_scale, "fuzzy": params.fuzzy_scale}.get(ev.source, 1.0)
        if role == "given":
            factor *= params.given_scale
        scaled = scale(ev.log_weights, factor)
        probs = softmax([x / params.temperature for x in scaled])
        best = max(range(N_LABELS), key=lambda k: (probs[k], -k))
        via = f" {ev.detail}" if ev.detail.startswith("~") else ""
        text = f"{role} {token}→{LABELS[best]} ({ev.source}{via} {_fmt_share(probs[best])})"
        view = _TokenView(ev, scaled, LABELS[best], probs[best], text)
        if len(self._views) >= OUTCOME_CACHE_LIMIT:
            self._views.clear()
        self._views[key] = view
        return view

    def classify_one(self, name: str, code: str = "ZA") -> Outcome:
        parsed = parse_name(name) if isinstance(name, str) else parse_name("")
        if isinstance(parsed, Unusable):
            if parsed.rejected:
                return Outcome(UNKNOWN, 0.0, "none", parsed.reason, "rejected", parsed.reason)
            return Outcome(UNKNOWN, 0.0, "none", parsed.reason, "abstained", "no_evidence")
        # Same arithmetic as calibration.combine_scores, on cached pre-scaled token views.
        surname_view = self._view("surname", parsed.surname)
        views = [surname_view]
        scores = list(surname_view.scaled)
        n_given = len(parsed.given)
        if n_given:
            gf = min(1.5, 1.0 + 0.25 * (n_given - 1)) / n_given
            for tok in parsed.given:
                view = self._view("given", tok)
                views.append(view)
                scores = [x + gf * y for x, y in zip(scores, view.scaled, strict=True)]
        name_only = scores
        pp = self.params.prior_power
        t = self.params.temperature
        scores = [
            (x + pp * y) / t for x, y in zip(scores, self.prior.for_code(code), strict=True)
        ]
        top_score = max(scores)
        exps = [math.exp(x - top_score) for x in scores]
        total = sum(exps)
        probs = [e / total for e in exps]
        top = probs.index(max(probs))
        second = max((k for k in range(N_LABELS) if k != top), key=probs.__getitem__)
        confidence = round(probs[top], 4)
        if len(views) == 1:
            method = surname_view.evidence.source
        else:
            method = max(views, key=lambda v: v.scaled[top] - v.scaled[second]).evidence.source
        explanation = self._explain(views, name_only, code, top)
        if confidence >= self.abstain_below:
            return Outcome(LABELS[top], confidence, method, explanation, "ok")
        strong = {v.label for v in views if v.share >= 0.7}
        reason = "conflicting_evidence" if len(strong) >= 2 else "low_confidence"
        head = (
            f"top {LABELS[top]} {_fmt_share(probs[top])}, "
            f"{LABELS[second]} {_fmt_share(probs[second])}; "
        )
        return Outcome(UNKNOWN, confidence, method, _clip(head + explanation), "abstained", reason)

    def _explain(self, views: list[_TokenView], name_only: list[float], code: str, top: int) -> str:
        parts = [v.text for v in views[:3]]
        if len(views) > 3:
            parts.append(f"+{len(views) - 3} more")
        if code != "ZA" and self.params.prior_power > 0:
            before = max(range(N_LABELS), key=lambda k: (name_only[k], -k))
            if before != top:
                parts.append(f"prior {code} tipped {LABELS[before]}→{LABELS[top]}")
        return _clip("; ".join(parts))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"
