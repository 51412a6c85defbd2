"""A fast streaming reader of .xlsx sheets: rows as value lists, straight from the sheet's XML.

openpyxl's read-only mode builds a cell object per cell (some 30 µs each):
100,000 rows of six columns take most of half a minute before any rule
runs.  This reads the same parts (shared strings, cell styles to tell dates
from numbers, the sheet) with lxml's ``iterparse``, clearing each row once
read, so memory holds the shared strings and one row.  Values come out as
openpyxl gives them with ``data_only=True``: text, int/float, bool, and
``datetime`` for a number in a date format.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import IO, Any
from zipfile import ZipFile

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import from_excel

MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _column(ref: str) -> int:
    """``AB12`` → 27 (0-based column index)."""
    index = 0
    for ch in ref:
        if "A" <= ch <= "Z":
            index = index * 26 + ord(ch) - 64
        else:
            break
    return index - 1


class XlsxReader:
    """The sheets of one .xlsx by title; raises KeyError/ValueError/BadZipFile for a file that is not one."""

    def __init__(self, source: str | IO[bytes]) -> None:
        self.zip = ZipFile(source)
        names = set(self.zip.namelist())
        book = etree.fromstring(self.zip.read("xl/workbook.xml"))
        rels = etree.fromstring(self.zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels if _local(r.tag) == "Relationship"}
        self.sheets: dict[str, str] = {}
        for element in book.iter():
            if _local(element.tag) == "sheet":
                rid = next((element.get(f"{{{ns}}}id") for ns in REL if element.get(f"{{{ns}}}id")), None)
                target = targets.get(rid, "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                if path in names:
                    self.sheets[element.get("name")] = path
        self.strings = self._shared_strings(
            "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None
        )
        self.date_styles = self._date_styles("xl/styles.xml" if "xl/styles.xml" in names else None)
        self.epoch_1904 = any(
            _local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true") for e in book.iter()
        )

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def close(self) -> None:
        self.zip.close()

    def _shared_strings(self, name: str | None) -> list[str]:
        if name is None:
            return []
        strings: list[str] = []
        with self.zip.open(name) as part:
            for _event, si in etree.iterparse(part, events=("end",), tag=[f"{{{ns}}}si" for ns in MAIN]):
                # A plain <t>, or rich-text runs <r><t>…</t></r>; phonetic runs (<rPh>) are not the text.
                strings.append(
                    "".join(
                        t.text or ""
                        for t in si.iter()
                        if _local(t.tag) == "t" and _local(t.getparent().tag) != "rPh"
                    )
                )
                si.clear()
        return strings

    def _date_styles(self, name: str | None) -> set[int]:
        if name is None:
            return set()
        styles = etree.fromstring(self.zip.read(name))
        custom = {
            int(e.get("numFmtId")): e.get("formatCode") or ""
            for e in styles.iter()
            if _local(e.tag) == "numFmt"
        }
        dates: set[int] = set()
        xfs = next((e for e in styles.iter() if _local(e.tag) == "cellXfs"), None)
        for index, xf in enumerate(x for x in (xfs if xfs is not None else ()) if _local(x.tag) == "xf"):
            fmt_id = int(xf.get("numFmtId") or 0)
            code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id) or ""
            if code and is_date_format(code):
                dates.add(index)
        return dates

    def dimension_rows(self, title: str) -> int:
        """The last row the sheet declares (its <dimension>), read from the first bytes only; 0 if absent."""
        with self.zip.open(self.sheets[title]) as part:
            head = part.read(4096).decode("utf-8", "replace")
        at = head.find("<dimension ref=")
        if at < 0:
            at = head.find(":dimension ref=")
        if at < 0:
            return 0
        ref = head[at:].split('"', 2)[1]
        last = ref.split(":")[-1]
        digits = "".join(ch for ch in last if ch.isdigit())
        return int(digits) if digits else 0

    def rows(self, title: str) -> Iterator[tuple[int, list[Any]]]:
        """(row number, [values by column]) of every row that has a cell, in order."""
        strings, dates = self.strings, self.date_styles
        with self.zip.open(self.sheets[title]) as part:
            expected = 0
            for _event, row in etree.iterparse(part, events=("end",), tag=[f"{{{ns}}}row" for ns in MAIN]):
                expected += 1
                number = int(row.get("r") or expected)
                expected = number
                values: list[Any] = []
                for cell in row:
                    ref = cell.get("r")
                    column = _column(ref) if ref else len(values)
                    kind = cell.get("t")
                    raw = None
                    if kind == "inlineStr":
                        raw = "".join(t.text or "" for t in cell.iter() if _local(t.tag) == "t")
                    else:
                        for child in cell:
                            if _local(child.tag) == "v":
                                raw = child.text
                                break
                    if raw is None:
                        value: Any = None
                    elif kind == "s":
                        value = strings[int(raw)]
                    elif kind in ("str", "inlineStr", "e"):
                        value = raw
                    elif kind == "b":
                        value = raw in ("1", "true")
                    elif kind == "d":
                        value = raw
                    else:
                        number_value = float(raw)
                        style = int(cell.get("s") or 0)
                        if style in dates:
                            value = from_excel(number_value, epoch=_epoch(self.epoch_1904))
                        elif number_value.is_integer() and "." not in raw and "E" not in raw.upper():
                            value = int(raw)
                        else:
                            value = number_value
                    if column >= len(values):
                        values.extend([None] * (column - len(values) + 1))
                    values[column] = value
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]
                yield number, values


def _epoch(is_1904: bool) -> Any:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    return CALENDAR_MAC_1904 if is_1904 else CALENDAR_WINDOWS_1900
