"""Provincial population prior from Stats SA Census 2022, split into the classifier's labels.

The cascade raises the prior to a small fitted power (``prior_power``), so it can tip an
ambiguous name (``JOHN ADAMS`` in the Western Cape leans coloured) but never outweighs clear
name evidence (``ASHWIN NAIDOO`` in Limpopo stays indian).
"""

from __future__ import annotations

import csv
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from leadscout_es.classifiers.base import LABELS
from leadscout_es.classifiers.evidence import LogWeights
from leadscout_es.errors import LeadScoutError

PRIOR_FILE = "province_population_2022.csv"
SPLIT_FILE = "splits.toml"
NATIONAL = "ZA"
# No label's prior share goes below this: company directors are not the census population
# (Indian and Chinese South Africans are over-represented among directors relative to their
# census share), and a prior this small would otherwise outvote clear surname evidence.
MIN_PRIOR_SHARE = 0.02

# Lower-cased, letters-only spellings -> province code.
_ALIASES: dict[str, str] = {
    "westerncape": "WC",
    "wc": "WC",
    "wcape": "WC",
    "wkaap": "WC",
    "weskaap": "WC",
    "easterncape": "EC",
    "ec": "EC",
    "ecape": "EC",
    "ooskaap": "EC",
    "northerncape": "NC",
    "nc": "NC",
    "ncape": "NC",
    "noordkaap": "NC",
    "freestate": "FS",
    "fs": "FS",
    "orangefreestate": "FS",
    "vrystaat": "FS",
    "ofs": "FS",
    "kwazulunatal": "KZN",
    "kzn": "KZN",
    "natal": "KZN",
    "kwazulu": "KZN",
    "kznatal": "KZN",
    "northwest": "NW",
    "nw": "NW",
    "noordwes": "NW",
    "gauteng": "GP",
    "gp": "GP",
    "gt": "GP",
    "gau": "GP",
    "mpumalanga": "MP",
    "mp": "MP",
    "mpu": "MP",
    "limpopo": "LP",
    "lp": "LP",
    "lim": "LP",
    "northernprovince": "LP",
    "southafrica": NATIONAL,
    "za": NATIONAL,
    "rsa": NATIONAL,
}
_NON_LETTERS = re.compile(r"[^a-z]")


def province_code(province: str | None) -> str:
    """Map free-text province spellings to a code; unknown or empty -> national ("ZA")."""
    if not province:
        return NATIONAL
    key = _NON_LETTERS.sub("", province.lower())
    return _ALIASES.get(key, NATIONAL)


@dataclass(frozen=True, slots=True)
class ProvincePrior:
    """Centred log prior per province code, over LABELS."""

    log_prior: dict[str, LogWeights]
    names: dict[str, str]

    def for_code(self, code: str) -> LogWeights:
        return self.log_prior.get(code, self.log_prior[NATIONAL])


def _label_shares(row: dict[str, str], split: dict[str, float]) -> list[float]:
    african = float(row["black_african"])
    coloured = float(row["coloured"])
    white = float(row["white"])
    asian = float(row["indian_asian"])
    cm = split["cape_malay_share_of_coloured"]
    ch = split["chinese_share_of_indian_asian"]
    shares = {
        "african": african,
        "indian": asian * (1 - ch),
        "cape_malay": coloured * cm,
        "coloured": coloured * (1 - cm),
        "white": white,
        "chinese": asian * ch,
    }
    total = sum(shares.values())
    return [shares[label] / total for label in LABELS]


def read_province_prior(priors_dir: Path) -> ProvincePrior:
    try:
        splits = tomllib.loads((priors_dir / SPLIT_FILE).read_text(encoding="utf-8"))
        with (priors_dir / PRIOR_FILE).open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LeadScoutError(
            f"cannot read the provincial prior in {priors_dir}: {exc}",
            hint="the data directory must hold priors/province_population_2022.csv and priors/splits.toml",
        ) from exc
    default = splits.get("default", {})
    log_prior: dict[str, LogWeights] = {}
    names: dict[str, str] = {}
    for row in rows:
        code = row["province_code"]
        split = {**default, **splits.get(code, {})}
        shares = _label_shares(row, split)
        logs = [math.log(max(s, MIN_PRIOR_SHARE)) for s in shares]
        mean = sum(logs) / len(logs)
        a, b, c, d, e, f = (x - mean for x in logs)
        log_prior[code] = (a, b, c, d, e, f)
        names[code] = row["province"]
    if NATIONAL not in log_prior:
        raise LeadScoutError(
            f"{priors_dir / PRIOR_FILE} has no national (ZA) row",
            hint="add the national shares as province_code ZA",
        )
    return ProvincePrior(log_prior=log_prior, names=names)
