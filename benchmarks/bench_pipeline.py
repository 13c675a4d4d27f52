"""End-to-end pipeline benchmark: ingest rows/s, peak RSS, replay events/s, resume latency.

    python benchmarks/bench_pipeline.py                    # 200k-row CSV, 50k-row xlsx
    python benchmarks/bench_pipeline.py --csv-rows 1000000 --xlsx-rows 1000000

Inputs are generated once into benchmarks/out/ by scripts/make_sample.py. Each ingest runs in
a fresh subprocess (`python -m leadscout_es ingest ...`) so its peak RSS can be read alone.
Prints figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
sys.path.insert(0, str(REPO))


def generate(rows: int, fmt: str) -> Path:
    path = OUT / f"leads_{rows}.{fmt}"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample.py"), "--rows", str(rows),
                        "--format", fmt, "--out", str(path)], check=True)
    return path


def child_run(args: list[str], env: dict[str, str]) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Run a child; return (seconds, peak RSS MB of that child, result)."""
    code = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "print(json.dumps([p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.stdout[-2000:], p.stderr[-2000:]]))"
    )
    t0 = time.perf_counter()
    wrapper = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True)
    seconds = time.perf_counter() - t0
    import json

    rc, rss_kb, out, err = json.loads(wrapper.stdout)
    return seconds, rss_kb // 1024, subprocess.CompletedProcess(args, rc, out, err)


def bench_ingest(path: Path, home: Path, rows: int, batch_size: int, worker: str = "auto") -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSCOUT_")}
    env["LEADSCOUT_HOME"] = str(home)
    env["LEADSCOUT_CLASSIFIER_WORKER"] = worker
    seconds, rss, proc = child_run(
        [sys.executable, "-m", "leadscout_es", "ingest", str(path), "--job-id", path.stem + path.suffix[1:],
         "--batch-size", str(batch_size), "--json", "--fresh"], env)
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed: {proc.stderr}")
    print(f"ingest {path.name:<24} {rows:>9,} rows  {seconds:7.2f} s  {rows / seconds:>9,.0f} rows/s  "
          f"peak RSS {rss} MB  (batch size {batch_size}, classifier worker {worker}; "
          "process start included; RSS is the largest process)")


def bench_parts(path: Path, rows: int) -> None:
    """Reader alone, classifier alone, and the rest: where an ingest's time goes."""
    from leadscout_es.classifiers import load_classifier
    from leadscout_es.columns import resolve_name_column, resolve_province_column
    from leadscout_es.sources import open_source

    t0 = time.perf_counter()
    source = open_source(path)
    name_idx = resolve_name_column(source.columns, None)
    prov_idx = resolve_province_column(source.columns)
    names: list[str] = []
    provinces: list[str] = []
    for batch in source.iter_batches(0, 1000):
        for row in batch.rows:
            names.append(row[name_idx])
            provinces.append(row[prov_idx])
    read_s = time.perf_counter() - t0
    source.close()
    clf = load_classifier()
    t0 = time.perf_counter()
    for i in range(0, len(names), 100):
        clf.classify_batch(names[i : i + 100], provinces[i : i + 100])
    clf_s = time.perf_counter() - t0
    print(f"  parts for {path.name}: read {rows / read_s:,.0f} rows/s ({read_s:.2f} s), "
          f"classify {rows / clf_s:,.0f} names/s ({clf_s:.2f} s)")
    return None


def bench_replay(home: Path, job_id: str) -> None:
    from leadscout_es.jobs import JobPaths
    from leadscout_es.log.segments import LogScan
    from leadscout_es.replay import replay_log

    paths = JobPaths(home, job_id)
    t0 = time.perf_counter()
    scan = LogScan()
    state = replay_log(paths.log_dir, scan)
    seconds = time.perf_counter() - t0
    print(f"replay {job_id}: {state.events:,} events in {seconds:.3f} s = {state.events / seconds:,.0f} events/s "
          f"({scan.records:,} records, {scan.segments} segments)")


def bench_resume(home: Path, path: Path, rows: int, at_fraction: float = 0.9) -> None:
    """Wall time of a real `ingest` resume, from process start to the first new batch committed.

    A run is SIGKILLed right after committing the batch that reaches ``at_fraction`` of the
    rows (LEADSCOUT_KILL_AT=after_commit:N); the timed run resumes it and is SIGKILLed right
    after committing its first new batch, so its wall time is exactly "time to first new row".
    """
    job_id = f"resume-{path.suffix[1:]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADSCOUT_")}
    env["LEADSCOUT_HOME"] = str(home)
    base = [sys.executable, "-m", "leadscout_es", "ingest", str(path), "--job-id", job_id, "--fresh"]
    batches = int(rows * at_fraction) // 100
    subprocess.run(base, env={**env, "LEADSCOUT_KILL_AT": f"after_commit:{batches}"},
                   capture_output=True, check=False)
    resume = [a for a in base if a != "--fresh"]
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(resume, env={**env, "LEADSCOUT_KILL_AT": "after_commit:1"}, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
        # Undo nothing: each timed run commits one more batch, which is negligible here.
    times.sort()
    print(f"resume {path.name} at row {batches * 100:,}: process start → first new batch committed "
          f"in {times[1] * 1000:.0f} ms (median of 3; includes interpreter start, replay, sha256 "
          f"of the input, open and seek)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", type=int, default=200_000)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    home = OUT / "home"
    shutil.rmtree(home, ignore_errors=True)
    csv_path = generate(args.csv_rows, "csv")
    xlsx_path = generate(args.xlsx_rows, "xlsx")
    for path, rows in ((csv_path, args.csv_rows), (xlsx_path, args.xlsx_rows)):
        for worker in ("0", "1"):
            bench_ingest(path, home, rows, args.batch_size, worker)
        bench_ingest(path, home, rows, 1000, "1")
        bench_parts(path, rows)
    bench_replay(home, csv_path.stem + "csv")
    bench_resume(home, csv_path, args.csv_rows)
    bench_resume(home, xlsx_path, args.xlsx_rows)
    print(f"bench process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")


if __name__ == "__main__":
    main()
