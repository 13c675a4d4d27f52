"""The job runner: stream the input, classify each batch, append events, commit, repeat.

Per batch: the row events go out as one record and are fsynced; only then is the
``batch_committed`` marker appended (it becomes durable with the next batch's fsync, or at
the end). A marker on disk therefore always covers rows that are on disk too.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from leadscout_es import faults
from leadscout_es.classifiers import DEFAULT_ABSTAIN_BELOW, load_classifier
from leadscout_es.classifiers.base import Outcome
from leadscout_es.columns import resolve_name_column, resolve_province_column
from leadscout_es.errors import (
    InputChanged,
    InputError,
    InputNotFound,
    JobNotResumable,
    LeadScoutError,
    UsageError,
)
from leadscout_es.escalation import EscalationContext, EscalationSettings, Escalator
from leadscout_es.events import (
    BatchCommitted,
    Event,
    JobCompleted,
    JobFailed,
    JobInterrupted,
    JobResumed,
    JobStarted,
    RowClassified,
    RowRejected,
    encode_record,
)
from leadscout_es.fingerprint import fingerprint
from leadscout_es.joblog import JobLogger
from leadscout_es.jobs import DEFAULT_BATCH_SIZE, JobPaths, job_id_for_input, validate_job_id
from leadscout_es.knowledge import KnowledgeClassifier, read_knowledge
from leadscout_es.lock import JobLock, utc_now
from leadscout_es.log.segments import LogScan, repair_torn_tail
from leadscout_es.log.writer import DEFAULT_ROLL_BYTES, SegmentWriter, storage_error
from leadscout_es.pipelining import (
    BatchClassifier,
    ClassifierWorker,
    InlineClassifier,
    submit_batch,
)
from leadscout_es.progress import NullProgress, ProgressSink
from leadscout_es.providers import build_escalator
from leadscout_es.replay import (
    JobState,
    RowEvent,
    apply,
    apply_batch,
    batch_counts,
    replay_log,
)
from leadscout_es.sources import open_source
from leadscout_es.sources.base import Batch, Source

WORKER_MIN_BYTES = 4 * 1024 * 1024  # inputs at least this big classify in worker processes
DEFAULT_WORKERS = 1  # on 2 cores, 2 workers measured 35% slower than 1 (docs/benchmarks.md)


@dataclass(frozen=True, slots=True)
class IngestOptions:
    input_path: Path
    job_id: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    sheet: str | None = None
    name_column: str | None = None
    providers: tuple[str, ...] = ()
    escalate_below: float | None = None
    max_cost: float | None = None
    concurrency: int = 4
    abstain_below: float | None = None
    fresh: bool = False
    segment_bytes: int = DEFAULT_ROLL_BYTES
    classifier_workers: int | None = None  # None: DEFAULT_WORKERS for inputs >= 4 MiB, else 0


@dataclass(slots=True)
class IngestResult:
    job_id: str
    state: JobState
    outcome: str  # "completed" | "already_completed" | "interrupted"
    signal: str = ""
    notes: list[str] = field(default_factory=list)


class StopFlag:
    """Set by SIGINT/SIGTERM; the runner stops at the next batch boundary."""

    def __init__(self) -> None:
        self.signal = ""

    def __bool__(self) -> bool:
        return bool(self.signal)

    def handler(self, signum: int, _frame: FrameType | None) -> None:
        self.signal = signal.Signals(signum).name

    def install(self) -> Callable[[], None]:
        old = {s: signal.signal(s, self.handler) for s in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for s, h in old.items():
                signal.signal(s, h)

        return restore


def _require_file(path: Path) -> None:
    if not path.exists():
        raise InputNotFound(f"input file not found: {path}", "check the path and try again")
    if not path.is_file():
        raise InputError(f"input is not a file: {path}", "pass a .xlsx, .csv or .parquet file")


def _fingerprint(path: Path) -> tuple[int, str]:
    try:
        return fingerprint(path)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", "check permissions") from exc


def _settings(opts: IngestOptions, abstain_below: float) -> dict[str, Any]:
    return {
        "batch_size": opts.batch_size,
        "abstain_below": abstain_below,
        "escalate_below": opts.escalate_below,
        "providers": list(opts.providers),
        "max_cost": opts.max_cost,
        "concurrency": opts.concurrency,
    }


def _escalation_settings(
    opts: IngestOptions, started: JobStarted | None, abstain_used: float
) -> EscalationSettings:
    """Flags given now win; otherwise the values recorded when the job started."""
    recorded = started.settings if started is not None else {}
    below = recorded.get("escalate_below")
    cost = recorded.get("max_cost")
    return EscalationSettings(
        providers=opts.providers or tuple(recorded.get("providers") or ()),
        escalate_below=(
            opts.escalate_below if opts.escalate_below is not None
            else float(below) if below is not None else abstain_used
        ),
        max_cost=(
            opts.max_cost if opts.max_cost is not None
            else float(cost) if cost is not None else None
        ),
        concurrency=max(1, opts.concurrency),
    )


class _Run:
    """One ingest run over one job, holding its lock."""

    def __init__(self, home: Path, opts: IngestOptions, progress: ProgressSink, stop: StopFlag):
        self.home, self.opts, self.progress, self.stop = home, opts, progress, stop
        self._rows_known: int | None = None
        self._input_size = 0
        self._source_format = ""

    def execute(self) -> IngestResult:
        opts = self.opts
        if opts.batch_size < 1:
            raise UsageError("--batch-size must be at least 1", "the default is 100")
        path = opts.input_path
        _require_file(path)
        job_id = validate_job_id(opts.job_id) if opts.job_id else job_id_for_input(path)
        paths = JobPaths(self.home, job_id)
        try:
            paths.log_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(f"creating {paths.dir}", exc) from exc
        # Lock first: a process that is going to be refused must not hash a large input first.
        # A job whose input turns out to be unusable keeps an empty log and is not listed.
        # The input's sha256 is computed on a thread (hashlib releases the GIL) while the
        # source opens and the log replays: resuming a large job pays for the slower alone.
        with JobLock(paths.lock).acquire(job_id), ThreadPoolExecutor(1) as pool:
            hashing = pool.submit(_fingerprint, path)
            worker = self._start_worker(path)
            try:
                source = open_source(path, sheet=opts.sheet)
            except BaseException:
                hashing.cancel()
                if worker is not None:
                    worker.close()
                raise
            try:
                name_idx = resolve_name_column(source.columns, opts.name_column)
                return self._locked(paths, source, name_idx, hashing, worker)
            finally:
                source.close()
                if worker is not None:
                    worker.close()

    def _start_worker(self, path: Path) -> ClassifierWorker | None:
        """Classifier worker processes for large inputs (see pipelining), started early."""
        count = self.opts.classifier_workers
        if count is None:
            try:
                big = path.stat().st_size >= WORKER_MIN_BYTES
            except OSError:
                big = False
            count = min(DEFAULT_WORKERS, (os.cpu_count() or 1)) if big and (os.cpu_count() or 1) > 1 else 0
        return ClassifierWorker(count) if count > 0 else None

    def _locked(
        self,
        paths: JobPaths,
        source: Source,
        name_idx: int,
        hashing: Future[tuple[int, str]],
        worker: ClassifierWorker | None,
    ) -> IngestResult:
        opts = self.opts
        log = JobLogger(paths.job_log, paths.job_id)
        try:
            scan = LogScan()
            state = replay_log(paths.log_dir, scan)
            size, sha = hashing.result()
            notes: list[str] = []
            if scan.torn_tail is not None:
                aside = repair_torn_tail(scan.torn_tail)
                notes.append(f"repaired a torn log tail ({scan.torn_tail.size} bytes kept in {aside.name})")
                log.warning("torn_tail_repaired", segment=scan.torn_tail.segment.name,
                            offset=scan.torn_tail.offset, size=scan.torn_tail.size)
            started = state.started
            if started is not None and not opts.fresh:
                if started.input_sha256 != sha:
                    raise InputChanged(
                        f"{opts.input_path} changed since job {paths.job_id} started "
                        f"(sha256 {started.input_sha256[:12]}… → {sha[:12]}…)",
                        "restore the original file, or add --fresh to start the job over",
                    )
                if state.status == "completed":
                    return IngestResult(paths.job_id, state, "already_completed", notes=notes)
                if state.status == "cancelled":
                    raise JobNotResumable(
                        f"job {paths.job_id} was cancelled", "add --fresh to start it over"
                    )
                source, name_idx = self._reopen_as_started(source, name_idx, started)
            return self._work(paths, source, name_idx, size, sha, scan, state, log, notes, worker)
        except LeadScoutError as exc:
            log.error("ingest_error", error=exc.message, kind=type(exc).__name__)
            raise
        finally:
            log.close()

    def _reopen_as_started(
        self, source: Source, name_idx: int, started: JobStarted
    ) -> tuple[Source, int]:
        opts = self.opts
        if opts.sheet is not None and opts.sheet != started.sheet and source.sheet != started.sheet:
            raise UsageError(
                f"job was started on sheet {started.sheet!r}, not {opts.sheet!r}",
                "drop --sheet to resume, or add --fresh to start over",
            )
        if source.sheet != started.sheet:
            source.close()
            source = open_source(opts.input_path, sheet=started.sheet)
        if source.columns[name_idx] != started.name_column:
            if opts.name_column:
                raise UsageError(
                    f"job was started with name column {started.name_column!r}",
                    "drop --name-column to resume, or add --fresh to start over",
                )
            name_idx = resolve_name_column(source.columns, started.name_column)
        return source, name_idx

    def _work(
        self,
        paths: JobPaths,
        source: Source,
        name_idx: int,
        size: int,
        sha: str,
        scan: LogScan,
        state: JobState,
        log: JobLogger,
        notes: list[str],
        worker: ClassifierWorker | None = None,
    ) -> IngestResult:
        opts = self.opts
        started = state.started if not opts.fresh else None
        recorded = started.settings.get("abstain_below") if started is not None else None
        abstain = float(recorded) if recorded is not None else opts.abstain_below
        abstain_used = abstain if abstain is not None else float(DEFAULT_ABSTAIN_BELOW)
        knowledge = read_knowledge(self.home, started.knowledge_seq if started else None)
        batch_classifier: BatchClassifier
        if worker is not None:  # the worker loads the classifier; this process never needs it
            version = worker.configure(abstain_used, knowledge)
            batch_classifier = worker
        else:
            classifier = KnowledgeClassifier(load_classifier(abstain_below=abstain_used), knowledge)
            version = classifier.version
            batch_classifier = InlineClassifier(classifier)
        province_idx = resolve_province_column(source.columns)
        writer = SegmentWriter(
            paths.log_dir, epoch=scan.last_epoch + 1, next_seq=scan.next_seq,
            roll_bytes=opts.segment_bytes,
        )
        try:
            first: Event
            if started is None:
                first = JobStarted(
                    job_id=paths.job_id,
                    at=utc_now(),
                    input_path=str(opts.input_path.resolve()),
                    input_size=size,
                    input_sha256=sha,
                    input_format=source.format,
                    sheet=source.sheet,
                    columns=list(source.columns),
                    name_column=source.columns[name_idx],
                    province_column=source.columns[province_idx] if province_idx >= 0 else None,
                    batch_size=opts.batch_size,
                    settings=_settings(opts, abstain_used),
                    classifier_version=version,
                    encoding=str(getattr(source, "encoding", "")),
                    knowledge_seq=knowledge.seq,
                )
                log.info("job_started", input=str(opts.input_path), sha256=sha, epoch=writer.epoch)
            else:
                if started.classifier_version != version:
                    notes.append(
                        f"classifier changed since the job started ({started.classifier_version} "
                        f"→ {version}); rows from here on use the new one"
                    )
                first = JobResumed(at=utc_now(), from_row=state.next_row, epoch=writer.epoch, pid=os.getpid())
                log.info("job_resumed", from_row=state.next_row, epoch=writer.epoch)
            writer.append(encode_record([first]))
            writer.sync()
            apply(state, first)
            self._rows_known = getattr(source, "row_count", None)
            self._input_size, self._source_format = size, source.format
            self.progress.start(self._rows_known, state.rows_done)
            batches = source.iter_batches(state.next_row, opts.batch_size, state.position)

            def record(events: Sequence[Event]) -> None:
                writer.append(encode_record(list(events)))
                writer.sync()
                for ev in events:
                    apply(state, ev)

            ctx = EscalationContext(
                home=self.home,
                job_id=paths.job_id,
                settings=_escalation_settings(opts, started, abstain_used),
                env=os.environ,
                record=record,
                state=state,
                log=log,
            )
            escalator = build_escalator(ctx)
            try:
                self._loop(batches, writer, state, batch_classifier, name_idx, province_idx, escalator)
            finally:
                batch_classifier.close()
                if escalator is not None:
                    escalator.close()
                notes.extend(ctx.notes)
            if self.stop:
                end: Event = JobInterrupted(at=utc_now(), signal=self.stop.signal, next_row=state.next_row)
                outcome = "interrupted"
            else:
                end = JobCompleted(at=utc_now(), rows_total=state.next_row)
                outcome = "completed"
            writer.append(encode_record([end]))
            writer.sync()
            apply(state, end)
            log.info(outcome, rows_done=state.rows_done, next_row=state.next_row, **state.summary()["by_status"])
            return IngestResult(paths.job_id, state, outcome, self.stop.signal, notes)
        except InputError as exc:
            self._record_failure(writer, state, exc.message)
            raise
        finally:
            self.progress.stop()
            writer.close()

    def _record_failure(self, writer: SegmentWriter, state: JobState, error: str) -> None:
        try:
            ev = JobFailed(at=utc_now(), error=error)
            writer.append(encode_record([ev]))
            writer.sync()
            apply(state, ev)
        except LeadScoutError:
            pass

    def _estimate_total(self, batch: Batch, next_row: int) -> int | None:
        """Rows in the input, extrapolated from the byte position (CSV) when not known."""
        if self._rows_known is not None:
            return self._rows_known
        if self._input_size > 0 and 0 < batch.position <= self._input_size and self._source_format == "csv":
            return max(next_row, round(next_row * self._input_size / batch.position))
        return None

    def _loop(
        self,
        batches: Iterator[Batch],
        writer: SegmentWriter,
        state: JobState,
        classifier: BatchClassifier,
        name_idx: int,
        province_idx: int,
        escalator: Escalator | None = None,
    ) -> None:
        """Commit batches in order while the next ones are being classified."""
        inflight: deque[tuple[Batch, list[str]]] = deque()

        def feed() -> None:
            batch = next(batches, None)
            if batch is not None:
                inflight.append((batch, submit_batch(classifier, batch.rows, name_idx, province_idx)))

        for _ in range(classifier.lookahead):
            feed()
        while inflight:
            batch, names = inflight.popleft()
            events = _row_events(batch, names, classifier.result(), escalator)
            writer.append(encode_record(events))
            writer.sync()
            faults.kill_point("after_fsync_before_commit")
            next_row = batch.first_row + len(batch.rows)
            marker = BatchCommitted(
                batch.first_row, next_row, batch.position, utc_now(), batch_counts(events)
            )
            writer.append(encode_record([marker]))
            writer.flush()
            faults.kill_point("after_commit")
            apply_batch(state, events, marker)
            self.progress.update(
                state.rows_done, state.llm_calls, state.cost_usd, self._estimate_total(batch, next_row)
            )
            if self.stop:
                break  # batches still in flight were never written: the resume redoes them
            writer.maybe_roll()
            feed()


def _row_events(
    batch: Batch,
    names: list[str],
    outcomes: list[Outcome],
    escalator: Escalator | None = None,
) -> list[RowEvent]:
    rejects = batch.rejects
    if escalator is not None:
        outcomes = escalator.escalate(names, outcomes, frozenset(rejects))
    first = batch.first_row
    events: list[RowEvent] = []
    for i, out in enumerate(outcomes):
        if i in rejects:
            events.append(RowRejected(first + i, rejects[i]))
        elif out.status == "rejected":
            events.append(RowRejected(first + i, out.reason or "rejected_input"))
        else:
            events.append(
                RowClassified(
                    first + i, out.status, out.method, out.label, out.confidence,
                    out.evidence, out.provider, out.reason,
                )
            )
    return events


def run_ingest(
    home: Path,
    opts: IngestOptions,
    *,
    progress: ProgressSink | None = None,
    stop: StopFlag | None = None,
) -> IngestResult:
    """Start or resume the job for ``opts.input_path``; see DESIGN.md "Command line"."""
    return _Run(
        home,
        opts,
        progress if progress is not None else NullProgress(),
        stop if stop is not None else StopFlag(),
    ).execute()
