"""Choosing a projector by format, and how view column names are derived."""

from __future__ import annotations

import pytest

from leadscout_es.errors import UsageError
from leadscout_es.projections import (
    CLASSIFICATION_COLUMNS,
    PROJECTORS,
    CsvProjector,
    ParquetProjector,
    SqliteProjector,
    XlsxProjector,
    projector_for,
    view_columns,
)


def test_every_format_has_its_projector() -> None:
    assert {fmt: type(p) for fmt, p in PROJECTORS.items()} == {
        "csv": CsvProjector,
        "parquet": ParquetProjector,
        "sqlite": SqliteProjector,
        "xlsx": XlsxProjector,
    }


@pytest.mark.parametrize("name", ["parquet", "PARQUET", ".parquet", " parquet "])
def test_projector_for_accepts_format_names_loosely(name: str) -> None:
    assert projector_for(name) is PROJECTORS["parquet"]


def test_an_unknown_format_is_a_usage_error_listing_the_formats() -> None:
    with pytest.raises(UsageError) as caught:
        projector_for("json")
    assert "json" in caught.value.message
    assert caught.value.hint == "choose one of: csv, parquet, sqlite, xlsx"
    assert caught.value.exit_code == 2


def test_view_columns_keep_unique_headers_verbatim_then_add_the_classification_columns() -> None:
    assert view_columns(["EntityName", " Director Name "]) == [
        "EntityName",
        " Director Name ",
        *CLASSIFICATION_COLUMNS,
    ]


def test_repeated_headers_are_numbered_left_to_right() -> None:
    assert view_columns(["Name", "Name", "Name"])[:3] == ["Name", "Name_2", "Name_3"]


def test_headers_clash_case_insensitively_like_sqlite_identifiers() -> None:
    assert view_columns(["City", "CITY", "city"])[:3] == ["City", "CITY_2", "city_3"]


def test_empty_headers_are_named_by_position() -> None:
    assert view_columns(["", "   ", "x"])[:3] == ["column_1", "column_2", "x"]


def test_a_header_equal_to_a_classification_column_is_renamed_not_the_classification() -> None:
    names = view_columns(["ethnicity", "source_row"])
    assert names[:2] == ["ethnicity_2", "source_row_2"]
    assert names[2:] == list(CLASSIFICATION_COLUMNS)


def test_a_generated_name_never_collides_with_a_later_header() -> None:
    assert view_columns(["A", "A", "A_2"])[:3] == ["A", "A_2", "A_2_2"]


def test_nul_characters_in_headers_are_replaced() -> None:
    assert view_columns(["a\x00b"])[0] == "a\ufffdb"
