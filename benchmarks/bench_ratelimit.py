"""Rate-limit utilisation against a loopback fake that enforces N requests a window.

    /work/venv/bin/python benchmarks/bench_ratelimit.py [--limit 30] [--window 2] [--windows 4]
        [--concurrency 4] [--names-per-request 1] [--latency 0]

The fake (tests/providers/fake_api.py) answers like the OpenAI API and refuses (429) any
request beyond ``limit`` in a sliding ``window`` of seconds, counted by arrival. The
escalator runs in-process with its limiter set to the same limit and window and sends
``limit * windows`` single-name requests. Printed: utilisation (achieved steady-state rate
over the limit; the first window's burst is free), the busiest window seen by the server vs
the limit, requests the server refused, and rows lost (names without an LLM answer).
A minute-long window scales down to seconds without changing the logic.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from leadscout_es.providers import CallPolicy, Limits  # noqa: E402
from tests.providers.conftest import make_harness  # noqa: E402
from tests.providers.fake_api import FakeApi, unique_names  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=30, help="requests a window (N)")
    ap.add_argument("--window", type=float, default=2.0, help="window length in seconds")
    ap.add_argument("--windows", type=int, default=4, help="send limit * windows requests")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--names-per-request", type=int, default=1)
    ap.add_argument("--latency", type=float, default=0.0, help="fake server delay a request (s)")
    args = ap.parse_args()
    n_names = args.limit * args.windows * args.names_per_request
    names = unique_names(n_names, stem="Bench")
    with tempfile.TemporaryDirectory() as tmp, FakeApi(
        limit=args.limit, window=args.window, delay=args.latency
    ) as api:
        home = Path(tmp)
        h = make_harness(
            home, [("openai", api)], concurrency=args.concurrency,
            limits=Limits(rpm=args.limit, tpm=0, window_s=args.window),
            policy=CallPolicy(names_per_request=args.names_per_request, seed=1, backoff_s=0.05),
        )
        t0 = time.monotonic()
        out = h.run(names)
        elapsed = time.monotonic() - t0
        h.escalator.close()
        lost = sum(o.method != "llm" for o in out)
        ok = sum(s.status == 200 for s in api.seen)
        print(f"limit              {args.limit} requests / {args.window:g} s window "
              f"(concurrency {args.concurrency}, {args.names_per_request} name(s) a request)")
        print(f"requests           {ok} answered, {api.rejected_over_limit} refused over the limit, "
              f"{elapsed:.2f} s")
        print(f"utilisation        {api.utilisation() * 100:.1f}% of the limit (steady state)")
        print(f"max observed rate  {api.max_in_window()} in any {args.window:g} s window "
              f"(limit {args.limit})")
        print(f"rows lost          {lost} of {n_names}")


if __name__ == "__main__":
    main()
