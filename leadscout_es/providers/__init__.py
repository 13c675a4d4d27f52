"""Paid LLM providers behind the escalation seam (DESIGN.md "LLM providers"; docs/providers.md).

    build_escalator(ctx)   the job's escalator, or None when no provider is usable
    OpenAIProvider         OpenAI-compatible ``POST {base}/chat/completions``
    AnthropicProvider      Anthropic ``POST {base}/v1/messages``

No SDKs: plain ``httpx`` with its retries off, because retries, rate limits, budgets and
idempotency are ours (``calls``, ``ratelimit``, ``prices``, ``escalator``).
"""

from __future__ import annotations

from leadscout_es.escalation import EscalationContext
from leadscout_es.knowledge import read_knowledge
from leadscout_es.providers.base import CallFailure, Provider, Reply
from leadscout_es.providers.calls import CallPolicy, Slot
from leadscout_es.providers.escalator import LlmEscalator
from leadscout_es.providers.prices import (
    Budget,
    Limits,
    PriceTable,
    limits_from_env,
    read_price_table,
)
from leadscout_es.providers.ratelimit import RateLimiter
from leadscout_es.providers.vendors import (
    PROVIDERS,
    AnthropicProvider,
    OpenAIProvider,
    open_provider,
)

__all__ = [
    "PROVIDERS",
    "AnthropicProvider",
    "Budget",
    "CallFailure",
    "CallPolicy",
    "Limits",
    "LlmEscalator",
    "OpenAIProvider",
    "PriceTable",
    "Provider",
    "RateLimiter",
    "Reply",
    "Slot",
    "build_escalator",
    "limits_from_env",
    "read_price_table",
]


def build_escalator(ctx: EscalationContext) -> LlmEscalator | None:
    """The escalator for a job run, or None when no provider is on.

    Providers come from ``--providers`` (failover order) or, when none is named, every
    provider whose key is set. A named provider without a key is off with a note; with no
    key at all the job is offline and its unsure rows stay ``abstained``.
    """
    env = ctx.env
    named = ctx.settings.providers
    names = named or tuple(n for n, cls in PROVIDERS.items() if env.get(cls.key_env, "").strip())
    if not names:
        return None
    table = read_price_table()
    policy = CallPolicy.from_env(env)
    slots: list[Slot] = []
    for name in dict.fromkeys(names):
        opened = open_provider(name, env, table, timeout=policy.timeout_s)
        if isinstance(opened, str):
            ctx.notes.append(f"{opened}; rows it would have answered keep their offline outcome")
            continue
        if not opened.price.listed:
            ctx.notes.append(f"{name} model {opened.model!r} is not in the price table "
                             f"({table.as_of}); costed at the highest listed price")
        limits = limits_from_env(name, table.providers[name].limits, env)
        slots.append(Slot(opened, RateLimiter(limits)))
    if not slots:
        return None
    known = read_knowledge(ctx.home).paid_answers.values()
    return LlmEscalator(ctx, slots, policy, known)
