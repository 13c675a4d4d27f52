"""Turn a raw director name into given names and a surname, or say why it is not a name.

CIPC ``DirectorName`` values are usually ``GIVEN [GIVEN ...] SURNAME`` in capitals, with titles,
initials, stray punctuation and the odd company name or placeholder mixed in. This module:

- folds case and accents (``NAUDÉ`` -> ``NAUDE``), keeping the original text too;
- rejects junk with a readable reason (digits, company words, placeholders, emoji, absurd length);
- drops titles (``MR``, ``DR``, ``ADV``, ``MNR`` ...) and suffixes (``JNR``), and initials;
- reorders ``SURNAME, GIVEN`` to given-then-surname;
- joins surname particles (``VAN DER MERWE``, ``JANSE VAN RENSBURG``, ``DE LA REY``) and Arabic
  particles (``ABDUL KARIM``, ``AL AMEEN``) into one token;
- takes the last token as the surname and the rest as given names.

Hyphenated tokens (``SMITH-JONES``, ``SHELLEY-ANN``) stay whole; the evidence layer falls back
to their parts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_NAME_CHARS = 120
MAX_TOKENS = 10

TITLES = frozenset(
    [
        "MR",
        "MRS",
        "MS",
        "MISS",
        "MX",
        "DR",
        "ADV",
        "PROF",
        "REV",
        "REVD",
        "PASTOR",
        "BISHOP",
        "SIR",
        "DAME",
        "MADAM",
        "DOCTOR",
        "HON",
        "JUDGE",
        "CAPT",
        "COL",
        "LT",
        "SGT",
        "GEN",
        "MAJ",
        "MNR",
        "MEV",
        "MEJ",
        "ME",
        "DS",
        "PROFF",
        "ENG",
        "IR",
        "SHEIKH",
        "IMAM",
        "MOULANA",
        "MAULANA",
        "HAJI",
        "HAJEE",
        "HADJI",
    ]
)
SUFFIXES = frozenset(["JR", "JNR", "SNR", "SR", "II", "III", "IV"])
SURNAME_PARTICLES = frozenset(
    [
        "VAN",
        "DER",
        "DEN",
        "DE",
        "DU",
        "LE",
        "LA",
        "DOS",
        "DAS",
        "DA",
        "VON",
        "TEN",
        "TER",
        "DI",
        "DEL",
    ]
)
ARABIC_PARTICLES = frozenset(["ABDUL", "ABD", "ABDUR", "ABDEL", "BIN", "BINT", "EL", "AL", "ABU"])
COMPANY_WORDS = frozenset(
    [
        "PTY",
        "LTD",
        "CC",
        "INC",
        "CORP",
        "CORPORATION",
        "COMPANY",
        "CO-OP",
        "TRADING",
        "HOLDINGS",
        "HOLDING",
        "INVESTMENTS",
        "INVESTMENT",
        "ENTERPRISE",
        "ENTERPRISES",
        "PROPRIETARY",
        "LIMITED",
        "GROUP",
        "SERVICES",
        "SERVICE",
        "CONSULTING",
        "CONSULTANTS",
        "SOLUTIONS",
        "PROJECTS",
        "CONSTRUCTION",
        "NPC",
        "SOC",
        "BUSINESS",
        "AGENCY",
        "MOTORS",
        "LOGISTICS",
        "SUPPLIES",
        "SUPPLY",
        "TECHNOLOGIES",
        "TECHNOLOGY",
        "VENTURES",
        "PROPERTIES",
        "PROPERTY",
        "CATERING",
        "TRANSPORT",
        "SECURITY",
        "CLEANING",
        "ELECTRICAL",
        "PLUMBING",
        "FARMING",
        "FARMS",
        "MINING",
        "ENGINEERING",
        "MARKETING",
        "MEDIA",
        "DISTRIBUTORS",
        "INTERNATIONAL",
        "AFRICA-WIDE",
        "INDUSTRIES",
        "MANUFACTURING",
        "CONTRACTORS",
        "ASSOCIATES",
        "ATTORNEYS",
        "INCORPORATED",
        "STORES",
        "SHOP",
        "DEVELOPMENT",
        "DEVELOPMENTS",
    ]
)
PLACEHOLDERS = frozenset(
    [
        "N/A",
        "NA",
        "N.A.",
        "NONE",
        "NIL",
        "NULL",
        "TBA",
        "TBC",
        "UNKNOWN",
        "NOT",
        "AVAILABLE",
        "NO",
        "NAME",
        "NAMES",
        "DIRECTOR",
        "DIRECTORS",
        "TEST",
        "XXX",
        "XX",
        "X",
    ]
)
PLACEHOLDER_PHRASES = frozenset({"NOT AVAILABLE", "NO NAME", "NOT APPLICABLE", "TO BE ADVISED"})

_ALLOWED_PUNCT = frozenset(" -'.,’`")
_SPLIT_RE = re.compile(r"[\s.,]+")
_LATIN_TOKEN_RE = re.compile(r"[A-Z]+(?:['-][A-Z]+)*")


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A name split into roles. ``folded`` is the cleaned upper-case ASCII form."""

    original: str
    folded: str
    given: tuple[str, ...]
    surname: str
    initials: tuple[str, ...] = ()

    @property
    def tokens(self) -> tuple[str, ...]:
        return (*self.given, self.surname) if self.surname else self.given


