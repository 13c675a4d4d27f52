"""XlsxSource: cells rendered as Excel shows them, sheet rows numbered as Excel numbers them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from leadscout_es.errors import EmptyInput, UnsupportedInput
from leadscout_es.sources import Batch, open_source
from leadscout_es.sources.xlsx_source import XlsxSource

SAMPLE = Path(__file__).parents[2] / "data" / "sample_leads.xlsx"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def rows_of(batches: list[Batch]) -> list[list[str]]:
    return [row for batch in batches for row in batch.rows]


def read_rows(source: XlsxSource, start: int = 0, batch_size: int = 50) -> list[list[str]]:
    return rows_of(list(source.iter_batches(start, batch_size)))


def write_raw_xlsx(path: Path, sheet_xml: str, shared: list[str] | None = None) -> Path:
    """A minimal hand-built package, for XML shapes xlsxwriter never writes."""
    rels = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    workbook = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
        '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared is not None:
            items = "".join(shared)
            zf.writestr(
                "xl/sharedStrings.xml",
                f'<sst xmlns="{MAIN_NS}" count="{len(shared)}">{items}</sst>',
            )
    return path


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "varied.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Leads")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    stamp = wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss"})
    ws.write_row(0, 0, ["Name", "Number", "When", "Flag", "Formula", "Error", "Phone", "Name"])
    ws.write_row(1, 0, ["SIPHO DLAMINI", 722521911])
    ws.write_datetime(1, 2, dt.datetime(2024, 3, 1), date)
    ws.write_boolean(1, 3, True)
    ws.write_formula(1, 4, "=B2*2", None, 1445043822)
    ws.write_formula(1, 5, "=NA()", None, "#N/A")
    ws.write_string(1, 6, "0722521911")
    ws.write_row(2, 0, ["ANNA VAN DER MERWE", 0.1])
    ws.write_datetime(2, 2, dt.datetime(2024, 3, 1, 13, 45), stamp)
    ws.write_boolean(2, 3, False)
    ws.write_formula(2, 4, '="A"&"B"', None, "AB")
    ws.merge_range(4, 0, 4, 2, "MERGED NAME")
    ws.write_number(5, 1, -3.25)
    ws.write_string(5, 6, "0117654321")
    ws.write_string(6, 9, "beyond the header")
    other = wb.add_worksheet("Other")
    other.write_row(0, 0, ["A", "B"])
    other.write_row(1, 0, ["012", "x"])
    wb.close()
    return path


def test_sample_workbook_keeps_leading_zeros_and_has_3000_rows() -> None:
    source = open_source(SAMPLE)
    assert source.format == "xlsx"
    assert source.columns[3:5] == ["ContactNumber", "CellNumber"]
    rows = rows_of(list(source.iter_batches(0, 1000)))
    assert len(rows) == 3000
    phones = [r[4] for r in rows if r[4]]
    assert phones and all(p.startswith("0") and len(p) == 10 for p in phones)


def test_dates_booleans_formulas_and_errors_render_as_excel_shows_them(varied: Path) -> None:
    rows = read_rows(XlsxSource(varied))
    assert rows[0] == [
        "SIPHO DLAMINI",
        "722521911",
        "2024-03-01",
        "TRUE",
        "1445043822",
        "#N/A",
        "0722521911",
        "",
    ]
    assert rows[1][:5] == ["ANNA VAN DER MERWE", "0.1", "2024-03-01 13:45:00", "FALSE", "AB"]


def test_row_gaps_become_blank_rows_and_merged_value_sits_top_left(varied: Path) -> None:
    rows = read_rows(XlsxSource(varied))
    assert rows[2] == [""] * 8  # sheet row 4 was never written
    assert rows[3][:3] == ["MERGED NAME", "", ""]
    assert rows[4][1] == "-3.25"


def test_values_beyond_the_header_are_rejected_not_dropped(varied: Path) -> None:
    (batch,) = list(XlsxSource(varied).iter_batches(0, 100))
    assert batch.rejects == {5: "row has values beyond the header's 8 columns"}
    assert batch.rows[5] == [""] * 8


def test_duplicate_header_names_are_kept(varied: Path) -> None:
    assert XlsxSource(varied).columns[-1] == "Name" == XlsxSource(varied).columns[0]


def test_streaming_reader_agrees_with_openpyxl(varied: Path) -> None:
    wb = openpyxl.load_workbook(varied, read_only=True, data_only=True)
    expected = []
    for values in list(wb["Leads"].iter_rows(min_row=2, max_col=8, values_only=True)):
        expected.append([_excel_text(v) for v in values])
    got = read_rows(XlsxSource(varied))
    assert got[:2] == expected[:2]
    assert [r[0] for r in got[:5]] == [r[0] for r in expected[:5]]


def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S").removesuffix(" 00:00:00")
    return str(value)


def test_sheet_is_chosen_by_name_or_index(varied: Path) -> None:
    by_name = open_source(varied, sheet="Other")
    by_index = open_source(varied, sheet="1")
    assert by_name.sheet == by_index.sheet == "Other"
    assert rows_of(list(by_name.iter_batches(0, 5))) == [["012", "x"]]


def test_unknown_sheet_lists_the_sheets(varied: Path) -> None:
    with pytest.raises(UnsupportedInput, match="'Leads', 'Other'"):
        open_source(varied, sheet="Missing")


def test_disk_backed_shared_strings_give_identical_rows() -> None:
    in_memory = XlsxSource(SAMPLE)
    on_disk = XlsxSource(SAMPLE, max_strings_in_memory=0)
    try:
        assert read_rows(on_disk, batch_size=700) == read_rows(in_memory, batch_size=700)
    finally:
        on_disk.close()


def test_prefixed_tags_sparse_cells_rows_without_numbers_and_escapes(tmp_path: Path) -> None:
    sheet = (
        f'<x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
        '<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>Phone</x:t></x:is></x:c></x:row>'
        '<x:row><x:c r="C2" t="inlineStr"><x:is><x:t>082</x:t></x:is></x:c></x:row>'
        '<x:row><x:c t="s"><x:v>1</x:v></x:c><x:c t="d"><x:v>2024-03-01T00:00:00</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    shared = [
        "<si><t>Name</t></si>",
        "<si><r><t>LINE_x000D_</t></r><r><t>TWO</t></r><rPh><t>ignored</t></rPh></si>",
    ]
    source = XlsxSource(write_raw_xlsx(tmp_path / "raw.xlsx", sheet, shared))
    assert source.columns == ["Name", "", "Phone"]
    assert read_rows(source) == [["", "", "082"], ["LINE\rTWO", "2024-03-01", ""]]
    assert read_rows(source, start=1) == [["LINE\rTWO", "2024-03-01", ""]]


def test_header_only_sheet_is_empty_input(tmp_path: Path) -> None:
    path = tmp_path / "header.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet().write_row(0, 0, ["Name", "Phone"])
    wb.close()
    with pytest.raises(EmptyInput, match="no data rows"):
        open_source(path)


def test_empty_sheet_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet()
    wb.close()
    with pytest.raises(EmptyInput, match="no header"):
        open_source(path)


@pytest.fixture(scope="module")
def sample_rows() -> tuple[XlsxSource, list[list[str]], list[Batch]]:
    source = XlsxSource(SAMPLE)
    batches = list(source.iter_batches(0, 97))
    return source, rows_of(batches), batches


@settings(max_examples=25, deadline=None)
@given(start=st.integers(0, 3005), batch_size=st.integers(50, 3000))
def test_resume_from_any_row_equals_the_full_pass(
    sample_rows: tuple[XlsxSource, list[list[str]], list[Batch]], start: int, batch_size: int
) -> None:
    source, full, _ = sample_rows
    assert read_rows(source, start, batch_size) == full[start:]


@settings(max_examples=20, deadline=None)
@given(cut=st.integers(0, 31), resume_size=st.integers(50, 3000))
def test_resume_at_a_batch_position_gives_the_same_rows(
    sample_rows: tuple[XlsxSource, list[list[str]], list[Batch]], cut: int, resume_size: int
) -> None:
    source, full, batches = sample_rows
    batch = batches[min(cut, len(batches) - 1)]
    next_row = batch.first_row + len(batch.rows)
    resumed = rows_of(list(source.iter_batches(next_row, resume_size, batch.position)))
    assert resumed == full[next_row:]


def test_resume_across_blank_gap_rows_with_and_without_position(varied: Path) -> None:
    source = XlsxSource(varied)
    full = read_rows(source)
    batches = list(source.iter_batches(0, 1))
    for batch in batches:
        k = batch.first_row + 1
        assert read_rows(source, k, 2) == full[k:]
        assert rows_of(list(source.iter_batches(k, 2, batch.position))) == full[k:]
