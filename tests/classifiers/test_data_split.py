"""The evaluation set is built apart from the lexicon and from the calibration split."""

from __future__ import annotations

import csv
from pathlib import Path

from leadscout_es.classifiers import default_data_dir
from leadscout_es.classifiers.base import LABELS
from leadscout_es.classifiers.lexicon import read_lexicon
from leadscout_es.classifiers.normalise import ParsedName, parse_name

DATA = default_data_dir()


def read_split(name: str) -> list[dict[str, str]]:
    with (DATA / "eval" / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def full_name(raw: str) -> str:
    parsed = parse_name(raw)
    assert isinstance(parsed, ParsedName), raw
    return parsed.folded


def test_evaluation_set_is_large_and_covers_every_label() -> None:
    rows = read_split("labelled_names.csv")
    assert len(rows) >= 600
    assert {r["label"] for r in rows} == set(LABELS)
    assert all("province" in r for r in rows)


def test_no_evaluation_full_name_is_in_the_calibration_split_or_the_lexicon() -> None:
    eval_names = {full_name(r["name"]) for r in read_split("labelled_names.csv")}
    calib_names = {full_name(r["name"]) for r in read_split("calibration_names.csv")}
    lexicon = read_lexicon(DATA / "lexicon")
    assert not eval_names & calib_names
    # The lexicon holds single tokens; a one-token "full name" must not be a lexicon entry.
    assert not {n for n in eval_names if " " not in n} & set(lexicon.surname)


def test_report_token_overlap_with_training_data(capsys: object) -> None:
    lexicon = read_lexicon(DATA / "lexicon")
    rows = read_split("labelled_names.csv")
    surnames = [parse_name(r["name"]) for r in rows]
    parsed = [p for p in surnames if isinstance(p, ParsedName)]
    seen_surnames = sum(p.surname in lexicon.surname for p in parsed) / len(parsed)
    given = [g for p in parsed for g in p.given]
    seen_given = sum(g in lexicon.given for g in given) / len(given)
    print(
        f"eval surnames in lexicon: {seen_surnames:.1%}; eval given names in lexicon: {seen_given:.1%}"
    )
    # A real share of the evaluation tokens must be unseen, so generalisation is tested.
    assert seen_surnames < 0.9
    assert seen_given < 0.9


def test_training_script_reads_only_the_lexicon_and_the_calibration_split() -> None:
    script = (Path(__file__).resolve().parents[2] / "scripts" / "train_ngram.py").read_text()
    assert "labelled_names" not in script
    assert "calibration_names.csv" in script
