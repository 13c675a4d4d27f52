"""The full crash campaign, standalone (docs/reliability.md records a run).

    python benchmarks/crash_campaign.py --rows 100000 --kills 200 [--seed S] [--workdir DIR]

Generates a CIPC-style CSV, computes the uninterrupted oracle, then SIGKILLs real `ingest`
processes at random instants and at named kill points, injects ENOSPC/EIO on write, fsync
and rename, and tears the log tail (cut, zero fill, garbage, kills inside recovery), until
``--kills`` kills have landed. Every completed job is checked against the oracle byte for
byte (plus each row once, and replay counts == view counts). Exits non-zero on any
difference. Prints kills, mid-run kills, faults injected, outcomes, durations and the seed.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.crash.harness import mixed_campaign, oracle_csv  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 1_000_000)
    ap.add_argument("--batch-size", type=int, default=50)
    ap.add_argument("--segment-bytes", type=int, default=65536)
    ap.add_argument("--kills-per-round", type=int, default=None,
                    help="kills per job before letting it finish (default: all in one job)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    print(f"seed={args.seed} rows={args.rows} kills={args.kills} batch_size={args.batch_size} "
          f"segment_bytes={args.segment_bytes}", flush=True)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="leadscout-crash-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    src = work / "leads.csv"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_sample.py"), "--rows", str(args.rows),
                    "--format", "csv", "--out", str(src), "--seed", str(args.seed)],
                   check=True, capture_output=True)
    oracle = oracle_csv(work, src, batch_size=args.batch_size)
    t_oracle = time.monotonic() - t0
    print(f"oracle: {len(oracle):,} bytes in {t_oracle:.1f}s", flush=True)
    t1 = time.monotonic()
    ok = True
    try:
        c = mixed_campaign(work / "campaign", src, oracle, args.rows, kills=args.kills,
                           seed=args.seed, batch_size=args.batch_size,
                           segment_bytes=args.segment_bytes, kills_per_round=args.kills_per_round,
                           log=lambda m: print(m, flush=True))
    except AssertionError as exc:
        print(f"FAILED: {exc}", flush=True)
        ok = False
        c = None
    t_campaign = time.monotonic() - t1
    if c is not None:
        print(f"kills={c.kills} mid_run_kills={c.mid_run} kills_after_progress={c.progressed} "
              f"faults_injected={c.faults} torn_tails={c.torn_tails} runs={c.runs} "
              f"jobs={c.rounds} differences=0")
        print("outcomes:")
        for name, n in sorted(c.outcomes.items()):
            print(f"  {n:6d}  {name}")
    print(f"durations: oracle {t_oracle:.1f}s, campaign {t_campaign:.1f}s, "
          f"total {time.monotonic() - t0:.1f}s; seed={args.seed}")
    if not args.keep and ok:
        shutil.rmtree(work, ignore_errors=True)
    elif not ok:
        print(f"work directory kept: {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
