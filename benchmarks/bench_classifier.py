"""Throughput of the offline cascade on one core.

    /work/venv/bin/python benchmarks/bench_classifier.py [--rows 200000]

Names are synthesised (seeded) from lexicon tokens plus unseen letter strings, in CIPC style
("GIVEN [GIVEN] SURNAME"), with provinces. Two runs, each on a freshly loaded classifier
(empty caches):

- "repeating": 200k rows drawn from 40k distinct full names (real exports repeat names and,
  far more, tokens);
- "all distinct": every row a different full name (worst case for the outcome cache; the
  per-token cache still helps).

With ``--memory-rows N`` (e.g. 1000000) it also streams N mostly-unique names (30% unseen
surnames, 30% with an extra unseen token: the worst case for the token caches) through one
classifier and reports the traced memory the classifier holds beyond its loaded data (peak
and at the end, via tracemalloc) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import time
import tracemalloc

from leadscout_es.classifiers import default_data_dir, load_classifier
from leadscout_es.classifiers.lexicon import iter_entries

PROVINCES = [
    "Gauteng",
    "WESTERN CAPE",
    "KwaZulu-Natal",
    "",
    "Limpopo",
    "Eastern Cape",
    "north west",
]


def synth_names(count: int, rng: random.Random) -> list[str]:
    given: list[str] = []
    surnames: list[str] = []
    for entry in iter_entries(default_data_dir() / "lexicon"):
        (given if entry.role == "given" else surnames).append(entry.name)
    given.sort()
    surnames.sort()
    letters = "ABDEGHIKLMNOPRSTUVWZ"
    names = []
    for _ in range(count):
        parts = [rng.choice(given)]
        if rng.random() < 0.3:
            parts.append(rng.choice(given))
        if rng.random() < 0.1:
            surname = "".join(rng.choice(letters) for _ in range(rng.randint(5, 10)))
        else:
            surname = rng.choice(surnames)
        names.append(" ".join([*parts, surname]))
    return names


def run(label: str, names: list[str], provinces: list[str], batch: int) -> None:
    load_start = time.perf_counter()
    clf = load_classifier()
    load_s = time.perf_counter() - load_start
    start = time.perf_counter()
    for i in range(0, len(names), batch):
        clf.classify_batch(names[i : i + batch], provinces[i : i + batch])
    elapsed = time.perf_counter() - start
    print(
        f"{label:<14} rows {len(names):>8}  {len(names) / elapsed:>10,.0f} names/s  (load {load_s:.3f} s)"
    )


def memory(rows: int, rng: random.Random) -> None:
    given: list[str] = []
    surnames: list[str] = []
    for entry in iter_entries(default_data_dir() / "lexicon"):
        (given if entry.role == "given" else surnames).append(entry.name)
    given.sort()
    surnames.sort()
    letters = "ABDEGHIKLMNOPRSTUVWZ"

    def unseen(lo: int, hi: int) -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(lo, hi)))

    tracemalloc.start()
    clf = load_classifier()
    gc.collect()
    loaded, _ = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    start = time.perf_counter()
    for _ in range(0, rows, 1000):
        names = []
        for _ in range(1000):
            parts = [rng.choice(given)]
            if rng.random() < 0.5:
                parts.append(rng.choice(given))
            if rng.random() < 0.3:
                parts.append(unseen(5, 9))
            parts.append(unseen(5, 10) if rng.random() < 0.3 else rng.choice(surnames))
            names.append(" ".join(parts))
        clf.classify_batch(names, [rng.choice(PROVINCES) for _ in names])
    elapsed = time.perf_counter() - start
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory         rows {rows:>8}  classifier data {loaded / 1e6:.1f} MB, caches peak "
        f"{(peak - loaded) / 1e6:.1f} MB (end {(current - loaded) / 1e6:.1f} MB), "
        f"peak RSS {rss:.0f} MB incl. tracemalloc ({elapsed:.0f} s under tracemalloc)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--memory-rows", type=int, default=0, help="also measure memory")
    args = parser.parse_args()
    rng = random.Random(7)
    distinct = synth_names(40_000, rng)
    repeating = [rng.choice(distinct) for _ in range(args.rows)]
    provinces = [rng.choice(PROVINCES) for _ in range(args.rows)]
    run("repeating", repeating, provinces, args.batch)
    unique = list(dict.fromkeys(synth_names(args.rows, rng)))
    run("all distinct", unique, provinces[: len(unique)], args.batch)
    if args.memory_rows:
        del distinct, repeating, unique, provinces
        memory(args.memory_rows, rng)


if __name__ == "__main__":
    main()
