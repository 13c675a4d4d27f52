"""open_source: content decides the reader; anything unusable is refused with a clear error."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from leadscout_es.errors import EmptyInput, InputNotFound, UnsupportedInput
from leadscout_es.fingerprint import fingerprint
from leadscout_es.sources import open_source
from leadscout_es.sources.__init__ import OLE_MAGIC

SAMPLE = Path(__file__).parents[2] / "data" / "sample_leads.xlsx"


def test_missing_file_is_input_not_found(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound) as caught:
        open_source(tmp_path / "nope.xlsx")
    assert caught.value.hint


def test_empty_file_is_empty_input(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(EmptyInput):
        open_source(tmp_path / "empty.csv")


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    (tmp_path / "junk.csv").write_bytes(os.urandom(5000))
    with pytest.raises(UnsupportedInput, match="binary") as caught:
        open_source(tmp_path / "junk.csv")
    assert caught.value.hint


def test_truncated_xlsx_is_refused(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(UnsupportedInput, match="damaged or truncated"):
        open_source(tmp_path / "cut.xlsx")


def test_corrupted_worksheet_stream_is_refused_not_leaked(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 3] + b"<<<not xml"
            dst.writestr(item, data)
    with pytest.raises(UnsupportedInput, match="damaged"):
        source = open_source(path)
        list(source.iter_batches(0, 1000))


def test_legacy_xls_ole_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(OLE_MAGIC + b"\0" * 4000)
    with pytest.raises(UnsupportedInput, match=r"\.xls"):
        open_source(tmp_path / "old.xls")


def test_password_protected_workbook_is_named_as_such(tmp_path: Path) -> None:
    directory = "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    (tmp_path / "secret.xlsx").write_bytes(OLE_MAGIC + b"\0" * 1000 + directory)
    with pytest.raises(UnsupportedInput, match="workbook is password-protected"):
        open_source(tmp_path / "secret.xlsx")


def test_ods_and_other_zips_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "sheet.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    with pytest.raises(UnsupportedInput, match="OpenDocument"):
        open_source(path)


def test_html_disguised_as_xls_is_refused(tmp_path: Path) -> None:
    (tmp_path / "export.xls").write_text("<html><table><tr><td>1</td></tr></table></html>")
    with pytest.raises(UnsupportedInput, match="HTML"):
        open_source(tmp_path / "export.xls")


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedInput, match="directory"):
        open_source(tmp_path)


def test_sheet_option_on_a_csv_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("Name\nA\n")
    with pytest.raises(UnsupportedInput, match="--sheet"):
        open_source(tmp_path / "a.csv", sheet="Leads")


def test_text_with_an_xlsx_extension_is_read_by_content(tmp_path: Path) -> None:
    (tmp_path / "mislabelled.xlsx").write_text("Name\tPhone\nA\t012\n")
    source = open_source(tmp_path / "mislabelled.xlsx")
    assert source.format == "csv"
    assert next(iter(source.iter_batches(0, 10))).rows == [["A", "012"]]


def test_fingerprint_is_size_and_sha256(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"abc")
    assert fingerprint(path) == (
        3,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    )
    with pytest.raises(InputNotFound):
        fingerprint(tmp_path / "missing.csv")
