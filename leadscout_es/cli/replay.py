"""``replay JOB``: rebuild a job's state from its log, check its integrity, repair a torn tail."""

from __future__ import annotations

import argparse

from leadscout_es.cli.output import print_json, summary_lines
from leadscout_es.inspection import inspect_job
from leadscout_es.jobs import resolve_home


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("replay", parents=[common], help="rebuild a job's state from its log",
                       description=__doc__)
    p.add_argument("job", help="job id (see `leadscout-es jobs`)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = inspect_job(resolve_home(getattr(args, "home", None)), args.job, repair=True)
    details = report.details()
    details["notes"] = report.notes
    if args.json:
        print_json(details)
        return 0
    lines = summary_lines(details)
    lines.append(f"  resume point: row {details['next_row']:,} ({details['batches']:,} batches, "
                 f"{details['runs']} run(s), {details['uncommitted_rows']:,} uncommitted rows redone)")
    lines.append(f"  log: {details['segments']} segment(s), {details['records']:,} records, "
                 f"{details['events']:,} events")
    if details["llm_in_doubt"]:
        lines.append(f"  LLM calls in doubt: {details['llm_in_doubt']}")
    if report.repaired:
        lines.append(f"  repaired: {report.repaired}")
    elif details["torn_tail"]:
        tail = details["torn_tail"]
        lines.append(f"  torn tail: {tail['bytes']} bytes at {tail['segment']}:{tail['offset']} ({tail['reason']})")
    findings = details["findings"] + report.notes
    lines.append("  integrity: " + ("ok" if not findings else "; ".join(findings)))
    print("\n".join(lines))
    return 0
