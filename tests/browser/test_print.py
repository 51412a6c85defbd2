"""What comes out of the printer: the 介绍信 and the 党员身份证明 on one A4 page each, lists on A4 landscape.

Chromium prints each page to PDF (``page.pdf`` with the page's own ``@page``
size, as the browser's print dialog does); pypdf counts the pages, measures
them and reads the text back, so the Chinese is real text, not boxes or
outlines.  The letter's number must read once in each part: it once printed
as "第 富组转〔2026〕88号 号".
"""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from members.models import Transfer
from tests.browser.conftest import log_in
from tests.factories import make_certificate, make_transfer

pytestmark = pytest.mark.browser

A4_POINTS = (595, 842)  # 210 × 297 mm
#: CSS pixels across the printable width (A4 less the print style sheet's margins): landscape, portrait.
PRINT_WIDTHS = {"landscape": 1030, "portrait": 700}
#: Table cells of up to four characters whose text runs over more than one line when printed.
BROKEN_SHORT_CELLS = """() => Array.from(document.querySelectorAll("main td, main th")).filter(cell => {
  const text = cell.innerText.trim();
  if (!text || text.length > 4 || !cell.getClientRects().length) return false;
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = Array.from(range.getClientRects()).map(r => r.top).sort((a, b) => a - b);
  return tops.length > 1 && tops[tops.length - 1] - tops[0] > 6;
}).map(cell => cell.innerText.trim())"""


def printed(page: Page, url: str) -> PdfReader:
    """``url`` printed by Chromium to PDF, in the page size its print style sheet asks for."""
    response = page.goto(url)
    assert response is not None and response.status == 200
    return PdfReader(BytesIO(page.pdf(prefer_css_page_size=True)))


def page_size(pdf: PdfReader, number: int = 0) -> tuple[int, int]:
    box = pdf.pages[number].mediabox
    return round(float(box.width)), round(float(box.height))


def text_of(pdf: PdfReader) -> str:
    """The text of every page, without the spaces and line breaks a PDF puts between runs.

    NFKC because the Noto CJK glyph of 身 (入, 女 …) is shared with a Kangxi radical, and Chromium's
    text map names the radical (⾝ U+2F9D): the same character to a reader, folded back here.  A few
    glyphs come out as CJK Radicals Supplement forms that NFKC leaves (民 as ⺠, 龙 as ⻰, 长 as ⻓);
    the assertions below do not lean on those.  NFKC also makes （） and ： half-width.
    """
    text = "".join(p.extract_text() for p in pdf.pages)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture
def long_letter(county_staff, secretary_a, member_a) -> Transfer:
    """A letter with long names in every blank and the number 富组转〔2026〕88号, the worst case for one page."""
    member_a.work_unit = "富宁县新华镇各甫村村民委员会（兼任村集体经济合作社理事长）"
    member_a.phone = "13800000000"
    member_a.save(update_fields=["work_unit", "phone"])
    transfer = make_transfer(
        member_a, actor=secretary_a, to_external="中共广西壮族自治区百色市右江区龙景街道工作委员会"
    )
    Transfer.objects.filter(pk=transfer.pk).update(letter_no="富组转〔2026〕88号")
    transfer.refresh_from_db()
    return transfer


def test_the_three_part_letter_prints_on_one_a4_page_with_its_number_once_per_part(
    page: Page, county_staff, long_letter
):
    log_in(page, county_staff.username)
    pdf = printed(page, f"/members/transfers/{long_letter.pk}/print/")
    assert len(pdf.pages) == 1
    assert page_size(pdf) == A4_POINTS
    text = text_of(pdf)
    for part in (
        "中国共产党党员组织关系介绍信(存根)",
        "兹介绍",
        "介绍信(回执)",
        "特此回执",
        "各甫村党支部(盖章)",
    ):
        assert part in text
    assert long_letter.person_id_number in text  # county staff print the full number (recorded)
    assert text.count("富组转〔2026〕88号") == 5  # three parts and two seams
    assert "88号号" not in text and "第富组转" not in text


def test_a_bare_letter_number_prints_as_di_number_hao_once(page: Page, county_staff, long_letter):
    Transfer.objects.filter(pk=long_letter.pk).update(letter_no="88")
    log_in(page, county_staff.username)
    text = text_of(printed(page, f"/members/transfers/{long_letter.pk}/print/"))
    assert text.count("第88号") == 5 and "号号" not in text


def test_the_certificate_prints_on_one_a4_page(page: Page, county_staff, secretary_a, member_a):
    certificate = make_certificate(
        member_a, actor=secretary_a, destination="广东省东莞市松山湖高新技术产业开发区"
    )
    log_in(page, county_staff.username)
    pdf = printed(page, f"/members/certificates/{certificate.pk}/print/")
    assert len(pdf.pages) == 1
    assert page_size(pdf) == A4_POINTS
    text = text_of(pdf)
    assert "党员身份证明" in text and member_a.name in text and "特此证明" in text


def test_a_list_prints_on_a4_landscape_and_a_record_page_on_a4_portrait(page: Page, county_staff, member_a):
    log_in(page, county_staff.username)
    listing = printed(page, "/members/")
    assert page_size(listing) == A4_POINTS[::-1]
    assert member_a.name in text_of(listing)
    record = printed(page, member_a.get_absolute_url())
    assert page_size(record) == A4_POINTS


def test_short_table_cells_print_on_one_line(page: Page, county_staff, long_letter, member_a):
    """女, 壮族, 转出县外, 待回执: never one character per line, in a wide list or a record's tables."""
    log_in(page, county_staff.username)
    page.emulate_media(media="print")
    for url, orientation in (
        ("/members/transfers/", "landscape"),
        ("/members/", "landscape"),
        (member_a.get_absolute_url(), "portrait"),
        (long_letter.get_absolute_url(), "portrait"),
    ):
        page.set_viewport_size({"width": PRINT_WIDTHS[orientation], "height": 900})
        page.goto(url)
        assert page.evaluate(BROKEN_SHORT_CELLS) == [], url
