"""``rules``: the learned rules, with their support and provenance."""

from __future__ import annotations

import argparse
import csv
import sys

from leadscout_es.cli.output import print_json
from leadscout_es.jobs import resolve_home
from leadscout_es.knowledge import read_knowledge

FIELDS = ("position", "token", "label", "support", "precision", "provenance", "at")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("rules", parents=[common], help="list learned rules", description=__doc__)
    p.add_argument("--to", dest="fmt", choices=("table", "csv", "json"), default="table",
                   help="output format (default: table)")
    p.add_argument("--json", action="store_true", help="same as --to json")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    knowledge = read_knowledge(resolve_home(getattr(args, "home", None)))
    rows = [{f: getattr(rule, f) for f in FIELDS} for _key, rule in sorted(knowledge.rules.items())]
    fmt = "json" if args.json else args.fmt
    if fmt == "json":
        print_json({"rules": rows, "confirmed_names": len(knowledge.confirmed)})
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    elif not rows:
        print(f"no learned rules yet ({len(knowledge.confirmed):,} confirmed names; rules need "
              "3+ confirmed names sharing a surname or given name; see `leadscout-es confirm`)")
    else:
        for r in rows:
            print(f"{r['position']:<8} {r['token']:<20} → {r['label']:<11} support {r['support']:>4}  "
                  f"precision {r['precision']:.2f}  ({r['provenance']})")
    return 0