@dataclass(frozen=True, slots=True)
class Unusable:
    """Input that is not a usable person's name.

    ``rejected`` is True for input that is not a name at all (junk, company, placeholder);
    False for a name we cannot read (only initials, non-Latin script): the cascade abstains.
    """

    reason: str
    rejected: bool


_ASCII_NAME_RE = re.compile(r"[A-Za-z ,.'`-]*")


def fold_text(text: str) -> str:
    """Upper-case ASCII-ish form: accents removed (``É`` -> ``E``), other letters kept."""
    if text.isascii():
        return text.upper()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()


def _has_symbol(text: str) -> bool:
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("So", "Sk", "Cs", "Co", "Sm") or ch in "\u200d\ufe0f":
            return True
    return False


def _reject(reason: str) -> Unusable:
    return Unusable(f"rejected_input: {reason}", rejected=True)


def _check_junk(raw: str, folded: str) -> Unusable | None:
    stripped = folded.strip()
    if not stripped or all(ch in "-_.?*/\\ " for ch in stripped):
        return _reject("empty name" if not stripped else f"placeholder {stripped[:10]!r}")
    if len(raw) > MAX_NAME_CHARS:
        return _reject(f"too long ({len(raw)} characters)")
    plain = _ASCII_NAME_RE.fullmatch(raw) is not None
    if not plain and _has_symbol(raw):
        return _reject("contains emoji or symbols")
    if not plain and any(ch.isdigit() for ch in folded):
        return _reject("contains digits")
    compact = " ".join(stripped.split())
    if compact in PLACEHOLDERS or compact in PLACEHOLDER_PHRASES:
        return _reject(f"placeholder {compact!r}")
    words = re.split(r"[\s,()./&]+", compact)
    for word in words:
        if word in COMPANY_WORDS:
            return _reject(f"contains company word {word}")
    if len(words) > 1 and words[-1] == "TRUST":
        return _reject("contains company word TRUST")
    if not plain:
        for ch in stripped:
            if not (ch.isalpha() or ch in _ALLOWED_PUNCT):
                return _reject(f"contains {ch!r}")
    return None


def _join_particles(tokens: list[str]) -> list[str]:
    """Join surname and Arabic particles to the token that follows them."""
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        is_particle = tok in SURNAME_PARTICLES or tok in ARABIC_PARTICLES
        if tok == "JANSE" and i + 1 < n and tokens[i + 1] == "VAN":
            is_particle = True
        if not is_particle or i == n - 1:
            out.append(tok)
            i += 1
            continue
        j = i
        while j < n - 1 and (
            tokens[j] in SURNAME_PARTICLES
            or tokens[j] in ARABIC_PARTICLES
            or (tokens[j] == "JANSE" and tokens[j + 1] == "VAN")
        ):
            j += 1
        out.append(" ".join(tokens[i : j + 1]))
        i = j + 1
    return out


