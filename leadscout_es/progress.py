"""Progress display: a rich bar on a terminal, silence otherwise."""

from __future__ import annotations

import sys
import time
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class ProgressSink(Protocol):
    def start(self, total: int | None, done: int) -> None: ...
    def update(
        self, done: int, llm_calls: int, cost_usd: float, total: int | None = None
    ) -> None: ...
    def stop(self) -> None: ...


class NullProgress:
    def start(self, total: int | None, done: int) -> None:
        pass

    def update(
        self, done: int, llm_calls: int, cost_usd: float, total: int | None = None
    ) -> None:
        pass

    def stop(self) -> None:
        pass


class BarProgress:
    """rows/s, ETA, LLM calls and spend on stderr."""

    def __init__(self) -> None:
        self._progress = Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} rows/s"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("LLM {task.fields[calls]} · ${task.fields[cost]}"),
            console=Console(stderr=True),
            transient=False,
        )
        self._task: TaskID | None = None
        self._t0 = 0.0
        self._done0 = 0

    def start(self, total: int | None, done: int) -> None:
        self._progress.start()
        self._t0, self._done0 = time.monotonic(), done
        self._task = self._progress.add_task(
            "ingest", total=total, completed=done, rate="-", calls=0, cost="0.00"
        )

    def update(
        self, done: int, llm_calls: int, cost_usd: float, total: int | None = None
    ) -> None:
        """``total`` refines the row total when the source only knows it approximately."""
        if self._task is None:
            return
        task = self._progress.tasks[0]
        elapsed = time.monotonic() - self._t0
        speed = (done - self._done0) / elapsed if elapsed > 0 else 0.0
        self._progress.update(
            self._task,
            total=total if total is not None else task.total,
            completed=done,
            rate=f"{speed:,.0f}" if speed else "-",
            calls=llm_calls,
            cost=f"{cost_usd:.2f}",
        )

    def stop(self) -> None:
        self._progress.stop()


def progress_for_terminal(enabled: bool = True) -> ProgressSink:
    return BarProgress() if enabled and sys.stderr.isatty() else NullProgress()
