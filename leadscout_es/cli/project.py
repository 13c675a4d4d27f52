"""``project JOB --to FORMAT``: materialise the leads view (any time, also mid-job)."""

from __future__ import annotations

import argparse
from pathlib import Path

from leadscout_es.cli.output import print_json
from leadscout_es.errors import LeadScoutError
from leadscout_es.inspection import inspect_job
from leadscout_es.jobs import resolve_home
from leadscout_es.projections import PROJECTORS, projector_for
from leadscout_es.views import iter_view_chunks


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("project", parents=[common], help="write the leads view of a job",
                       description=__doc__)
    p.add_argument("job", help="job id")
    p.add_argument("--to", dest="fmt", required=True, choices=sorted(PROJECTORS),
                   help="output format")
    p.add_argument("--out", type=Path, help="output path (default: the job's views/leads.<ext>)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = inspect_job(resolve_home(getattr(args, "home", None)), args.job)
    state = report.state
    if state.started is None:
        raise LeadScoutError(f"job {args.job} has no started run to project", "run ingest first")
    projector = projector_for(args.fmt)
    out: Path = args.out or report.paths.views / f"leads{projector.suffix}"
    if out.is_dir():
        out = out / f"{report.paths.job_id}{projector.suffix}"
    out.parent.mkdir(parents=True, exist_ok=True)
    job = {**report.details(), "findings": report.state.findings}
    written = projector.write(out, list(state.started.columns), iter_view_chunks(report.paths, state), job)
    if args.json:
        print_json({**report.summary(), "path": str(written), "format": args.fmt})
    else:
        print(written)
    return 0
