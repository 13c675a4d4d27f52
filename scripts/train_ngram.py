"""Train the character n-gram model from the lexicon and fit the calibration parameters.

    /work/venv/bin/python scripts/train_ngram.py

1. Reads ONLY data/lexicon/*.csv and writes leadscout_es/resources/ngram_model.json.
2. Fits the combiner's five parameters (given-name weight, n-gram and fuzzy weights, prior
   power, temperature) on data/eval/calibration_names.csv -- the calibration split, never the
   evaluation split -- and writes leadscout_es/resources/calibration.json.

Both outputs are deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from leadscout_es.classifiers import (
    CALIBRATION_FILE,
    NGRAM_MODEL_FILE,
    default_data_dir,
    resources_dir,
)
from leadscout_es.classifiers.base import LABELS
from leadscout_es.classifiers.calibration import (
    CalibrationParams,
    fit_params,
    mean_nll,
    write_calibration,
)
from leadscout_es.classifiers.cascade import CascadeClassifier, EvidenceFinder
from leadscout_es.classifiers.evidence import NameFeatures
from leadscout_es.classifiers.lexicon import iter_entries, read_lexicon
from leadscout_es.classifiers.ngram import train_ngram_model, write_ngram_model
from leadscout_es.classifiers.normalise import ParsedName, parse_name
from leadscout_es.classifiers.priors import province_code, read_province_prior

CALIBRATION_SPLIT = Path("eval") / "calibration_names.csv"


def read_calibration_split(path: Path) -> list[tuple[str, str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [(r["name"], r["label"], r.get("province", "")) for r in csv.DictReader(fh)]


def main() -> int:
    data_dir = default_data_dir()
    out_dir = resources_dir()
    out_dir.mkdir(parents=True, exist_ok=True)

    model = train_ngram_model(iter_entries(data_dir / "lexicon"))
    write_ngram_model(model, out_dir / NGRAM_MODEL_FILE)
    print(f"n-gram model: {len(model.grams)} grams -> {out_dir / NGRAM_MODEL_FILE}")

    start = CalibrationParams()
    cascade = CascadeClassifier(
        EvidenceFinder(read_lexicon(data_dir / "lexicon"), model),
        read_province_prior(data_dir / "priors"),
        start,
        abstain_below=0.0,
        version="training",
    )
    features: list[NameFeatures] = []
    labels: list[int] = []
    for name, label, province in read_calibration_split(data_dir / CALIBRATION_SPLIT):
        parsed = parse_name(name)
        if not isinstance(parsed, ParsedName) or label not in LABELS:
            continue
        features.append(cascade.features(parsed, province_code(province)))
        labels.append(LABELS.index(label))
    before = mean_nll(features, labels, start)
    fitted = fit_params(features, labels, start)
    fitted = CalibrationParams(
        given_scale=round(fitted.given_scale, 6),
        ngram_scale=round(fitted.ngram_scale, 6),
        fuzzy_scale=round(fitted.fuzzy_scale, 6),
        prior_power=round(fitted.prior_power, 6),
        temperature=round(fitted.temperature, 6),
        fitted_on=CALIBRATION_SPLIT.as_posix(),
        n_names=len(features),
        nll=fitted.nll,
    )
    write_calibration(fitted, out_dir / CALIBRATION_FILE)
    print(f"calibration on {len(features)} names: NLL {before:.4f} -> {fitted.nll:.4f}")
    print(f"parameters: {fitted}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
