"""The cross-job knowledge log: human confirmations, the rules learned from them, and paid
LLM answers (``llm_completed``, so a later job never pays for the same call again).

It lives in ``$LEADSCOUT_HOME/knowledge/log`` and uses the same segment format, events and
fold as a job log. A job records the knowledge log's length when it starts
(``job_started.knowledge_seq``) and only ever reads knowledge up to that point, so a job
gives the same answers on every resume even if someone confirms labels meanwhile.

Learning: a surname (or given name) becomes a rule when at least ``MIN_SUPPORT`` confirmed
names carry it and at least ``MIN_PRECISION`` of them share one label.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from leadscout_es.classifiers.base import LABELS, Classifier, Outcome
from leadscout_es.events import (
    Event,
    LabelConfirmed,
    LlmCompleted,
    RuleLearned,
    decode_record,
    encode_record,
)
from leadscout_es.jobs import knowledge_log_dir
from leadscout_es.lock import JobLock, utc_now
from leadscout_es.log.segments import LogScan, iter_records, repair_torn_tail
from leadscout_es.log.writer import SegmentWriter
from leadscout_es.replay import JobState, apply, finish

MIN_SUPPORT = 3
MIN_PRECISION = 0.9
_NON_LETTERS = re.compile(r"[^A-Z]+")


def name_key(name: str) -> str:
    """Accent-folded, upper-case, letters-only form used to match confirmed names."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(_NON_LETTERS.sub(" ", folded.upper()).split())


@dataclass(slots=True)
class Knowledge:
    seq: int = 0  # records read; a job started now records this as its knowledge_seq
    confirmed: dict[str, LabelConfirmed] = field(default_factory=dict)
    rules: dict[tuple[str, str], RuleLearned] = field(default_factory=dict)
    paid_answers: dict[str, LlmCompleted] = field(default_factory=dict)  # by call key


def read_knowledge(home: Path, until_seq: int | None = None) -> Knowledge:
    """Fold the knowledge log (records with seq < ``until_seq`` when given)."""
    log_dir = knowledge_log_dir(home)
    state = JobState()
    scan = LogScan()
    for seq, payload in iter_records(log_dir, scan):
        if until_seq is not None and until_seq >= 0 and seq >= until_seq:
            break
        for ev in decode_record(payload, seq=seq):
            apply(state, ev)
    finish(state)
    seq = scan.next_seq if until_seq is None or until_seq < 0 else min(until_seq, scan.next_seq)
    return Knowledge(seq=seq, confirmed=state.confirmed, rules=state.rules,
                     paid_answers=state.paid_answers)


def append_knowledge(home: Path, events: Sequence[Event]) -> None:
    """Append events durably to the knowledge log, holding its lock."""
    log_dir = knowledge_log_dir(home)
    log_dir.mkdir(parents=True, exist_ok=True)
    with JobLock(log_dir.parent / "LOCK").acquire("knowledge"):
        scan = LogScan()
        for _ in iter_records(log_dir, scan):
            pass
        if scan.torn_tail is not None:
            repair_torn_tail(scan.torn_tail)
            scan.repaired = True
        writer = SegmentWriter.continuing(log_dir, scan)
        try:
            writer.append(encode_record(list(events)))
            writer.sync()
        finally:
            writer.close()


def learn_rules(confirmed: dict[str, LabelConfirmed], known: dict[tuple[str, str], RuleLearned],
                provenance: str) -> list[RuleLearned]:
    """Rules implied by the confirmations that are new or changed since ``known``."""
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for key, ev in confirmed.items():
        tokens = key.split()
        if len(tokens) >= 2:
            votes[("surname", tokens[-1])][ev.label] += 1
            votes[("given", tokens[0])][ev.label] += 1
    learned: list[RuleLearned] = []
    now = utc_now()
    for (position, token), counter in sorted(votes.items()):
        support = sum(counter.values())
        label, top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        precision = top / support
        if support < MIN_SUPPORT or precision < MIN_PRECISION:
            continue
        old = known.get((position, token))
        if old and old.label == label and old.support == support:
            continue
        learned.append(RuleLearned(token, position, label, support, round(precision, 4), provenance, now))
    return learned


class KnowledgeClassifier:
    """Wraps the offline cascade: confirmations override everything; learned rules settle
    names the cascade abstains on or is less sure of than the rule's precision."""

    def __init__(self, base: Classifier, knowledge: Knowledge) -> None:
        self.base = base
        self.confirmed = {k: ev.label for k, ev in knowledge.confirmed.items() if ev.label in LABELS}
        self.rules = knowledge.rules
        self._version = f"{base.version}+k{knowledge.seq}"

    @property
    def version(self) -> str:
        return self._version

    def classify_batch(self, names: Sequence[str], provinces: Sequence[str] | None = None) -> list[Outcome]:
        outcomes = self.base.classify_batch(names, provinces)
        if not self.confirmed and not self.rules:
            return outcomes
        result: list[Outcome] = []
        for name, out in zip(names, outcomes, strict=True):
            key = name_key(name)
            label = self.confirmed.get(key)
            if label is not None:
                result.append(Outcome(label, 1.0, "confirmed", f"{key}→{label} (confirmed by a reviewer)", "ok"))
                continue
            rule = self._rule_for(key)
            if rule is not None and out.status != "rejected" and (
                out.status == "abstained" or out.confidence < rule.precision
            ):
                result.append(Outcome(
                    rule.label, rule.precision, "learned",
                    f"{rule.position} {rule.token}→{rule.label} (learned rule, support {rule.support})",
                    "ok",
                ))
                continue
            result.append(out)
        return result

    def _rule_for(self, key: str) -> RuleLearned | None:
        tokens = key.split()
        if len(tokens) < 2:
            return None
        return self.rules.get(("surname", tokens[-1])) or self.rules.get(("given", tokens[0]))
