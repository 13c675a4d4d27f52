"""Both providers speak the documented wire contract (DESIGN.md "LLM providers")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadscout_es.events import LlmCompleted, LlmRequested
from leadscout_es.providers.ratelimit import parse_duration, parse_reset
from leadscout_es.providers.wire import call_key, parse_answers, request_document
from tests.providers.conftest import make_harness
from tests.providers.fake_api import FakeApi, label_for, unique_names

NAMES = ["Sipho Ndlovu", "Pravin Naidoo", "Johan van der Merwe"]


def test_openai_request_is_chat_completions_with_bearer_json_mode_and_names_document(
    home: Path, api: FakeApi
) -> None:
    h = make_harness(home, [("openai", api)])
    out = h.run(NAMES)
    assert len(api.seen) == 1
    seen = api.seen[0]
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == "Bearer sk-test"
    body = seen.body
    assert body["model"] == "gpt-6-luna"
    assert body["response_format"] == {"type": "json_object"}
    assert body["messages"][-1]["role"] == "user"
    doc = json.loads(body["messages"][-1]["content"])
    assert doc == {"names": [{"id": str(i), "name": n} for i, n in enumerate(NAMES)]}
    assert body["messages"][-1]["content"] == request_document(NAMES)
    assert 0 < body["max_tokens"] <= 24 + 24 * len(NAMES)
    assert [o.label for o in out] == [label_for(n) for n in NAMES]
    assert all(o.method == "llm" and o.provider == "openai" and o.status == "ok" for o in out)
    assert out[0].evidence == f"llm openai gpt-6-luna: {label_for(NAMES[0])} .90"
    done = h.of(LlmCompleted)
    assert len(done) == 1 and done[0].input_tokens > 0 and done[0].output_tokens > 0
    want = (done[0].input_tokens * 0.10 + done[0].output_tokens * 0.50) / 1e6
    assert done[0].cost_usd == pytest.approx(want)


def test_anthropic_request_is_messages_with_key_version_and_top_level_system(
    home: Path, api: FakeApi
) -> None:
    h = make_harness(home, [("anthropic", api)])
    out = h.run(NAMES)
    seen = api.seen[0]
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == "ak-test"
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in seen.headers
    assert isinstance(seen.body["system"], str) and seen.body["system"]
    assert seen.body["messages"] == [{"role": "user", "content": request_document(NAMES)}]
    assert seen.body["max_tokens"] <= 24 + 24 * len(NAMES)
    assert all(o.provider == "anthropic" for o in out)
    done = h.of(LlmCompleted)[0]
    assert done.model == "claude-haiku-5-5" and done.names == NAMES


def test_the_idempotency_key_is_recorded_before_the_call_and_sent_with_it(
    home: Path, api: FakeApi
) -> None:
    seen_at_record: list[int] = []
    h = make_harness(home, [("openai", api)],
                     on_record=lambda evs: seen_at_record.append(len(api.seen)))
    h.run(NAMES)
    req = h.of(LlmRequested)[0]
    assert seen_at_record[0] == 0  # llm_requested was recorded before anything was sent
    assert req.key == call_key(NAMES, "openai", "gpt-6-luna") == api.seen[0].key
    assert req.reserved_usd > 0


def test_twenty_five_names_a_request_by_default(home: Path, api: FakeApi) -> None:
    names = unique_names(60)
    make_harness(home, [("openai", api)]).run(names)
    sizes = sorted(len(json.loads(s.body["messages"][-1]["content"])["names"]) for s in api.seen)
    assert sizes == [10, 25, 25]


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ('{"results": [{"id": "0", "label": "african", "confidence": 0.8}]}', [1, 2]),
        ('{"results": [{"id": "0", "label": "martian", "confidence": 0.8}]}', [0, 1, 2]),
        ('{"results": [{"id": "1", "label": "white", "confidence": 1.5}]}', [0, 1, 2]),
        ('{"results": [{"id": "7", "label": "white", "confidence": 0.5}]}', [0, 1, 2]),
        ('{"results": [{"id": "2", "label": "white", "confidence": true}]}', [0, 1, 2]),
        ("not json at all", [0, 1, 2]),
        ('{"answers": []}', [0, 1, 2]),
    ],
)
def test_invalid_or_missing_items_are_reported_never_guessed(text: str, bad: list[int]) -> None:
    _good, missing = parse_answers(text, 3)
    assert missing == bad


def test_rate_limit_header_durations_and_rfc3339_resets() -> None:
    assert parse_duration("6m0s") == 360.0
    assert parse_duration("120ms") == pytest.approx(0.12)
    assert parse_duration("1s") == 1.0
    assert parse_duration("1h2m3.5s") == pytest.approx(3723.5)
    assert parse_duration("soon") is None
    assert parse_reset("2026-11-15T10:00:30Z", now=1794736800.0) == pytest.approx(30.0)
