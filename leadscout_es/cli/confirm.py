"""``confirm FILE``: import human-confirmed labels from a reviewed export.

Confirmed labels override every other method in jobs started afterwards, and feed the
learned rules (see ``leadscout-es rules``). By default the labels are read from a
``confirmed_ethnicity`` column added by the reviewer; rows where it is blank are skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from leadscout_es.classifiers.base import LABELS
from leadscout_es.cli.output import print_json
from leadscout_es.columns import find_column, resolve_name_column
from leadscout_es.errors import MissingColumn
from leadscout_es.events import Event, LabelConfirmed
from leadscout_es.jobs import resolve_home
from leadscout_es.knowledge import append_knowledge, learn_rules, name_key, read_knowledge
from leadscout_es.lock import utc_now
from leadscout_es.sources import open_source

DEFAULT_LABEL_COLUMN = "confirmed_ethnicity"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("confirm", parents=[common], help="import human-confirmed labels",
                       description=__doc__)
    p.add_argument("file", type=Path, help="reviewed export (.xlsx, .csv or .parquet)")
    p.add_argument("--label-column", default=DEFAULT_LABEL_COLUMN,
                   help=f"column with the confirmed labels (default {DEFAULT_LABEL_COLUMN})")
    p.add_argument("--name-column", help="column with the names (default: DirectorName)")
    p.add_argument("--sheet", help="xlsx sheet name or 0-based index")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    home = resolve_home(getattr(args, "home", None))
    source = open_source(args.file, sheet=args.sheet)
    confirmations: dict[str, str] = {}
    invalid: list[str] = []
    try:
        name_idx = resolve_name_column(source.columns, args.name_column)
        label_idx = find_column(source.columns, args.label_column)
        if label_idx < 0:
            raise MissingColumn(
                f"label column {args.label_column!r} not found in {args.file.name}",
                "add a confirmed_ethnicity column with the reviewed labels, or pass "
                "--label-column ethnicity to confirm every row's label as it stands",
            )
        for batch in source.iter_batches(0, 5000):
            for offset, row in enumerate(batch.rows):
                label = row[label_idx].strip().lower()
                key = name_key(row[name_idx])
                if not label or not key:
                    continue
                if label not in LABELS:
                    invalid.append(f"row {batch.first_row + offset}: {label!r}")
                    continue
                confirmations[key] = label
    finally:
        source.close()
    knowledge = read_knowledge(home)
    source_name = args.file.name
    now = utc_now()
    new = [
        LabelConfirmed(key, label, source_name, now)
        for key, label in sorted(confirmations.items())
        if key not in knowledge.confirmed or knowledge.confirmed[key].label != label
    ]
    merged = dict(knowledge.confirmed)
    merged.update({ev.name: ev for ev in new})
    rules = learn_rules(merged, knowledge.rules, f"confirmed labels, latest from {source_name}")
    events: list[Event] = [*new, *rules]
    if events:
        append_knowledge(home, events)
    result = {
        "file": str(args.file),
        "confirmed": len(new),
        "unchanged": len(confirmations) - len(new),
        "invalid": len(invalid),
        "rules_learned": len(rules),
        "total_confirmed": len(merged),
    }
    if args.json:
        print_json(result)
    else:
        print(f"{len(new):,} labels confirmed ({result['unchanged']:,} already known), "
              f"{len(rules)} rule(s) learned; {len(merged):,} confirmed names in all")
    for line in invalid[:10]:
        print(f"skipped {line} (labels are: {', '.join(LABELS)})", file=sys.stderr)
    return 0
