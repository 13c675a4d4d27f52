"""The per-job ``job.log``: structlog JSON lines, one per notable moment of a run."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import IO, Any

import structlog


class JobLogger:
    """Appends JSON lines to ``job.log``; logging failures never stop a job."""

    def __init__(self, path: Path, job_id: str) -> None:
        self._file: IO[str] | None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")
        except OSError:
            self._file = None
        self._log: Any = structlog.wrap_logger(
            structlog.WriteLogger(self._file) if self._file else structlog.ReturnLogger(),
            processors=[
                structlog.processors.add_log_level,
                structlog.processors.TimeStamper(fmt="iso", utc=True, key="at"),
                structlog.processors.JSONRenderer(sort_keys=True),
            ],
        ).bind(job_id=job_id)

    def info(self, event: str, **kw: Any) -> None:
        self._emit("info", event, kw)

    def warning(self, event: str, **kw: Any) -> None:
        self._emit("warning", event, kw)

    def error(self, event: str, **kw: Any) -> None:
        self._emit("error", event, kw)

    def _emit(self, level: str, event: str, kw: dict[str, Any]) -> None:
        try:
            getattr(self._log, level)(event, **kw)
            if self._file is not None:
                self._file.flush()
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
