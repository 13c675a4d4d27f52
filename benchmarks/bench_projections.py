"""Projection throughput and peak memory: N rows x 19 columns (11 input + 8 classification).

Each format runs in its own child process so peak RSS is that projector's alone. Rows are
generated lazily in chunks (as a replay would stream them), so the figures are the
projector's cost plus a small, constant generation cost (reported as ``generate only``).

    /work/venv/bin/python benchmarks/bench_projections.py [--rows 1000000] [--chunk 1000]
        [--formats csv,parquet,sqlite,xlsx] [--out DIR]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

INPUT_COLUMNS = [
    "EntityName",
    "TradingAsName",
    "Keyword",
    "ContactNumber",
    "CellNumber",
    "EmailAddress",
    "RegisteredAddress",
    "RegisteredAddressCity",
    "RegisteredAddressProvince",
    "DirectorName",
    "DirectorCell",
]
SURNAMES = ["Ndlovu", "Naidoo", "van der Merwe", "Petersen", "Abrahams", "Chen", "Dlamini"]
LABELS = ["african", "indian", "white", "coloured", "cape_malay", "chinese", "unknown"]
STATUSES = ["ok"] * 17 + ["abstained", "rejected", "failed"]


def iter_chunks(rows: int, chunk: int) -> Iterator[list[list[Any]]]:
    """Realistic-looking view rows, ``chunk`` at a time, deterministic."""
    for start in range(0, rows, chunk):
        out = []
        for n in range(start, min(start + chunk, rows)):
            surname = SURNAMES[n % 7]
            status = STATUSES[n % 20]
            out.append(
                [
                    f"{surname} Holdings {n} (Pty) Ltd",
                    f"{surname} Trading",
                    "construction",
                    f"011{n % 10_000_000:07d}",
                    f"07{n % 100_000_000:08d}",
                    f"info{n}@example.co.za",
                    f"{n % 999} Main Road, Suite {n % 50}",
                    "Johannesburg",
                    "Gauteng",
                    f"Thabo {surname}",
                    f"08{n % 100_000_000:08d}",
                    n,
                    LABELS[n % 7],
                    None if status != "ok" else (n % 10_000) / 10_000,
                    "lexicon",
                    "",
                    f"lexicon hit '{surname.lower()}'",
                    status,
                    "timeout" if status == "failed" else "",
                ]
            )
        yield out


def run_one(fmt: str, rows: int, chunk: int, out_dir: Path) -> dict[str, Any]:
    """Project once in this process; return timing, size and peak RSS."""
    job = {"job_id": "bench", "rows_total": rows, "started_at": "2025-01-01T00:00:00+00:00"}
    from leadscout_es.projections import projector_for

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if fmt == "generate":
        for _ in iter_chunks(rows, chunk):
            pass
        size = 0
    else:
        projector = projector_for(fmt)
        path = projector.write(
            out_dir / f"leads{projector.suffix}", INPUT_COLUMNS, iter_chunks(rows, chunk), job
        )
        size = path.stat().st_size
    seconds = time.perf_counter() - started
    return {
        "format": fmt,
        "rows": rows,
        "seconds": seconds,
        "rows_per_s": rows / seconds if seconds else 0.0,
        "bytes": size,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_at_start_mb": rss_before / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--formats", default="csv,parquet,sqlite,xlsx")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(run_one(args.child, args.rows, args.chunk, args.out)))
        return

    with tempfile.TemporaryDirectory(dir=args.out) as scratch:
        print(f"{args.rows:,} rows x {len(INPUT_COLUMNS) + 8} columns, chunks of {args.chunk}")
        print(
            f"{'format':<14}{'seconds':>9}{'rows/s':>12}{'MB out':>9}{'peak RSS MB':>13}{'RSS at start':>14}"
        )
        for fmt in ["generate", *args.formats.split(",")]:
            command = [
                sys.executable,
                __file__,
                "--child",
                fmt,
                "--rows",
                str(args.rows),
                "--chunk",
                str(args.chunk),
                "--out",
                scratch,
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            result = json.loads(done.stdout)
            name = "generate only" if fmt == "generate" else fmt
            print(
                f"{name:<14}{result['seconds']:>9.2f}{result['rows_per_s']:>12,.0f}"
                f"{result['bytes'] / 1e6:>9.1f}{result['peak_rss_mb']:>13.1f}"
                f"{result['rss_at_start_mb']:>14.1f}"
            )
            for leftover in Path(scratch).iterdir():
                os.unlink(leftover)


if __name__ == "__main__":
    main()
