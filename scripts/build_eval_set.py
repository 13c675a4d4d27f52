"""Build the evaluation and calibration splits from data/eval/pools.toml.

    /work/venv/bin/python scripts/build_eval_set.py

Writes data/eval/labelled_names.csv (evaluation) and data/eval/calibration_names.csv
(calibration). Clean per-label pools give 100 (evaluation) / 70 (calibration) names per label;
the ambiguous ``[[mixed]]`` strata add 40 names each per split, labelled by a seeded draw from
the stratum's label mix. Each label's pools are split by position (even -> evaluation, odd ->
calibration); names are paired with a seeded RNG, so the output is byte-for-byte
reproducible. Nothing here reads the lexicon: the splits are built apart from the training data.
"""

from __future__ import annotations

import csv
import random
import tomllib
from pathlib import Path

from leadscout_es.classifiers.normalise import ParsedName, parse_name

ROOT = Path(__file__).resolve().parents[1]
POOLS = ROOT / "data" / "eval" / "pools.toml"
EVAL_OUT = ROOT / "data" / "eval" / "labelled_names.csv"
CALIB_OUT = ROOT / "data" / "eval" / "calibration_names.csv"
LABEL_ORDER = ("african", "indian", "cape_malay", "coloured", "white", "chinese")
PER_LABEL = {"eval": 100, "calibration": 70}
PER_STRATUM = {"eval": 40, "calibration": 40}
SEEDS = {"eval": 20260101, "calibration": 20260202}

# Province spellings as they turn up in CIPC exports, with rough weights per label.
PROVINCES: dict[str, list[tuple[str, float]]] = {
    "african": [
        ("Gauteng", 0.3),
        ("KwaZulu-Natal", 0.15),
        ("LIMPOPO", 0.12),
        ("Eastern Cape", 0.1),
        ("Mpumalanga", 0.08),
        ("North West", 0.07),
        ("Free State", 0.05),
        ("Western Cape", 0.05),
        ("", 0.08),
    ],
    "indian": [
        ("KwaZulu-Natal", 0.5),
        ("KZN", 0.05),
        ("Gauteng", 0.25),
        ("Western Cape", 0.05),
        ("Eastern Cape", 0.05),
        ("", 0.1),
    ],
    "cape_malay": [
        ("Western Cape", 0.6),
        ("WESTERN CAPE", 0.15),
        ("Gauteng", 0.1),
        ("Eastern Cape", 0.05),
        ("", 0.1),
    ],
    "coloured": [
        ("Western Cape", 0.45),
        ("WESTERN CAPE", 0.1),
        ("Northern Cape", 0.12),
        ("Eastern Cape", 0.12),
        ("Gauteng", 0.11),
        ("", 0.1),
    ],
    "white": [
        ("Gauteng", 0.35),
        ("Western Cape", 0.25),
        ("Free State", 0.08),
        ("KwaZulu-Natal", 0.08),
        ("Eastern Cape", 0.07),
        ("North West", 0.05),
        ("", 0.12),
    ],
    "chinese": [("Gauteng", 0.6), ("Western Cape", 0.2), ("KwaZulu-Natal", 0.05), ("", 0.15)],
}
TITLES = ("MR", "MRS", "MS", "DR", "ADV")


def _render(rng: random.Random, given: list[str], surname: str) -> str:
    form = rng.random()
    first = given[0]
    if form < 0.62:
        return f"{first} {surname}"
    if form < 0.76:
        return f"{first} {given[1]} {surname}"
    if form < 0.83:
        return f"{rng.choice('ABCDEJMPRST')} {first} {surname}"
    if form < 0.89:
        return f"{surname}, {first}"
    if form < 0.94:
        return f"{rng.choice(TITLES)} {first} {surname}"
    return f"{first.title()} {surname.title()}"


def _key(name: str) -> str:
    """The full name as the classifier sees it (titles, initials and order normalised)."""
    parsed = parse_name(name)
    assert isinstance(parsed, ParsedName), name
    return parsed.folded


def _province(rng: random.Random, label: str) -> str:
    options = PROVINCES[label]
    return rng.choices([p for p, _ in options], weights=[w for _, w in options])[0]


def build_split(
    pools: dict[str, dict[str, list[str]]], split: str, taken: set[str]
) -> list[tuple[str, str, str]]:
    parity = 0 if split == "eval" else 1
    rows: list[tuple[str, str, str]] = []
    for offset, label in enumerate(LABEL_ORDER):
        rng = random.Random(SEEDS[split] + offset)
        given = pools[label]["given"][parity::2]
        surnames = pools[label]["surname"][parity::2]
        seen: set[str] = set()
        attempts = 0
        while len(seen) < PER_LABEL[split] and attempts < 20 * PER_LABEL[split]:
            attempts += 1
            picked = rng.sample(given, 2)
            name = _render(rng, picked, rng.choice(surnames))
            key = _key(name)
            if key in seen or key in taken:
                continue
            seen.add(key)
            rows.append((name, label, _province(rng, label)))
        taken |= seen
    for offset, stratum in enumerate(pools.get("mixed", [])):
        rng = random.Random(SEEDS[split] + 100 + offset)
        given = stratum["given"][parity::2]
        surnames = stratum["surname"][parity::2]
        mix = sorted(stratum["labels"].items())
        count = 0
        attempts = 0
        while count < PER_STRATUM[split] and attempts < 50 * PER_STRATUM[split]:
            attempts += 1
            picked = rng.sample(given, 2)
            name = _render(rng, picked, rng.choice(surnames))
            label = rng.choices([lab for lab, _ in mix], weights=[w for _, w in mix])[0]
            key = _key(name)
            if key in taken:
                continue
            taken.add(key)
            rows.append((name, label, _province(rng, label)))
            count += 1
    return rows


def write_rows(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["name", "label", "province"])
        writer.writerows(rows)


def main() -> None:
    pools = tomllib.loads(POOLS.read_text(encoding="utf-8"))
    taken: set[str] = set()
    eval_rows = build_split(pools, "eval", taken)
    calib_rows = build_split(pools, "calibration", taken)
    write_rows(EVAL_OUT, eval_rows)
    write_rows(CALIB_OUT, calib_rows)
    print(f"wrote {len(eval_rows)} evaluation names to {EVAL_OUT.relative_to(ROOT)}")
    print(f"wrote {len(calib_rows)} calibration names to {CALIB_OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
