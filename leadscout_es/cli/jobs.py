"""``jobs``: list the jobs under the LeadScout home."""

from __future__ import annotations

import argparse

from leadscout_es.cli.output import print_json
from leadscout_es.inspection import inspect_all
from leadscout_es.jobs import resolve_home


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("jobs", parents=[common], help="list jobs", description=__doc__)
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    home = resolve_home(getattr(args, "home", None))
    reports = inspect_all(home)
    rows = [
        {**r.summary(), "input_path": r.state.started.input_path if r.state.started else None,
         "next_row": r.state.next_row}
        for r in reports
    ]
    if args.json:
        print_json({"home": str(home), "jobs": rows})
        return 0
    if not rows:
        print(f"no jobs under {home} (start one: leadscout-es ingest FILE)")
        return 0
    width = max(len(r["job_id"]) for r in rows)
    print(f"{'JOB':<{width}}  {'STATUS':<11}  {'ROWS':>10}  INPUT")
    for r in rows:
        print(f"{r['job_id']:<{width}}  {r['status']:<11}  {r['rows_done']:>10,}  {r['input_path']}")
    return 0
