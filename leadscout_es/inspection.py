"""Read-side job inspection shared by ``replay``, ``status``, ``jobs``, ``project`` and ``cancel``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadscout_es.errors import JobLocked
from leadscout_es.jobs import JobPaths, find_job, list_job_ids
from leadscout_es.lock import JobLock, lock_holder
from leadscout_es.log.segments import LogScan, repair_torn_tail
from leadscout_es.replay import JobState, replay_log


@dataclass(slots=True)
class JobReport:
    paths: JobPaths
    state: JobState
    scan: LogScan
    holder: str | None
    repaired: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.holder is not None and self.state.status not in ("completed", "cancelled"):
            return "running"
        return self.state.status

    def summary(self) -> dict[str, Any]:
        out = self.state.summary()
        out["job_id"] = self.paths.job_id
        out["status"] = self.status
        return out

    def details(self) -> dict[str, Any]:
        """The summary plus resume point, log health and integrity findings."""
        state, scan = self.state, self.scan
        out = self.summary()
        started = state.started
        out.update(
            next_row=state.next_row,
            input_path=started.input_path if started else None,
            input_sha256=started.input_sha256 if started else None,
            started_at=started.at if started else None,
            classifier_version=started.classifier_version if started else None,
            runs=state.runs,
            batches=state.batches,
            events=state.events,
            segments=scan.segments,
            records=scan.records,
            uncommitted_rows=state.uncommitted_rows,
            llm_in_doubt=len(state.in_doubt),
            llm_failures=state.llm_failures,
            torn_tail=(
                {"segment": scan.torn_tail.segment.name, "offset": scan.torn_tail.offset,
                 "bytes": scan.torn_tail.size, "reason": scan.torn_tail.reason}
                if scan.torn_tail else None
            ),
            repaired=self.repaired or None,
            findings=list(state.findings),
            holder=self.holder,
        )
        return out


def inspect_job(home: Path, job_id: str, *, repair: bool = False) -> JobReport:
    """Replay a job's log. With ``repair``, fix a torn tail if nobody is writing the job."""
    paths = find_job(home, job_id)
    scan = LogScan()
    state = replay_log(paths.log_dir, scan)
    holder = lock_holder(paths.lock)
    report = JobReport(paths, state, scan, holder)
    if repair and scan.torn_tail is not None:
        try:
            with JobLock(paths.lock).acquire(paths.job_id):
                aside = repair_torn_tail(scan.torn_tail)
                report.repaired = f"torn tail of {scan.torn_tail.segment.name} moved to {aside.name}"
        except JobLocked:
            report.notes.append("a torn tail was found but the job is running; not repaired")
    return report


def inspect_all(home: Path) -> list[JobReport]:
    return [inspect_job(home, job_id) for job_id in list_job_ids(home)]
