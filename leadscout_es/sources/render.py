"""Typed cell values rendered as text, the same way for every reader.

    integral float      722521911.0      -> "722521911"
    other float         0.1              -> "0.1"   (shortest round-trip repr)
    bool                True             -> "TRUE"
    date                2024-03-01       -> "2024-03-01"
    datetime            2024-03-01 13:45 -> "2024-03-01 13:45:00" (no time part -> date only)
    time / day 0        13:45            -> "13:45:00"
    None / NaN                           -> ""

Excel stores dates as serial day numbers whose cell style has a date number format;
:func:`is_date_format` decides that from the format code.
"""

from __future__ import annotations

import datetime as dt
import math
import re

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
EXCEL_EPOCH_1904 = dt.datetime(1904, 1, 1)
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_NOT_DATE_PARTS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
INT_LIMIT = 2**53


def render_float(x: float) -> str:
    if x != x:
        return ""
    if x.is_integer() and abs(x) < INT_LIMIT:
        return str(int(x))
    return repr(x)


def render_number_text(text: str) -> str:
    """An xlsx ``<v>`` number as text; unparsable text is kept as stored."""
    try:
        return render_float(float(text))
    except ValueError:
        return text


def render_datetime(value: dt.datetime) -> str:
    if value.hour == value.minute == value.second == value.microsecond == 0:
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M:%S")


def render_time(value: dt.time) -> str:
    return value.strftime("%H:%M:%S")


def render_serial(serial: float, *, date1904: bool = False) -> str:
    """An Excel serial date number as ISO text (1900 leap-year bug included)."""
    if not math.isfinite(serial) or serial < 0 or serial > 2_958_466:
        return render_float(serial)
    seconds = round(serial * 86400)
    days, secs = divmod(seconds, 86400)
    if days == 0 and not date1904:
        return render_time((dt.datetime.min + dt.timedelta(seconds=secs)).time())
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH
    if not date1904 and days < 60:
        days += 1  # Excel counts a non-existent 1900-02-29
    return render_datetime(epoch + dt.timedelta(days=days, seconds=secs))


def is_date_format(num_fmt_id: int, code: str | None) -> bool:
    """Whether a cell number format shows a date or time."""
    if code is None:
        return num_fmt_id in BUILTIN_DATE_FORMATS
    section = code.split(";", 1)[0]
    return bool(_DATE_LETTERS.search(_NOT_DATE_PARTS.sub("", section)))


def unescape_ooxml(text: str) -> str:
    """Decode OOXML ``_xHHHH_`` escapes (Excel writes a carriage return as ``_x000D_``)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
