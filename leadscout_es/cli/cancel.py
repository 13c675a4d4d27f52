"""``cancel JOB``: mark an unfinished job cancelled; ingest then refuses it unless --fresh."""

from __future__ import annotations

import argparse
import sys

from leadscout_es.cli.output import print_json
from leadscout_es.errors import JobNotResumable
from leadscout_es.events import JobCancelled, encode_record
from leadscout_es.inspection import inspect_job
from leadscout_es.jobs import resolve_home
from leadscout_es.lock import JobLock, utc_now
from leadscout_es.log.segments import LogScan, repair_torn_tail
from leadscout_es.log.writer import SegmentWriter
from leadscout_es.replay import apply, replay_log


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("cancel", parents=[common], help="cancel an unfinished job", description=__doc__)
    p.add_argument("job", help="job id")
    p.add_argument("--reason", default="cancelled by user", help="why (kept in the log)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    paths = inspect_job(resolve_home(getattr(args, "home", None)), args.job).paths
    with JobLock(paths.lock).acquire(paths.job_id):
        scan = LogScan()
        state = replay_log(paths.log_dir, scan)
        if state.status in ("completed", "cancelled"):
            raise JobNotResumable(
                f"job {paths.job_id} is already {state.status}; nothing to cancel",
                "use `leadscout-es jobs` to see unfinished jobs",
            )
        if scan.torn_tail is not None:
            repair_torn_tail(scan.torn_tail)
        writer = SegmentWriter(paths.log_dir, epoch=scan.last_epoch + 1, next_seq=scan.next_seq)
        try:
            ev = JobCancelled(at=utc_now(), reason=args.reason)
            writer.append(encode_record([ev]))
            writer.sync()
        finally:
            writer.close()
        apply(state, ev)
    summary = state.summary()
    summary["job_id"] = paths.job_id
    if args.json:
        print_json(summary)
    else:
        print(f"job {paths.job_id} cancelled at row {state.next_row:,} "
              f"(start it over with: leadscout-es ingest INPUT --fresh)", file=sys.stderr)
    return 0
