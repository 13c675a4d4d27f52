"""The provider-neutral wire contract: the prompt, the request document, reply parsing and
the idempotency key of a paid call (DESIGN.md "LLM providers").

The last user message is exactly ``{"names": [{"id": "...", "name": "..."}]}``; the reply
text must be ``{"results": [{"id": "...", "label": "...", "confidence": 0.0}]}``. Ids are
the names' positions in the request (``"0"``, ``"1"``, ...). Anything missing or invalid is
reported back so the caller can re-ask that name alone; nothing is ever guessed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

from leadscout_es.classifiers.base import ALL_LABELS
from leadscout_es.knowledge import name_key

PROMPT_VERSION = "names-v1"
DEFAULT_NAMES_PER_REQUEST = 25

SYSTEM_PROMPT = (
    "You estimate the likely South African population group of a person from their name "
    "only. This is a statistical estimate from a name, not the person's identity. For each "
    "item of the user's JSON document {\"names\": [{\"id\", \"name\"}]} answer with one "
    "label from: african, indian, cape_malay, coloured, white, chinese, unknown. Use "
    "\"unknown\" when the name does not give good evidence. Give a confidence between 0 and "
    "1. Reply with JSON only, exactly {\"results\": [{\"id\": \"...\", \"label\": \"...\", "
    "\"confidence\": 0.0}]}, one result per id, no other text."
)


@dataclass(frozen=True, slots=True)
class Answer:
    label: str
    confidence: float


def request_document(names: Sequence[str]) -> str:
    """The JSON document sent as the last user message."""
    items = [{"id": str(i), "name": n} for i, n in enumerate(names)]
    return json.dumps({"names": items}, ensure_ascii=False, separators=(",", ":"))


def call_key(names: Sequence[str], provider: str, model: str) -> str:
    """sha256 over the normalised names, provider, model and prompt version."""
    digest = hashlib.sha256()
    for part in (PROMPT_VERSION, provider, model, *(name_key(n) for n in names)):
        digest.update(part.encode())
        digest.update(b"\x1f")
    return digest.hexdigest()


def max_output_tokens(n_names: int) -> int:
    """A tight ``max_tokens``: ~20 tokens a result plus the envelope, with headroom."""
    return 24 + 24 * n_names


def input_token_bound(names: Sequence[str]) -> int:
    """An upper bound on input tokens: a token is at least one byte of the prompt."""
    body = SYSTEM_PROMPT + request_document(names)
    return len(body.encode()) + 32  # message framing of the chat template


def input_token_estimate(names: Sequence[str]) -> int:
    """A realistic estimate for rate limiting (~3 bytes a token for JSON and names)."""
    return input_token_bound(names) // 3 + 16


def parse_answers(text: str, n_names: int) -> tuple[dict[int, Answer], list[int]]:
    """Valid answers by position, and the positions that are missing or invalid."""
    good: dict[int, Answer] = {}
    try:
        doc = json.loads(_strip_fence(text))
    except ValueError:
        return good, list(range(n_names))
    results = doc.get("results") if isinstance(doc, dict) else None
    if isinstance(results, list):
        for item in results:
            parsed = _parse_item(item, n_names)
            if parsed is not None and parsed[0] not in good:
                good[parsed[0]] = parsed[1]
    return good, [i for i in range(n_names) if i not in good]


def _parse_item(item: object, n_names: int) -> tuple[int, Answer] | None:
    if not isinstance(item, dict):
        return None
    raw_id, label, conf = item.get("id"), item.get("label"), item.get("confidence")
    ident = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else ""
    if not ident.isdigit() or int(ident) >= n_names or str(int(ident)) != ident:
        return None
    if not isinstance(label, str) or label.strip().lower() not in ALL_LABELS:
        return None
    if isinstance(conf, bool) or not isinstance(conf, int | float):
        return None
    confidence = float(conf)
    if not math.isfinite(confidence) or not 0.0 <= confidence <= 1.0:
        return None
    return int(ident), Answer(label.strip().lower(), confidence)


def _strip_fence(text: str) -> str:
    """Tolerate a Markdown code fence around the JSON (some local servers add one)."""
    t = text.strip()
    if t.startswith("```"):
        t = t.split("\n", 1)[1] if "\n" in t else ""
        t = t.rsplit("```", 1)[0]
    return t