def _tokenise(part: str) -> tuple[list[str], list[str]]:
    """Split into name tokens and initials, dropping titles and suffixes."""
    names: list[str] = []
    initials: list[str] = []
    for raw_tok in _SPLIT_RE.split(part):
        tok = raw_tok.strip("-'’`").replace("’", "'").replace("`", "'")
        if not tok:
            continue
        if tok in TITLES or tok in SUFFIXES:
            continue
        if len(tok) == 1:
            initials.append(tok)
            continue
        names.append(tok)
    return names, initials


def parse_name(raw: str) -> ParsedName | Unusable:
    """Parse one director name. Never raises on any ``str``."""
    if not isinstance(raw, str):
        return _reject("not text")
    folded = fold_text(raw)
    junk = _check_junk(raw, folded)
    if junk is not None:
        return junk
    compact = " ".join(folded.split())
    initials: list[str] = []
    if compact.count(",") == 1:
        surname_part, given_part = compact.split(",")
        s_names, s_init = _tokenise(surname_part)
        g_names, g_init = _tokenise(given_part)
        names = g_names + s_names if s_names else g_names
        initials = g_init + s_init
    else:
        names, initials = _tokenise(compact)
    if not names:
        if initials:
            return Unusable("only initials", rejected=False)
        return _reject("only titles or punctuation")
    if any(not _LATIN_TOKEN_RE.fullmatch(tok) for tok in names):
        return Unusable("non-Latin script", rejected=False)
    if len(names) > MAX_TOKENS:
        return _reject(f"too many words ({len(names)})")
    joined = _join_particles(names)
    return ParsedName(
        original=raw,
        folded=" ".join(joined),
        given=tuple(joined[:-1]),
        surname=joined[-1],
        initials=tuple(initials),
    )


# --- Fast path ---------------------------------------------------------------------------
#
# Most CIPC names are ASCII letters separated by single spaces (``SIPHO DAVID NKOSI``,
# ``T M MAHLAULE``, ``MR PRAVIN CHETTY``). For those, :func:`parse_name` reduces to: upper-case,
# split on spaces, drop titles/suffixes, set single letters aside as initials, join particles.
# :func:`fast_roles` does exactly that and answers ``None`` (use :func:`parse_name`) for
# anything else: any other character, a company word, a placeholder, ``TRUST`` last, no name
# token left, too many tokens, too long. ``tests/classifiers/test_speed_invariance.py`` checks
# it against :func:`parse_name` with hypothesis.

_FAST_NAME_RE = re.compile(r"[A-Z]+(?:['-][A-Z]+)*(?: [A-Z]+(?:['-][A-Z]+)*)*")
# Tokens that make the fast path give up (the slow path rejects or needs to look closer).
_FAST_GIVE_UP = frozenset(COMPANY_WORDS | PLACEHOLDERS | {"TRUST"})
_FAST_DROP = frozenset(TITLES | SUFFIXES)
_FAST_JOIN = frozenset(SURNAME_PARTICLES | ARABIC_PARTICLES | {"JANSE"})


def fast_roles(raw: str) -> tuple[tuple[str, ...], str] | None:
    """``(given, surname)`` exactly as :func:`parse_name` would give, or None if unsure."""
    if not raw.isascii() or len(raw) > MAX_NAME_CHARS:
        return None
    folded = raw.upper()
    if _FAST_NAME_RE.fullmatch(folded) is None:
        return None
    tokens = folded.split(" ")
    if not _FAST_GIVE_UP.isdisjoint(tokens) or folded in PLACEHOLDER_PHRASES:
        return None
    if _FAST_DROP.isdisjoint(tokens):
        names = [tok for tok in tokens if len(tok) > 1]
    else:
        names = [tok for tok in tokens if len(tok) > 1 and tok not in _FAST_DROP]
    n = len(names)
    if n == 0 or n > MAX_TOKENS:
        return None
    if not _FAST_JOIN.isdisjoint(names):
        names = _join_particles(names)
    return tuple(names[:-1]), names[-1]
