"""Normalisation: roles, particles, titles, initials, order, and junk rejection."""

from __future__ import annotations

import pytest

from leadscout_es.classifiers.normalise import ParsedName, Unusable, parse_name


def parsed(raw: str) -> ParsedName:
    result = parse_name(raw)
    assert isinstance(result, ParsedName), result
    return result


@pytest.mark.parametrize(
    ("raw", "given", "surname"),
    [
        ("ANDREAS PETRUS VAN DER MERWE", ("ANDREAS", "PETRUS"), "VAN DER MERWE"),
        ("VAN DER MERWE, ANDREAS", ("ANDREAS",), "VAN DER MERWE"),
        ("Johan Janse van Rensburg", ("JOHAN",), "JANSE VAN RENSBURG"),
        ("PIETER DE LA REY", ("PIETER",), "DE LA REY"),
        ("MR SIPHO DLAMINI", ("SIPHO",), "DLAMINI"),
        ("Dr. Adv. Thabo Mbeki Jnr", ("THABO",), "MBEKI"),
        ("J.P. SMITH", (), "SMITH"),
        ("A B NAIDOO", (), "NAIDOO"),
        ("  sipho   dlamini  ", ("SIPHO",), "DLAMINI"),
        ("MOGAMAT ABDUL KARIEM", ("MOGAMAT",), "ABDUL KARIEM"),
        ("ABDUL KARIM SALIE", ("ABDUL KARIM",), "SALIE"),
        ("SHELLEY-ANN SMITH-JONES", ("SHELLEY-ANN",), "SMITH-JONES"),
        ("Jean-Pierre du Toit", ("JEAN-PIERRE",), "DU TOIT"),
        ("CORNÉ KOTZÉ", ("CORNE",), "KOTZE"),
        ("NAIDOO", (), "NAIDOO"),
        ("O'BRIEN, PATRICK", ("PATRICK",), "O'BRIEN"),
    ],
)
def test_names_split_into_given_names_and_last_token_surname(
    raw: str, given: tuple[str, ...], surname: str
) -> None:
    result = parsed(raw)
    assert result.given == given
    assert result.surname == surname


def test_initials_are_kept_aside_not_used_as_names() -> None:
    assert parsed("J.P. SMITH").initials == ("J", "P")


def test_original_text_is_kept_next_to_the_folded_form() -> None:
    result = parsed("Corné Kotzé")
    assert result.original == "Corné Kotzé"
    assert result.folded == "CORNE KOTZE"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "empty name"),
        ("   ", "empty name"),
        ("-", "placeholder"),
        ("N/A", "placeholder 'N/A'"),
        ("none", "placeholder 'NONE'"),
        ("TBA", "placeholder 'TBA'"),
        ("ABC TRADING (PTY) LTD", "company word TRADING"),
        ("SMITH HOLDINGS", "company word HOLDINGS"),
        ("MABUNDA FAMILY TRUST", "company word TRUST"),
        ("JOHN SMITH 2", "contains digits"),
        ("SIPHO 😀 DLAMINI", "emoji or symbols"),
        ("SMITH & SONS", "contains '&'"),
        ("A" * 300, "too long"),
    ],
)
def test_junk_is_rejected_with_a_readable_reason(raw: str, fragment: str) -> None:
    result = parse_name(raw)
    assert isinstance(result, Unusable)
    assert result.rejected
    assert result.reason.startswith("rejected_input: ")
    assert fragment in result.reason


def test_trust_as_a_given_name_is_not_a_company() -> None:
    assert parsed("TRUST MABUNDA").given == ("TRUST",)


@pytest.mark.parametrize("raw", ["J.P.", "王伟", "Иван Петров"])
def test_unreadable_names_are_unusable_but_not_rejected(raw: str) -> None:
    result = parse_name(raw)
    assert isinstance(result, Unusable)
    assert not result.rejected
