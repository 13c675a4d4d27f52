"""Failure handling: re-asks, rate limits, quotas, overload, bad keys, timeouts, budgets."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from leadscout_es.classifiers.base import Outcome
from leadscout_es.events import LlmCompleted, LlmFailed, LlmRequested
from leadscout_es.jobs import knowledge_log_dir
from leadscout_es.knowledge import read_knowledge
from leadscout_es.lock import JobLock
from leadscout_es.providers import CallPolicy
from tests.providers.conftest import ABSTAINED, FAST, make_harness
from tests.providers.fake_api import FakeApi, Scripted, default_answer, label_for, unique_names

NAMES = ["Sipho Ndlovu", "Pravin Naidoo", "Johan van der Merwe", "Wei Chen"]
RATE_LIMITED = {"error": {"type": "requests", "code": "rate_limit_exceeded", "message": "slow"}}
QUOTA = {"error": {"type": "insufficient_quota", "code": "insufficient_quota", "message": "pay"}}
SPEND = {"type": "error", "error": {"type": "rate_limit_error", "message": "spend limit",
                                    "details": {"error_code": "enforced_spend_limit_reached"}}}
OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
BAD_KEY = {"error": {"type": "invalid_request_error", "code": "invalid_api_key", "message": "no"}}


def sizes(api: FakeApi) -> list[int]:
    return [len(json.loads(s.body["messages"][-1]["content"])["names"]) for s in api.seen]


def test_missing_and_invalid_items_are_reasked_alone(home: Path, api: FakeApi) -> None:
    def answer(items: list[dict[str, str]]) -> list[dict[str, object]]:
        if len(items) == 1:
            return default_answer(items)
        good = default_answer(items)
        good[1]["label"] = "martian"  # invalid label
        good[2]["confidence"] = 7  # out of range
        return [g for g in good if g["id"] != "3"]  # missing

    api.answer = answer
    h = make_harness(home, [("openai", api)])
    out = h.run(NAMES)
    assert sizes(api) == [4, 1, 1, 1]
    alone = sorted(json.loads(s.body["messages"][-1]["content"])["names"][0]["name"] for s in api.seen[1:])
    assert alone == sorted(NAMES[1:])
    assert [o.label for o in out] == [label_for(n) for n in NAMES]


def test_a_name_still_invalid_when_asked_alone_keeps_its_offline_outcome(
    home: Path, api: FakeApi
) -> None:
    api.answer = lambda items: "I think these are people"
    h = make_harness(home, [("openai", api)])
    out = h.run(NAMES[:2])
    assert sizes(api) == [2, 1, 1]
    assert out == [ABSTAINED, ABSTAINED]
    h.escalator.close()
    assert any("kept their offline outcome" in n for n in h.ctx.notes)


def test_429_rate_limit_waits_for_retry_after_then_retries(home: Path, api: FakeApi) -> None:
    api.script.append(Scripted(429, RATE_LIMITED, {"retry-after": "0.4"}))
    h = make_harness(home, [("openai", api)])
    out = h.run(NAMES)
    assert [s.status for s in api.seen] == [429, 200]
    assert api.seen[1].at - api.seen[0].at >= 0.39
    assert all(o.method == "llm" for o in out)
    assert len(h.of(LlmCompleted)) == 1 and not h.of(LlmFailed)


def test_quota_429_turns_the_provider_off_and_fails_over(
    home: Path, api: FakeApi, api2: FakeApi
) -> None:
    api.script.append(Scripted(429, QUOTA))
    h = make_harness(home, [("openai", api), ("anthropic", api2)])
    out = h.run(NAMES)
    assert len(api.seen) == 1  # never retried
    assert all(o.provider == "anthropic" for o in out)
    h.run(["Thabo Mbeki"])  # later batches skip the provider that is off
    assert len(api.seen) == 1 and len(api2.seen) == 2
    assert h.escalator.slots[0].off
    h.escalator.close()
    assert any("quota" in n and "openai" in n for n in h.ctx.notes)


def test_anthropic_spend_limit_is_a_quota_not_a_rate_limit(
    home: Path, api: FakeApi, api2: FakeApi
) -> None:
    api.script.append(Scripted(429, SPEND, {"retry-after": "0"}))
    h = make_harness(home, [("anthropic", api), ("openai", api2)])
    out = h.run(NAMES)
    assert len(api.seen) == 1
    assert all(o.provider == "openai" for o in out)


def test_529_and_503_back_off_then_fail_over(home: Path, api: FakeApi, api2: FakeApi) -> None:
    for status in (529, 503, 529, 503):
        api.script.append(Scripted(status, OVERLOADED))
    h = make_harness(home, [("anthropic", api), ("openai", api2)])
    out = h.run(NAMES)
    assert [s.status for s in api.seen] == [529, 503, 529, 503]  # max_attempts = 4
    gaps = [b.at - a.at for a, b in zip(api.seen, api.seen[1:], strict=False)]
    assert gaps[2] > gaps[0]  # exponential
    assert all(o.provider == "openai" for o in out)
    failed = h.of(LlmFailed)
    assert len(failed) == 1 and failed[0].retryable and failed[0].provider == "anthropic"


def test_overload_that_clears_is_retried_on_the_same_provider(home: Path, api: FakeApi) -> None:
    api.script.append(Scripted(503, {"error": {"code": "server_is_overloaded"}}))
    h = make_harness(home, [("openai", api)])
    out = h.run(NAMES)
    assert [s.status for s in api.seen] == [503, 200]
    assert all(o.provider == "openai" for o in out)


def test_401_turns_the_provider_off_with_a_message_naming_the_env_var(
    home: Path, api: FakeApi, api2: FakeApi
) -> None:
    api.script.append(Scripted(401, BAD_KEY))
    h = make_harness(home, [("openai", api), ("anthropic", api2)])
    out = h.run(NAMES)
    assert len(api.seen) == 1
    assert all(o.provider == "anthropic" for o in out)
    h.escalator.close()
    msgs = [n for n in h.ctx.notes if "OPENAI_API_KEY" in n]
    assert len(msgs) == 1 and "\n" not in msgs[0]


def test_timeouts_back_off_then_fail_over(home: Path, api: FakeApi, api2: FakeApi) -> None:
    for _ in range(2):
        api.script.append(Scripted(200, {}, delay=1.0))
    policy = CallPolicy(backoff_s=0.01, timeout_s=0.3, seed=1, max_attempts=2)
    h = make_harness(home, [("openai", api), ("anthropic", api2)], policy=policy)
    out = h.run(NAMES)
    assert len(api.seen) == 2
    assert all(o.provider == "anthropic" for o in out)
    assert h.of(LlmFailed)[0].error.startswith("openai: timed out")


def test_when_every_provider_is_down_rows_keep_their_offline_outcome(
    home: Path, api: FakeApi
) -> None:
    for _ in range(4):
        api.script.append(Scripted(500, "oops"))
    offline = [Outcome("white", 0.4, "ngram", "n-grams", "ok"), ABSTAINED, ABSTAINED, ABSTAINED]
    h = make_harness(home, [("openai", api)])
    out = h.run(NAMES, offline)
    assert out == offline
    h.escalator.close()
    assert any("kept their offline outcome" in n for n in h.ctx.notes)


def test_the_budget_is_never_exceeded(home: Path, api: FakeApi) -> None:
    names = unique_names(200)
    policy = CallPolicy(names_per_request=5, backoff_s=0.01, seed=1)
    budget = 0.0005
    h = make_harness(home, [("openai", api)], policy=policy, max_cost=budget)
    out = h.run(names)
    spent = sum(e.cost_usd for e in h.of(LlmCompleted))
    assert 0 < spent <= budget
    assert h.escalator.budget.spent + h.escalator.budget.reserved <= budget
    assert all(e.reserved_usd <= budget for e in h.of(LlmRequested))
    assert 0 < sum(o.method == "llm" for o in out) < len(names)
    h.escalator.close()
    assert any("--max-cost" in n for n in h.ctx.notes)


def test_repeated_names_in_one_job_are_paid_once(home: Path, api: FakeApi) -> None:
    h = make_harness(home, [("openai", api)])
    h.run(["Sipho Ndlovu", "SIPHO  NDLOVU", "sipho ndlovu"])
    h.run(["Sipho Ndlovu", "Pravin Naidoo"])
    h.run(["Pravin Naidoo"])
    assert sizes(api) == [1, 1]
    assert len(h.of(LlmRequested)) == 2


def test_only_unsure_rows_are_sent_never_rejected_or_skipped_ones(
    home: Path, api: FakeApi
) -> None:
    outs = [
        Outcome("african", 0.95, "lexicon", "lexicon", "ok"),
        Outcome("white", 0.30, "ngram", "n-grams", "ok"),
        Outcome("unknown", 0.0, "none", "junk", "rejected", "rejected_input"),
        ABSTAINED,
        ABSTAINED,
    ]
    names = ["Sipho Ndlovu", "Anna Smith", "1234", "Wei Chen", "Skipped Person"]
    h = make_harness(home, [("openai", api)])
    out = h.run(names, outs, skip=frozenset({4}))
    sent = [it["name"] for it in json.loads(api.seen[0].body["messages"][-1]["content"])["names"]]
    assert sent == ["Anna Smith", "Wei Chen"]
    assert out[0] == outs[0] and out[2] == outs[2] and out[4] == outs[4]
    everything = make_harness(home, [("openai", api)], escalate_below=1.0)
    everything.run(names, outs, skip=frozenset({4}))
    assert len(json.loads(api.seen[-1].body["messages"][-1]["content"])["names"]) == 3


def test_an_unknown_answer_is_abstained_with_low_confidence(home: Path, api: FakeApi) -> None:
    api.answer = lambda items: [{"id": it["id"], "label": "unknown", "confidence": 0.3} for it in items]
    out = make_harness(home, [("openai", api)]).run(["Alex Jordan"])
    assert out[0].status == "abstained" and out[0].reason == "low_confidence"
    assert out[0].method == "llm" and out[0].provider == "openai"


def test_concurrency_keeps_several_requests_in_flight(home: Path) -> None:
    with FakeApi(delay=0.3) as slow:
        names = unique_names(8)
        h = make_harness(home, [("openai", slow)], concurrency=4,
                         policy=CallPolicy(names_per_request=2, seed=1))
        t0 = time.monotonic()
        h.run(names)
        elapsed = time.monotonic() - t0
    assert len(slow.seen) == 4
    assert elapsed < 0.9  # four 0.3 s calls at once, not one after another
    assert FAST.seed == 1234


def test_paid_answers_reach_the_knowledge_log_even_when_its_lock_is_busy(
    home: Path, api: FakeApi
) -> None:
    h = make_harness(home, [("openai", api)])
    h.run(NAMES)
    knowledge_log_dir(home).mkdir(parents=True, exist_ok=True)
    lock = JobLock(knowledge_log_dir(home).parent / "LOCK").acquire("someone else")
    timer = threading.Timer(0.2, lock.release)
    timer.start()
    h.escalator.close()
    timer.join()
    paid = read_knowledge(home).paid_answers
    assert list(paid) == [h.of(LlmCompleted)[0].key]
    later = make_harness(home, [("openai", api)])
    later.escalator = type(later.escalator)(later.ctx, later.escalator.slots, FAST, paid.values())
    later.run(list(reversed(NAMES)))
    assert len(api.seen) == 1  # a later job pays nothing for the same names
