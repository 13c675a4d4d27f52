"""The classifier interface every step of the cascade (and the cascade itself) implements.

A classifier turns a batch of raw director names (and, where known, the lead's province)
into one :class:`Outcome` per name. It must be deterministic: the same name and province
give the same outcome in every process, on every resume.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec

LABELS: tuple[str, ...] = ("african", "indian", "cape_malay", "coloured", "white", "chinese")
UNKNOWN = "unknown"
ALL_LABELS: tuple[str, ...] = (*LABELS, UNKNOWN)

METHODS: tuple[str, ...] = ("confirmed", "learned", "lexicon", "ngram", "fuzzy", "llm", "none")
STATUSES: tuple[str, ...] = ("ok", "abstained", "rejected", "failed")


class Outcome(msgspec.Struct, frozen=True):
    """What a classifier says about one name.

    - ``status`` is ``ok`` (a label), ``abstained`` (``label == "unknown"``, reason in
      ``reason``), or ``rejected`` (the input is not a person's name; reason in ``reason``).
    - ``reason`` is a short machine code (``no_evidence``, ``conflicting_evidence``,
      ``low_confidence``, ``rejected_input``, ...) or, for rejected rows, a readable message.
    - ``evidence`` is a short human-readable explanation.
    """

    label: str
    confidence: float
    method: str
    evidence: str
    status: str
    reason: str = ""
    provider: str = ""


class Classifier(Protocol):
    """A step or the whole cascade. ``version`` changes whenever outputs could change."""

    @property
    def version(self) -> str: ...

    def classify_batch(
        self, names: Sequence[str], provinces: Sequence[str] | None = None
    ) -> list[Outcome]: ...
