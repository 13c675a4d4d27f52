"""``evaluate FILE --label-column C``: measure the offline classifier against labelled names."""

from __future__ import annotations

import argparse
from pathlib import Path

import msgspec

from leadscout_es.classifiers import load_classifier
from leadscout_es.cli.output import print_json
from leadscout_es.columns import find_column, resolve_name_column, resolve_province_column
from leadscout_es.errors import MissingColumn
from leadscout_es.evaluation import evaluate, format_report
from leadscout_es.sources import open_source


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("evaluate", parents=[common], help="accuracy and calibration on labelled names",
                       description=__doc__)
    p.add_argument("file", type=Path, help="labelled file (.csv, .xlsx or .parquet)")
    p.add_argument("--label-column", required=True, help="column with the true labels")
    p.add_argument("--name-column", help="column with the names (default: DirectorName/name)")
    p.add_argument("--sheet", help="xlsx sheet name or 0-based index")
    p.add_argument("--abstain-below", type=float, default=None,
                   help="abstention threshold to evaluate (default: the classifier's)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    source = open_source(args.file, sheet=args.sheet)
    try:
        name_idx = resolve_name_column(source.columns, args.name_column)
        label_idx = find_column(source.columns, args.label_column)
        if label_idx < 0:
            raise MissingColumn(
                f"label column {args.label_column!r} not found; columns are: {', '.join(source.columns)}",
                "pass the column holding the true labels with --label-column",
            )
        province_idx = resolve_province_column(source.columns)
        names: list[str] = []
        labels: list[str] = []
        provinces: list[str] = []
        for batch in source.iter_batches(0, 5000):
            for row in batch.rows:
                names.append(row[name_idx])
                labels.append(row[label_idx].strip().lower())
                provinces.append(row[province_idx] if province_idx >= 0 else "")
    finally:
        source.close()
    classifier = (
        load_classifier() if args.abstain_below is None
        else load_classifier(abstain_below=args.abstain_below)
    )
    report = evaluate(names, labels, provinces, classifier)
    if args.json:
        print_json(msgspec.to_builtins(report))
    else:
        print(format_report(report))
    return 0
