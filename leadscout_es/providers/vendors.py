"""The concrete providers: OpenAI-compatible chat completions and Anthropic messages.

Each sets its endpoint, headers, body and reply reading; everything else (HTTP, error
classification, rate-limit headers) is the base class's. A new OpenAI-compatible server
(Ollama, vLLM, llama.cpp) needs no code: point ``OPENAI_BASE_URL`` at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import httpx

from leadscout_es.providers.base import Provider
from leadscout_es.providers.prices import PriceTable


class OpenAIProvider(Provider):
    name: ClassVar[str] = "openai"
    key_env: ClassVar[str] = "OPENAI_API_KEY"
    base_url_env: ClassVar[str] = "OPENAI_BASE_URL"
    model_env: ClassVar[str] = "OPENAI_MODEL"
    default_base_url: ClassVar[str] = "https://api.openai.com/v1"
    json_mode: ClassVar[bool] = True

    def endpoint(self) -> str:
        return f"{self.base_url}/chat/completions"

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.key}"}

    def body(self, system: str, document: str, max_tokens: int) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": document},
            ],
            "response_format": {"type": "json_object"},
            "temperature": 0,
            "max_tokens": max_tokens,
        }

    def read_reply(self, doc: Any) -> tuple[str, int, int]:
        text = doc["choices"][0]["message"]["content"]
        usage = doc.get("usage") or {}
        if not isinstance(text, str):
            raise TypeError("message content is not text")
        return text, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0))


class AnthropicProvider(Provider):
    name: ClassVar[str] = "anthropic"
    key_env: ClassVar[str] = "ANTHROPIC_API_KEY"
    base_url_env: ClassVar[str] = "ANTHROPIC_BASE_URL"
    model_env: ClassVar[str] = "ANTHROPIC_MODEL"
    default_base_url: ClassVar[str] = "https://api.anthropic.com"
    system_in_messages: ClassVar[bool] = False
    api_version: ClassVar[str] = "2023-06-01"

    def endpoint(self) -> str:
        return f"{self.base_url}/v1/messages"

    def headers(self) -> dict[str, str]:
        return {"x-api-key": self.key, "anthropic-version": self.api_version}

    def body(self, system: str, document: str, max_tokens: int) -> dict[str, Any]:
        return {
            "model": self.model,
            "system": system,
            "messages": [{"role": "user", "content": document}],
            "temperature": 0,
            "max_tokens": max_tokens,
        }

    def read_reply(self, doc: Any) -> tuple[str, int, int]:
        parts = [b["text"] for b in doc["content"] if isinstance(b, dict) and b.get("type") == "text"]
        if not parts:
            raise ValueError("no text block in the reply")
        usage = doc.get("usage") or {}
        return "".join(parts), int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))


PROVIDERS: dict[str, type[Provider]] = {p.name: p for p in (OpenAIProvider, AnthropicProvider)}


def open_provider(
    name: str,
    env: Mapping[str, str],
    table: PriceTable,
    timeout: float = 60.0,
    transport: httpx.BaseTransport | None = None,
) -> Provider | str:
    """The configured provider, or a one-line reason it is off (unknown, no key)."""
    cls = PROVIDERS.get(name)
    if cls is None:
        return f"unknown LLM provider {name!r} (known: {', '.join(PROVIDERS)})"
    key = env.get(cls.key_env, "").strip()
    if not key:
        return f"{name} is off: {cls.key_env} is not set"
    prices = table.providers.get(name)
    if prices is None:
        return f"{name} is off: no entry for it in the price table"
    model = env.get(cls.model_env, "").strip() or prices.default_model
    base = env.get(cls.base_url_env, "").strip() or cls.default_base_url
    return cls(key, base, model, prices.price(model), timeout=timeout, transport=transport)
