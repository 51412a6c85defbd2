"""The 工作总结 as a .docx in the style of a Chinese official document (GB/T 9704 in spirit).

Title centred in 方正小标宋简体 (黑体 where it is missing) 二号; body 仿宋_GB2312 三号
with a first-line indent of two characters and fixed 28-point line spacing;
first-level headings 黑体, second-level 楷体_GB2312; A4 with the standard
margins; page numbers "— 1 —" in 宋体 四号, right on odd pages and left on even ones.  Every run names its East Asian
font (``w:eastAsia``), without which Word and WPS fall back to a Latin font.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .summary import Summary

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312"}
PAGE_FONT = "宋体"
SIZE_TITLE = Pt(22)  # 二号
SIZE_BODY = Pt(16)  # 三号


def _font(run, name: str, size: Pt, bold: bool = False) -> None:  # noqa: ANN001 (python-docx has no types)
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _spacing(paragraph, indent: bool = True) -> None:  # noqa: ANN001
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号


def _page_number(paragraph, alignment: WD_ALIGN_PARAGRAPH) -> None:  # noqa: ANN001
    """ "— 1 —" in 宋体 四号 (GB/T 9704: right on odd pages, left on even)."""
    paragraph.alignment = alignment

    def text(value: str) -> None:
        _font(paragraph.add_run(value), PAGE_FONT, Pt(14))

    text("— ")
    run = paragraph.add_run()
    _font(run, PAGE_FONT, Pt(14))
    for kind, instruction in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        run._element.append(element)
    text(" —")


def summary_docx(summary: Summary) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(summary.title), TITLE_FONT, SIZE_TITLE)
    _spacing(title, indent=False)
    document.add_paragraph()

    for part in summary.sections:
        if part.heading:
            heading = document.add_paragraph()
            _font(heading.add_run(part.heading), HEADING_FONTS.get(part.level, BODY_FONT), SIZE_BODY)
            _spacing(heading)
        texts = [p.text for p in part.paragraphs]
        texts += [line for line in part.narrative.splitlines() if line.strip()]
        for text in texts:
            paragraph = document.add_paragraph()
            _font(paragraph.add_run(text.strip()), BODY_FONT, SIZE_BODY)
            _spacing(paragraph)
    if summary.missing:
        note = document.add_paragraph()
        _font(note.add_run("（注：" + summary.missing_note + "尚未报送本期数据。）"), BODY_FONT, SIZE_BODY)
        _spacing(note)

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
