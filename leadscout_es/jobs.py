"""Where things live under ``$LEADSCOUT_HOME`` and how jobs are named and found."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from leadscout_es.errors import JobNotFound, UsageError

DEFAULT_HOME = ".leadscout"
DEFAULT_BATCH_SIZE = 100  # rows per committed batch
_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def resolve_home(cli_home: str | None) -> Path:
    return Path(cli_home or os.environ.get("LEADSCOUT_HOME") or DEFAULT_HOME)


@dataclass(frozen=True, slots=True)
class JobPaths:
    home: Path
    job_id: str

    @property
    def dir(self) -> Path:
        return self.home / "jobs" / self.job_id

    @property
    def lock(self) -> Path:
        return self.dir / "LOCK"

    @property
    def log_dir(self) -> Path:
        return self.dir / "log"

    @property
    def views(self) -> Path:
        return self.dir / "views"

    @property
    def job_log(self) -> Path:
        return self.dir / "job.log"

    def exists(self) -> bool:
        """A job exists once its log has a segment (a refused bad input leaves none)."""
        return self.log_dir.is_dir() and any(self.log_dir.glob("*.seg"))


def knowledge_log_dir(home: Path) -> Path:
    return home / "knowledge" / "log"


def validate_job_id(job_id: str) -> str:
    if not _JOB_ID.match(job_id):
        raise UsageError(
            f"invalid job id {job_id!r}",
            "use letters, digits, '.', '_' or '-' (at most 100 characters)",
        )
    return job_id


def job_id_for_input(path: Path) -> str:
    """A stable id from the input's location: same file path, same job."""
    resolved = str(path.resolve())
    stem = re.sub(r"[^A-Za-z0-9]+", "-", path.stem).strip("-").lower()[:40] or "input"
    return f"{stem}-{hashlib.sha256(resolved.encode()).hexdigest()[:8]}"


def find_job(home: Path, job_id: str) -> JobPaths:
    paths = JobPaths(home, validate_job_id(job_id))
    if not paths.exists():
        known = ", ".join(list_job_ids(home)[:5]) or "none yet"
        raise JobNotFound(
            f"no job {job_id!r} under {home}",
            f"run `leadscout-es jobs` to list jobs (known: {known}); or pass --home",
        )
    return paths


def list_job_ids(home: Path) -> list[str]:
    root = home / "jobs"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if JobPaths(home, p.name).exists())
