"""``ingest INPUT``: start a job, or resume the unfinished job for the same input."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from leadscout_es.cli.output import print_json, print_summary
from leadscout_es.errors import UsageError
from leadscout_es.jobs import DEFAULT_BATCH_SIZE, job_id_for_input, resolve_home, validate_job_id
from leadscout_es.lock import refuse_if_locked
from leadscout_es.log.writer import DEFAULT_ROLL_BYTES

EXIT_FOR_SIGNAL = {"SIGINT": 130, "SIGTERM": 143}


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ingest", parents=[common], help="start or resume a job on an input file",
                       description=__doc__)
    p.add_argument("input", type=Path, help="leads file: .xlsx, .csv or .parquet")
    p.add_argument("--job-id", help="job id (default: derived from the input's path)")
    p.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                   help=f"rows per committed batch (default {DEFAULT_BATCH_SIZE})")
    p.add_argument("--sheet", help="xlsx sheet name or 0-based index (default: the first)")
    p.add_argument("--name-column", help="column with director names (default: DirectorName)")
    p.add_argument("--providers", default="",
                   help="comma-separated LLM providers in failover order (openai,anthropic)")
    p.add_argument("--escalate-below", type=_fraction, default=None,
                   help="send rows whose offline confidence is below P to the LLM providers")
    p.add_argument("--max-cost", type=float, default=None, help="LLM budget in USD for the job")
    p.add_argument("--concurrency", type=int, default=4, help="concurrent LLM requests")
    p.add_argument("--abstain-below", type=_fraction, default=None,
                   help="answer 'unknown' when the top probability is below P")
    p.add_argument("--fresh", action="store_true",
                   help="start the job over even if it exists or its input changed")
    p.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    p.set_defaults(run=run)


def _segment_bytes() -> int:
    """Segment size limit; ``LEADSCOUT_SEGMENT_BYTES`` lowers it for crash tests of rolling."""
    raw = os.environ.get("LEADSCOUT_SEGMENT_BYTES", "")
    if not raw:
        return DEFAULT_ROLL_BYTES
    if not raw.isdigit() or int(raw) < 64:
        raise UsageError(f"LEADSCOUT_SEGMENT_BYTES={raw!r} is not a size in bytes (>= 64)",
                         "unset it to use the default of 16 MiB")
    return int(raw)


def _classifier_workers() -> int | None:
    """``LEADSCOUT_CLASSIFIER_WORKER=N`` sets the number of classifier worker processes
    (0: classify in the runner itself); unset or ``auto``: decided by input size."""
    raw = os.environ.get("LEADSCOUT_CLASSIFIER_WORKER", "")
    if raw in ("", "auto"):
        return None
    if not raw.isdigit() or int(raw) > 16:
        raise UsageError(f"LEADSCOUT_CLASSIFIER_WORKER={raw!r} must be 0..16 or auto",
                         "unset it to let ingest decide by input size")
    return int(raw)


def run(args: argparse.Namespace) -> int:
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1", "the default is 4")
    if args.max_cost is not None and args.max_cost < 0:
        raise UsageError("--max-cost must not be negative", "pass a budget in USD, e.g. 5")
    home = resolve_home(getattr(args, "home", None))
    # Refuse a job another process holds before paying for the heavy imports below: with
    # many processes starting at once, the losers exit 3 in a fraction of the time.
    job_id = validate_job_id(args.job_id) if args.job_id else job_id_for_input(args.input)
    refuse_if_locked(home / "jobs" / job_id / "LOCK", job_id)

    from leadscout_es.ingest import IngestOptions, StopFlag, run_ingest
    from leadscout_es.progress import progress_for_terminal

    opts = IngestOptions(
        input_path=args.input,
        job_id=args.job_id,
        batch_size=args.batch_size,
        sheet=args.sheet,
        name_column=args.name_column,
        providers=tuple(p.strip() for p in args.providers.split(",") if p.strip()),
        escalate_below=args.escalate_below,
        max_cost=args.max_cost,
        concurrency=args.concurrency,
        abstain_below=args.abstain_below,
        fresh=args.fresh,
        segment_bytes=_segment_bytes(),
        classifier_workers=_classifier_workers(),
    )
    stop = StopFlag()
    restore = stop.install()
    try:
        result = run_ingest(
            home,
            opts,
            progress=progress_for_terminal(not args.json),
            stop=stop,
        )
    finally:
        restore()
    summary = result.state.summary()
    summary["job_id"] = result.job_id
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    resume_hint = f"leadscout-es ingest {args.input}" + (f" --job-id {args.job_id}" if args.job_id else "")
    if result.outcome == "already_completed":
        print(f"job {result.job_id} is already complete; nothing to do "
              f"(project it: leadscout-es project {result.job_id} --to xlsx)", file=sys.stderr)
    elif result.outcome == "interrupted":
        print(f"stopped by {result.signal} at row {result.state.next_row:,}; all committed work "
              f"is safe. Resume with: {resume_hint}", file=sys.stderr)
    if args.json:
        print_json(summary)
    else:
        print_summary(summary)
        if result.outcome == "completed":
            print(f"  next: leadscout-es project {result.job_id} --to xlsx")
    return EXIT_FOR_SIGNAL.get(result.signal, 130) if result.outcome == "interrupted" else 0
