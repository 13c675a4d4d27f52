"""The offline classifier cascade (lexicon, fuzzy variants, character n-grams, provincial prior).

Use :func:`load_classifier` once per job, then ``classify_batch`` on batches of names::

    clf = load_classifier()
    clf.classify_batch(["LIVHUWANI MULAUDZI"], ["Limpopo"])

Data comes from ``data/`` beside the package (or ``$LEADSCOUT_DATA_DIR``, or ``data_dir``):
``lexicon/given_names.csv``, ``lexicon/surnames.csv``, ``priors/province_population_2022.csv``
and ``priors/splits.toml``. The n-gram model and the calibration parameters are bundled in
``leadscout_es/resources/`` and rebuilt by ``scripts/train_ngram.py``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from leadscout_es.classifiers.base import ALL_LABELS, LABELS, UNKNOWN, Classifier, Outcome
from leadscout_es.classifiers.calibration import read_calibration
from leadscout_es.classifiers.cascade import CascadeClassifier, EvidenceFinder
from leadscout_es.classifiers.lexicon import GIVEN_FILE, SURNAME_FILE, read_lexicon
from leadscout_es.classifiers.ngram import read_ngram_model
from leadscout_es.classifiers.priors import PRIOR_FILE, SPLIT_FILE, read_province_prior
from leadscout_es.errors import LeadScoutError

__all__ = [
    "ALL_LABELS",
    "CALIBRATION_FILE",
    "CASCADE_VERSION",
    "DEFAULT_ABSTAIN_BELOW",
    "LABELS",
    "NGRAM_MODEL_FILE",
    "UNKNOWN",
    "CascadeClassifier",
    "Classifier",
    "Outcome",
    "default_data_dir",
    "load_classifier",
    "resources_dir",
]

DEFAULT_ABSTAIN_BELOW = 0.55
CASCADE_VERSION = "cascade-1"
DATA_DIR_ENV = "LEADSCOUT_DATA_DIR"
NGRAM_MODEL_FILE = "ngram_model.json"
CALIBRATION_FILE = "calibration.json"


def resources_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "resources"


def default_data_dir() -> Path:
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data"


def _data_files(data_dir: Path) -> list[Path]:
    return [
        data_dir / "lexicon" / GIVEN_FILE,
        data_dir / "lexicon" / SURNAME_FILE,
        data_dir / "priors" / PRIOR_FILE,
        data_dir / "priors" / SPLIT_FILE,
        resources_dir() / NGRAM_MODEL_FILE,
        resources_dir() / CALIBRATION_FILE,
    ]


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def load_classifier(
    abstain_below: float = DEFAULT_ABSTAIN_BELOW, data_dir: Path | None = None
) -> Classifier:
    """Load the offline cascade. Raises LeadScoutError if the data directory is missing."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    if not (root / "lexicon").is_dir() or not (root / "priors").is_dir():
        raise LeadScoutError(
            f"classifier data directory not found or incomplete: {root}",
            hint=f"point {DATA_DIR_ENV} (or data_dir) at a directory holding lexicon/ and priors/",
        )
    if not 0.0 <= abstain_below <= 1.0:
        raise LeadScoutError(
            f"abstention threshold must be between 0 and 1, got {abstain_below}",
            hint=f"the default is {DEFAULT_ABSTAIN_BELOW}",
        )
    files = _data_files(root)
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise LeadScoutError(
            f"classifier data file missing: {missing[0]}",
            hint="restore data/ from the repository, or rebuild models with scripts/train_ngram.py",
        )
    lexicon = read_lexicon(root / "lexicon")
    ngram = read_ngram_model(resources_dir() / NGRAM_MODEL_FILE)
    params = read_calibration(resources_dir() / CALIBRATION_FILE)
    prior = read_province_prior(root / "priors")
    version = f"{CASCADE_VERSION}+{_fingerprint(files)}@{abstain_below:g}"
    return CascadeClassifier(EvidenceFinder(lexicon, ngram), prior, params, abstain_below, version)
