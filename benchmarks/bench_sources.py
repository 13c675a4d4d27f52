"""Reader throughput, peak memory and resume cost for the input sources (figures, no asserts).

    python benchmarks/bench_sources.py [--dir DIR] [--csv-rows N] [--xlsx-rows N] [--parquet-rows N]

Inputs are generated once with scripts/make_sample.py into DIR (default /tmp/leadscout-bench)
and reused. Each measurement runs in a fresh subprocess so ru_maxrss is that reader's peak.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, resource, sys, time
from pathlib import Path
from leadscout_es.sources import open_source
path, batch_size = Path(sys.argv[1]), int(sys.argv[2])
t0 = time.perf_counter()
source = open_source(path)
opened = time.perf_counter() - t0
rows, marks = 0, {}
t1 = time.perf_counter()
for batch in source.iter_batches(0, batch_size):
    rows += len(batch.rows)
    marks[batch.first_row + len(batch.rows)] = batch.position
read = time.perf_counter() - t1
target = max(k for k in marks if k <= rows * 9 // 10)
t2 = time.perf_counter()
first = next(iter(open_source(path).iter_batches(target, batch_size)))
skip = time.perf_counter() - t2
t3 = time.perf_counter()
again = next(iter(open_source(path).iter_batches(target, batch_size, marks[target])))
seek = time.perf_counter() - t3
assert again == first
print(json.dumps({"rows": rows, "open_s": opened, "read_s": read, "rows_per_s": rows / read,
                  "resume_row": target, "resume_skip_s": skip, "resume_position_s": seek,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def ensure(path: Path, rows: int, fmt: str, strings: str | None = None) -> Path:
    if not path.exists():
        cmd = [sys.executable, str(ROOT / "scripts" / "make_sample.py"), "--rows", str(rows)]
        cmd += ["--format", fmt, "--out", str(path)]
        if strings:
            cmd += ["--strings", strings]
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        print(f"  generated {path.name} in {time.perf_counter() - t:.1f}s", flush=True)
    return path


def measure(label: str, path: Path, batch_size: int = 1000) -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(batch_size)],
        check=True,
        capture_output=True,
        text=True,
    )
    r = json.loads(out.stdout)
    print(
        f"{label:<34} {r['rows']:>9,} rows  {r['rows_per_s']:>11,.0f} rows/s  "
        f"open {r['open_s']:5.2f}s  peak RSS {r['peak_rss_mb']:6.1f} MB  "
        f"resume@{r['resume_row']:,}: skip {r['resume_skip_s']:.2f}s / position {r['resume_position_s']:.3f}s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/leadscout-bench"))
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=200_000)
    parser.add_argument("--parquet-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    d, n = args.dir, args
    measure(
        "csv (stdlib csv, byte offsets)", ensure(d / f"leads-{n.csv_rows}.csv", n.csv_rows, "csv")
    )
    measure(
        "parquet (pyarrow iter_batches)",
        ensure(d / f"leads-{n.parquet_rows}.parquet", n.parquet_rows, "parquet"),
    )
    inline = ensure(d / f"leads-{n.xlsx_rows}-inline.xlsx", n.xlsx_rows, "xlsx", "inline")
    measure("xlsx inline strings (streaming)", inline)
    shared = ensure(d / f"leads-{n.xlsx_rows}-shared.xlsx", n.xlsx_rows, "xlsx", "shared")
    measure("xlsx shared strings (streaming)", shared)


if __name__ == "__main__":
    main()
