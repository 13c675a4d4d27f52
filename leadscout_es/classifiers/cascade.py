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
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

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
from leadscout_es.classifiers.fuzzy import FuzzyIndex, sa_variant
from leadscout_es.classifiers.lexicon import Lexicon
from leadscout_es.classifiers.ngram import NgramModel
from leadscout_es.classifiers.normalise import (
    ARABIC_PARTICLES,
    MAX_TOKENS,
    SURNAME_PARTICLES,
    ParsedName,
    Unusable,
    fast_roles,
    parse_name,
)
from leadscout_es.classifiers.priors import ProvincePrior, province_code

CROSS_ROLE_SCALE = 0.7
MAX_EVIDENCE_CHARS = 200
# Cache sizes, in entries per generation (each cache holds at most two generations). Chosen so
# the classifier's caches stay under ~25 MB however many distinct names a file holds, while
# real files' tokens (which repeat heavily) nearly always hit. See docs/classifier.md "Speed".
OUTCOME_CACHE_SIZE = 8_192
VIEW_CACHE_SIZE = 8_192  # per role
EVIDENCE_CACHE_SIZE = 4_096
_OTHER_ROLE = {"given": "surname", "surname": "given"}

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A dict bounded to ``2 * size`` entries that keeps recently used entries (LRU-like).

    New entries go into ``young``; when it holds ``size`` entries it becomes ``old`` and the
    previous ``old`` is dropped. A hit in ``old`` is copied back into ``young``, so entries in
    steady use survive every rotation. O(1), no per-hit bookkeeping on the common path.
    """

    __slots__ = ("old", "size", "young")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"cache size must be >= 1, got {size}")
        self.size = size
        self.young: dict[K, V] = {}
        self.old: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self.young) + len(self.old)

    def get(self, key: K) -> V | None:
        hit = self.young.get(key)
        if hit is None:
            hit = self.old.get(key)
            if hit is not None:
                self.put(key, hit)
        return hit

    def put(self, key: K, value: V) -> None:
        young = self.young
        if len(young) >= self.size:
            self.old = young
            young = self.young = {}
        young[key] = value


class EvidenceFinder:
    """Finds (and caches) the evidence for one token in one role."""

    def __init__(self, lexicon: Lexicon, ngram: NgramModel) -> None:
        self.lexicon = lexicon
        self.ngram = ngram
        self.fuzzy = {
            "given": FuzzyIndex(lexicon.given),
            "surname": FuzzyIndex(lexicon.surname),
        }
        self._cache: BoundedCache[tuple[str, str], TokenEvidence] = BoundedCache(
            EVIDENCE_CACHE_SIZE
        )

    def find(self, role: str, token: str) -> TokenEvidence:
        key = (role, token)
        hit = self._cache.get(key)
        if hit is None:
            hit = self.find_uncached(role, token)
            self._cache.put(key, hit)
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

    def find_uncached(self, role: str, token: str) -> TokenEvidence:
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
        variant = sa_variant(token)
        for which in (role, _OTHER_ROLE[role]):
            match = self.fuzzy[which].match_variant(variant)
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

    source: str  # the evidence's source: "lexicon", "fuzzy" or "ngram"
    scaled: LogWeights  # log-weights times the source scale (and given_scale for given names)
    label: str  # what this token alone favours
    share: float  # its calibrated share under a uniform prior
    text: str  # explanation fragment


# given-name factor min(1.5, 1 + 0.25 (n - 1)) / n, same expression, evaluated once per n
_GIVEN_FACTORS = tuple(
    min(1.5, 1.0 + 0.25 * (n - 1)) / n if n else 0.0 for n in range(MAX_TOKENS + 1)
)


class CascadeClassifier:
    """Lexicon + fuzzy + n-gram evidence with a provincial prior, calibrated, with abstention.

    :meth:`classify_one` is the optimised path; :meth:`classify_one_reference` is the plain
    form of the same computation, kept so tests can check that both give identical outcomes
    (same floating-point operations in the same order).
    """

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
        self._outcomes: BoundedCache[tuple[str, str], Outcome] = BoundedCache(OUTCOME_CACHE_SIZE)
        self._surname_views: BoundedCache[str, _TokenView] = BoundedCache(VIEW_CACHE_SIZE)
        self._given_views: BoundedCache[str, _TokenView] = BoundedCache(VIEW_CACHE_SIZE)
        self._codes: dict[str, str] = {}
        self._scaled_priors: dict[str, LogWeights] = {}
        self._explain_prior = params.prior_power > 0

    @property
    def version(self) -> str:
        return self._version

    def features(self, parsed: ParsedName, code: str) -> NameFeatures:
        find = self.finder.find
        surname = (parsed.surname, find("surname", parsed.surname)) if parsed.surname else None
        given = tuple((tok, find("given", tok)) for tok in parsed.given)
        return NameFeatures(surname=surname, given=given, log_prior=self.prior.for_code(code))

    def _code(self, province: object) -> str:
        codes = self._codes
        text = province if isinstance(province, str) else ""
        code = codes.get(text)
        if code is None:
            if len(codes) >= 1024:  # free-text provinces: keep this small too
                codes.clear()
            code = codes[text] = province_code(text)
        return code

    def classify_batch(
        self, names: Sequence[str], provinces: Sequence[str] | None = None
    ) -> list[Outcome]:
        if provinces is not None and len(provinces) != len(names):
            raise ValueError(f"got {len(names)} names but {len(provinces)} provinces")
        out: list[Outcome] = []
        append = out.append
        cache = self._outcomes
        codes = self._codes
        classify = self.classify_one
        for i, name in enumerate(names):
            if provinces is None:
                code = "ZA"
            else:
                province = provinces[i]
                code = (codes.get(province) if isinstance(province, str) else None) or self._code(
                    province
                )
            if not isinstance(name, str):
                append(classify("", code))
                continue
            key = (name, code)
            outcome = cache.young.get(key)
            if outcome is None:  # BoundedCache.get/put, inlined
                outcome = cache.old.get(key) or classify(name, code)
                young = cache.young
                if len(young) >= cache.size:
                    cache.old = young
                    young = cache.young = {}
                young[key] = outcome
            append(outcome)
        return out

    def _compile_view(self, role: str, token: str) -> _TokenView:
        ev = self.finder.find_uncached(role, token)
        params = self.params
        factor = {"ngram": params.ngram_scale, "fuzzy": params.fuzzy_scale}.get(ev.source, 1.0)
        if role == "given":
            factor *= params.given_scale
        scaled = scale(ev.log_weights, factor)
        probs = softmax([x / params.temperature for x in scaled])
        best = max(range(N_LABELS), key=lambda k: (probs[k], -k))
        via = f" {ev.detail}" if ev.detail.startswith("~") else ""
        text = f"{role} {token}→{LABELS[best]} ({ev.source}{via} {_fmt_share(probs[best])})"
        return _TokenView(ev.source, scaled, LABELS[best], probs[best], text)

    def _view(self, role: str, token: str) -> _TokenView:
        views = self._given_views if role == "given" else self._surname_views
        view = views.get(token)
        if view is None:
            view = self._compile_view(role, token)
            views.put(token, view)
        return view

    def _scaled_prior(self, code: str) -> LogWeights:
        pp = self.params.prior_power
        prior = scale(self.prior.for_code(code), pp)  # pp * y, as in the reference
        if len(self._scaled_priors) >= 256:
            self._scaled_priors.clear()
        self._scaled_priors[code] = prior
        return prior

    def classify_one(self, name: str, code: str = "ZA") -> Outcome:
        if not isinstance(name, str):
            name = ""
        roles = fast_roles(name)
        if roles is None:
            parsed = parse_name(name)
            if isinstance(parsed, Unusable):
                return _unusable(parsed)
            given, surname = parsed.given, parsed.surname
        else:
            given, surname = roles
        # Same floating-point operations, in the same order, as classify_one_reference.
        sv = self._surname_views.young.get(surname) or self._view("surname", surname)
        a0, a1, a2, a3, a4, a5 = sv.scaled
        n_given = len(given)
        if n_given:
            gf = _GIVEN_FACTORS[n_given] if n_given <= MAX_TOKENS else _given_factor(n_given)
            given_views = self._given_views
            views = [sv]
            for tok in given:
                view = given_views.young.get(tok) or self._view("given", tok)
                views.append(view)
                b0, b1, b2, b3, b4, b5 = view.scaled
                a0 = a0 + gf * b0
                a1 = a1 + gf * b1
                a2 = a2 + gf * b2
                a3 = a3 + gf * b3
                a4 = a4 + gf * b4
                a5 = a5 + gf * b5
        pr = self._scaled_priors.get(code) or self._scaled_prior(code)
        t = self.params.temperature
        c0 = (a0 + pr[0]) / t
        c1 = (a1 + pr[1]) / t
        c2 = (a2 + pr[2]) / t
        c3 = (a3 + pr[3]) / t
        c4 = (a4 + pr[4]) / t
        c5 = (a5 + pr[5]) / t
        m = max(c0, c1, c2, c3, c4, c5)
        exp = math.exp
        e0, e1, e2, e3, e4, e5 = (
            exp(c0 - m),
            exp(c1 - m),
            exp(c2 - m),
            exp(c3 - m),
            exp(c4 - m),
            exp(c5 - m),
        )
        total = sum((e0, e1, e2, e3, e4, e5))  # sum(), as the reference (not a + b + ...)
        probs = [e0 / total, e1 / total, e2 / total, e3 / total, e4 / total, e5 / total]
        p_top = max(probs)
        top = probs.index(p_top)
        others = probs.copy()
        others[top] = -1.0  # probabilities are >= 0: the first maximum among the others
        second = others.index(max(others))
        confidence = round(p_top, 4)
        if n_given:
            best = sv
            sc = sv.scaled
            best_margin = sc[top] - sc[second]
            for view in views:
                sc = view.scaled
                margin = sc[top] - sc[second]
                if margin > best_margin:
                    best, best_margin = view, margin
            method = best.source
            if n_given == 1:
                text = sv.text + "; " + views[1].text
            else:
                text = "; ".join([v.text for v in views[:3]])
                if n_given > 2:
                    text += f"; +{n_given - 2} more"
        else:
            method = sv.source
            text = sv.text
        if code != "ZA" and self._explain_prior:
            name_only = [a0, a1, a2, a3, a4, a5]
            before = name_only.index(max(name_only))
            if before != top:
                text += f"; prior {code} tipped {LABELS[before]}→{LABELS[top]}"
        if confidence >= self.abstain_below:
            if len(text) > MAX_EVIDENCE_CHARS:
                text = _clip(text)
            return Outcome(LABELS[top], confidence, method, text, "ok")
        if n_given:
            strong = {v.label for v in views if v.share >= 0.7}
        else:
            strong = {sv.label} if sv.share >= 0.7 else set()
        reason = "conflicting_evidence" if len(strong) >= 2 else "low_confidence"
        head = (
            f"top {LABELS[top]} {_fmt_share(probs[top])}, "
            f"{LABELS[second]} {_fmt_share(probs[second])}; "
        )
        return Outcome(UNKNOWN, confidence, method, _clip(head + _clip(text)), "abstained", reason)

    # --- Reference path -------------------------------------------------------------------
    # The original, straightforward computation without any cache. Not used in production;
    # tests compare every optimised outcome against it (tests/classifiers/
    # test_speed_invariance.py).

    def classify_one_reference(self, name: str, code: str = "ZA") -> Outcome:
        parsed = parse_name(name) if isinstance(name, str) else parse_name("")
        if isinstance(parsed, Unusable):
            return _unusable(parsed)
        surname_view = self._compile_view("surname", parsed.surname)
        views = [surname_view]
        scores = list(surname_view.scaled)
        n_given = len(parsed.given)
        if n_given:
            gf = min(1.5, 1.0 + 0.25 * (n_given - 1)) / n_given
            for tok in parsed.given:
                view = self._compile_view("given", tok)
                views.append(view)
                scores = [x + gf * y for x, y in zip(scores, view.scaled, strict=True)]
        name_only = scores
        pp = self.params.prior_power
        t = self.params.temperature
        scores = [(x + pp * y) / t for x, y in zip(scores, self.prior.for_code(code), strict=True)]
        top_score = max(scores)
        exps = [math.exp(x - top_score) for x in scores]
        total = sum(exps)
        probs = [e / total for e in exps]
        top = probs.index(max(probs))
        second = max((k for k in range(N_LABELS) if k != top), key=probs.__getitem__)
        confidence = round(probs[top], 4)
        if len(views) == 1:
            method = surname_view.source
        else:
            method = max(views, key=lambda v: v.scaled[top] - v.scaled[second]).source
        explanation = self._explain_reference(views, name_only, code, top)
        if confidence >= self.abstain_below:
            return Outcome(LABELS[top], confidence, method, explanation, "ok")
        strong = {v.label for v in views if v.share >= 0.7}
        reason = "conflicting_evidence" if len(strong) >= 2 else "low_confidence"
        head = (
            f"top {LABELS[top]} {_fmt_share(probs[top])}, "
            f"{LABELS[second]} {_fmt_share(probs[second])}; "
        )
        return Outcome(UNKNOWN, confidence, method, _clip(head + explanation), "abstained", reason)

    def _explain_reference(
        self, views: list[_TokenView], name_only: list[float], code: str, top: int
    ) -> str:
        parts = [v.text for v in views[:3]]
        if len(views) > 3:
            parts.append(f"+{len(views) - 3} more")
        if code != "ZA" and self.params.prior_power > 0:
            before = max(range(N_LABELS), key=lambda k: (name_only[k], -k))
            if before != top:
                parts.append(f"prior {code} tipped {LABELS[before]}→{LABELS[top]}")
        return _clip("; ".join(parts))


def _given_factor(n: int) -> float:
    return min(1.5, 1.0 + 0.25 * (n - 1)) / n


def _unusable(parsed: Unusable) -> Outcome:
    if parsed.rejected:
        return Outcome(UNKNOWN, 0.0, "none", parsed.reason, "rejected", parsed.reason)
    return Outcome(UNKNOWN, 0.0, "none", parsed.reason, "abstained", "no_evidence")


def _clip(text: str) -> str:
    return text if len(text) <= MAX_EVIDENCE_CHARS else text[: MAX_EVIDENCE_CHARS - 1] + "…"
