"""The dated price and rate-limit table (``data/prices.toml``) and the job's LLM budget.

Prices are data, never code: the table carries the date it was checked and its source.
A model that is not in the table is costed at the provider's most expensive listed model,
so a budget is never under-reserved.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadscout_es.classifiers import default_data_dir
from leadscout_es.errors import ProviderError

PRICE_FILE = "prices.toml"
_LIMIT_KEYS = ("rpm", "tpm", "rpd", "tpd")


@dataclass(frozen=True, slots=True)
class ModelPrice:
    model: str
    input_per_m: float  # USD per million input tokens
    output_per_m: float  # USD per million output tokens
    listed: bool = True  # False: the model is not in the table; costed at the highest price

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_per_m + output_tokens * self.output_per_m) / 1_000_000


@dataclass(frozen=True, slots=True)
class Limits:
    """Requests and tokens per window (a minute) and per day; 0 means unlimited."""

    rpm: int
    tpm: int
    rpd: int = 0
    tpd: int = 0
    window_s: float = 60.0  # the "minute"; tests and benchmarks shorten it


@dataclass(frozen=True, slots=True)
class ProviderTable:
    default_model: str
    limits: Limits
    models: Mapping[str, ModelPrice]

    def price(self, model: str) -> ModelPrice:
        if model in self.models:
            return self.models[model]
        top = max(self.models.values(), key=lambda p: (p.output_per_m, p.input_per_m))
        return ModelPrice(model, top.input_per_m, top.output_per_m, listed=False)


@dataclass(frozen=True, slots=True)
class PriceTable:
    as_of: str
    source: str
    providers: Mapping[str, ProviderTable]


def read_price_table(path: Path | None = None) -> PriceTable:
    """Load the price table; a missing or malformed file is a :class:`ProviderError`."""
    path = path or default_data_dir() / PRICE_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        meta = raw["meta"]
        providers = {name: _provider(p) for name, p in raw["providers"].items()}
        return PriceTable(str(meta["as_of"]), str(meta.get("source", "")), providers)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ProviderError(
            f"cannot read the LLM price table {path}: {exc}",
            "restore data/prices.toml from the repository",
        ) from exc


def _provider(raw: dict[str, Any]) -> ProviderTable:
    models = {
        m: ModelPrice(m, float(p["input"]), float(p["output"])) for m, p in raw["models"].items()
    }
    lim = raw.get("limits", {})
    limits = Limits(*(int(lim.get(k, 0)) for k in _LIMIT_KEYS))
    return ProviderTable(str(raw["default_model"]), limits, models)


def limits_from_env(provider: str, base: Limits, env: Mapping[str, str]) -> Limits:
    """Apply ``LEADSCOUT_<PROVIDER>_{RPM,TPM,RPD,TPD}`` and ``LEADSCOUT_RATE_WINDOW_S``."""
    values = {k: getattr(base, k) for k in _LIMIT_KEYS}
    for k in _LIMIT_KEYS:
        name = f"LEADSCOUT_{provider.upper()}_{k.upper()}"
        raw = env.get(name, "").strip()
        if raw:
            if not raw.isdigit():
                raise ProviderError(f"{name}={raw!r} is not a whole number", "unset it or fix it")
            values[k] = int(raw)
    window = base.window_s
    raw_w = env.get("LEADSCOUT_RATE_WINDOW_S", "").strip()
    if raw_w:
        try:
            window = float(raw_w)
        except ValueError:
            raise ProviderError(f"LEADSCOUT_RATE_WINDOW_S={raw_w!r} is not a number",
                                "unset it; the default window is 60 s") from None
    return Limits(values["rpm"], values["tpm"], values["rpd"], values["tpd"], window)


class Budget:
    """Reserve the worst case before a call, settle at the real cost after it.

    ``spent`` starts at what the job has already paid (plus the reservations of calls in
    doubt, which may have been charged); ``spent + reserved`` never exceeds ``limit``.
    """

    def __init__(self, limit: float | None, spent: float) -> None:
        self.limit = limit
        self.spent = spent
        self.reserved = 0.0
        self._lock = threading.Lock()

    def reserve(self, amount: float) -> bool:
        with self._lock:
            if self.limit is not None and self.spent + self.reserved + amount > self.limit:
                return False
            self.reserved += amount
            return True

    def settle(self, reserved: float, actual: float) -> None:
        with self._lock:
            self.reserved = max(0.0, self.reserved - reserved)
            self.spent += actual

    def release(self, reserved: float) -> None:
        self.settle(reserved, 0.0)
