"""``status JOB``: one job's state (read-only; never repairs or locks)."""

from __future__ import annotations

import argparse

from leadscout_es.cli.output import print_json, summary_lines
from leadscout_es.inspection import inspect_job
from leadscout_es.jobs import resolve_home


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("status", parents=[common], help="show one job's state", description=__doc__)
    p.add_argument("job", help="job id")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = inspect_job(resolve_home(getattr(args, "home", None)), args.job)
    details = report.details()
    if args.json:
        print_json(details)
        return 0
    lines = summary_lines(details)
    lines.append(f"  input: {details['input_path']}")
    lines.append(f"  resume point: row {details['next_row']:,}")
    if report.holder:
        lines.append(f"  held by: {report.holder}")
    print("\n".join(lines))
    return 0
