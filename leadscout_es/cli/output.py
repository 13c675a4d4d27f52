"""Shared output helpers for the verbs: JSON on stdout, compact human summaries."""

from __future__ import annotations

import sys
from typing import Any

import msgspec


def print_json(obj: Any) -> None:
    sys.stdout.write(msgspec.json.encode(obj).decode() + "\n")
    sys.stdout.flush()


def _counts(counts: dict[str, int]) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return " · ".join(f"{k} {v:,}" for k, v in items) or "-"


def summary_lines(summary: dict[str, Any]) -> list[str]:
    total = summary.get("rows_total")
    done = summary.get("rows_done", 0)
    of = f" of {total:,}" if isinstance(total, int) else ""
    lines = [
        f"job {summary['job_id']}: {summary['status']}, {done:,}{of} rows done"
        f" ({summary.get('rows_failed', 0):,} failed)",
        f"  status:  {_counts(summary.get('by_status', {}))}",
        f"  labels:  {_counts(summary.get('by_label', {}))}",
        f"  methods: {_counts(summary.get('by_method', {}))}",
    ]
    if summary.get("llm_calls"):
        lines.append(f"  LLM:     {summary['llm_calls']:,} calls, ${summary['cost_usd']:.4f}")
    if summary.get("resumed_from_row"):
        lines.append(f"  resumed from row {summary['resumed_from_row']:,}")
    return lines


def print_summary(summary: dict[str, Any]) -> None:
    print("\n".join(summary_lines(summary)))
