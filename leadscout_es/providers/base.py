"""The provider plug-in interface and the HTTP plumbing every provider shares.

A provider says where to POST, with which headers and body, and how to read the reply and
its errors; :class:`Provider` does the rest: one attempt over ``httpx`` (retries off: the
escalator owns retries), error classification, and the rate-limit headers.

Failure kinds (:class:`CallFailure.kind`), and what the escalator does with them:

    rate_limited   429 rate limit           wait (retry-after / headers) and retry
    quota          429 quota / spend limit  provider off for the job, fail over
    auth           401 / 403                provider off, one-line message naming the env var
    overloaded     5xx / 529                back off with jitter, then fail over
    timeout        connect / read timeout   back off with jitter, then fail over
    network        connection refused, ...  back off with jitter, then fail over
    bad_request    other 4xx, bad reply     fail over (retrying the same request won't help)
"""

from __future__ import annotations

import abc
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # httpx is imported on first use: offline jobs never pay for it
    import httpx

from leadscout_es.providers.prices import ModelPrice

QUOTA_CODES = frozenset({
    "insufficient_quota", "credit_balance_exhausted", "enforced_spend_limit_reached",
})
RETRY_KINDS = frozenset({"rate_limited", "overloaded", "timeout", "network"})


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    input_tokens: int
    output_tokens: int
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CallFailure:
    kind: str
    message: str
    status: int = 0
    retry_after: float | None = None
    headers: Mapping[str, str] | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRY_KINDS

    @property
    def maybe_charged(self) -> bool:
        """A timeout may have reached the model; treat its reservation as spent."""
        return self.kind == "timeout"


class Provider(abc.ABC):
    """Base class: subclasses set the class attributes and the three hooks."""

    name: ClassVar[str]
    key_env: ClassVar[str]
    base_url_env: ClassVar[str]
    model_env: ClassVar[str]
    default_base_url: ClassVar[str]
    # capability flags
    json_mode: ClassVar[bool] = False  # the API can force a JSON reply
    system_in_messages: ClassVar[bool] = True  # system prompt as a message (else top-level)

    def __init__(self, key: str, base_url: str, model: str, price: ModelPrice,
                 timeout: float = 60.0, transport: httpx.BaseTransport | None = None) -> None:
        self.key, self.model, self.price = key, model, price
        self.base_url = base_url.rstrip("/")
        import httpx

        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport or httpx.HTTPTransport(retries=0),
            follow_redirects=False,
        )

    # hooks --------------------------------------------------------------------------------
    @abc.abstractmethod
    def endpoint(self) -> str:
        ...

    @abc.abstractmethod
    def headers(self) -> dict[str, str]:
        ...

    @abc.abstractmethod
    def body(self, system: str, document: str, max_tokens: int) -> dict[str, Any]:
        ...

    @abc.abstractmethod
    def read_reply(self, doc: Any) -> tuple[str, int, int]:
        """Reply text, input tokens, output tokens; raise KeyError/TypeError/ValueError."""
        ...

    # plumbing -----------------------------------------------------------------------------
    def send(self, system: str, document: str, max_tokens: int, key: str) -> Reply | CallFailure:
        """One attempt. Never raises for HTTP or network trouble: returns a failure."""
        import httpx

        headers = {**self.headers(), "content-type": "application/json", "idempotency-key": key}
        try:
            resp = self._client.post(self.endpoint(), headers=headers,
                                     json=self.body(system, document, max_tokens))
        except httpx.TimeoutException as exc:
            return CallFailure("timeout", f"{self.name}: timed out ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            return CallFailure("network", f"{self.name}: {type(exc).__name__}: {exc}")
        hdrs = {k.lower(): v for k, v in resp.headers.items()}
        if resp.status_code >= 400:
            return self.classify_error(resp.status_code, resp.text, hdrs)
        try:
            text, tin, tout = self.read_reply(resp.json())
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            return CallFailure("bad_request", f"{self.name}: unreadable reply ({exc})",
                               resp.status_code, headers=hdrs)
        return Reply(text, int(tin), int(tout), hdrs)

    def classify_error(self, status: int, text: str, headers: Mapping[str, str]) -> CallFailure:
        code, message = _error_code(text)
        retry_after = _seconds(headers.get("retry-after"))
        where = f"{self.name} HTTP {status}"
        if status in (401, 403):
            return CallFailure("auth", f"{self.name} refused the key ({status}: {message or 'unauthorised'}); "
                               f"check {self.key_env}", status, headers=headers)
        if status == 429 or status == 402:
            if code in QUOTA_CODES or code.endswith("_spend_limit_exceeded") or status == 402:
                return CallFailure("quota", f"{self.name} quota or spend limit reached ({code or status}); "
                                   "it is off for this job", status, headers=headers)
            return CallFailure("rate_limited", f"{where} rate limited ({code or 'rate_limit'})",
                               status, retry_after, headers)
        if status >= 500:
            return CallFailure("overloaded", f"{where} ({code or 'server error'})", status,
                               retry_after, headers)
        return CallFailure("bad_request", f"{where}: {message or code or 'bad request'}", status,
                           headers=headers)

    def close(self) -> None:
        self._client.close()


def _error_code(text: str) -> tuple[str, str]:
    """The most specific error code in an OpenAI- or Anthropic-style error body."""
    try:
        doc = json.loads(text)
    except ValueError:
        return "", text[:200]
    err = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(err, dict):
        return "", ""
    details = err.get("details")
    if isinstance(details, dict) and isinstance(details.get("error_code"), str):
        return str(details["error_code"]), str(err.get("message", ""))
    for field in ("code", "type"):
        value = err.get(field)
        if isinstance(value, str) and value:
            return value, str(err.get("message", ""))
    return "", str(err.get("message", ""))


def _seconds(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        return None
