"""Throughput of the offline cascade on one core.

    /work/venv/bin/python benchmarks/bench_classifier.py [--rows 200000]

Names are synthesised (seeded) from lexicon tokens plus unseen letter strings, in CIPC style
("GIVEN [GIVEN] SURNAME"), with provinces. Two runs, each on a freshly loaded classifier
(empty caches):

- "repeating": 200k rows drawn from 40k distinct full names (real exports repeat names and,
  far more, tokens);
- "all distinct": every row a different full name (worst case for the outcome cache; the
  per-token cache still helps).
"""

from __future__ import annotations

import argparse
import random
import time

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(7)
    distinct = synth_names(40_000, rng)
    repeating = [rng.choice(distinct) for _ in range(args.rows)]
    provinces = [rng.choice(PROVINCES) for _ in range(args.rows)]
    run("repeating", repeating, provinces, args.batch)
    unique = list(dict.fromkeys(synth_names(args.rows, rng)))
    run("all distinct", unique, provinces[: len(unique)], args.batch)


if __name__ == "__main__":
    main()
