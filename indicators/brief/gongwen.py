"""A Word document laid out as a Chinese official document (公文, GB/T 9704-2012), through python-docx.

A4 portrait with the standard margins and 22 lines a page; title, body, headings, page number “— 1 —” and 落款
in their 公文 fonts and sizes; the appendix's table on landscape pages.  Each style names the 公文 font the
office's Word or WPS has and the font the server prints it with (``Face.fallback``, mapped in ``fonts.conf``).
The style “Normal” is the table's cell text, so thousands of cells take their look without a style each.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt

from indicators.brief import wordxml
from indicators.text import clean_text

LATIN = "Times New Roman"


@dataclass(frozen=True)
class Face:
    name: str  # the 公文 font, as Word and WPS name it
    fallback: str  # the server's font for it (fonts-noto-cjk), mapped in fonts.conf
    bold: bool = False  # the fallback's weight: 小标宋 is a heavy Song


TITLE_FACE = Face("方正小标宋简体", "Noto Serif CJK SC", bold=True)
BODY_FACE = Face("仿宋_GB2312", "Noto Serif CJK SC")
HEADING_FACE = Face("黑体", "Noto Sans CJK SC")
SUBHEADING_FACE = Face("楷体_GB2312", "Noto Serif CJK SC")
NUMBER_FACE = Face("宋体", "Noto Serif CJK SC")
FACES = (TITLE_FACE, BODY_FACE, HEADING_FACE, SUBHEADING_FACE, NUMBER_FACE)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
LINE = Pt(28.95)  # 225 mm / 22 lines
BODY_SIZE, TITLE_SIZE, NUMBER_SIZE, TABLE_SIZE, NOTE_SIZE = Pt(16), Pt(22), Pt(14), Pt(9), Pt(10.5)  # 3号 2号 4号 小五 五号
TABLE_LINE = Pt(12)  # the table's lines: 小五 with a little leading
CHAR = BODY_SIZE  # indents are counted in characters of body text
LANDSCAPE_MARGINS = (Mm(28), Mm(26), Mm(26), Mm(26))  # top, bottom, left, right: GB/T 9704 10.1 allows tables across the page

KEPT_STYLES = {"Normal", "Default Paragraph Font", "Normal Table", "No List", "Table Grid"}  # the defaults and the appendix's grid
# Style names (Word's style list shows them, so in Chinese).
BODY, TITLE, SUBTITLE, HEADING, RUN_IN, SIGNATURE, ANNEX_LIST = "公文正文", "公文标题", "公文副标题", "一级标题", "二级标题", "落款", "附件说明"
ANNEX_LABEL, ANNEX_TITLE, HEADER_CELL, ANNEX_NOTE, PAGE_NUMBER = "附件标识", "附表标题", "附表表头", "附表注释", "页码"


@dataclass
class Section:
    """An 一级 heading and its paragraphs: ``(text, lead)``, the lead a run-in 二级 heading (“（一）财政局。”) or ""."""

    heading: str
    paragraphs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, text: str, lead: str = "") -> None:
        self.paragraphs.append((text, lead))

    def numbered(self, lines: list[str]) -> None:
        for number, line in enumerate(lines, start=1):
            self.add(f"{number}.{line}")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五, 130 → 一百三十: the numerals of 一、 and （一）."""
    if not 0 < n < 10000:
        return str(n)
    text = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        text += "零一二三四五六七八九"[digit] + unit if digit else ("零" if text and not text.endswith("零") else "")
    text = text.rstrip("零")
    return text[1:] if text.startswith("一十") else text


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class GongwenDocument:
    """The document being written: ``title``, ``section``, ``signature``, ``landscape_section``… then ``save``."""

    def __init__(self):
        self.doc = Document()
        wordxml.chinese(self.doc)
        # The default template's 160 styles a 公文 never uses go: Word then lists the document's own, and python-docx,
        # which looks through every style each time a paragraph's style is set, stays quick.
        for style in list(self.doc.styles):
            if style.name not in KEPT_STYLES:
                style.delete()
        self.styles = {}
        self.define(None, BODY_FACE, TABLE_SIZE, line=TABLE_LINE, align=WD_ALIGN_PARAGRAPH.CENTER)  # Normal: the table's cells
        self.define(BODY, BODY_FACE, BODY_SIZE, indent=CHAR * 2).paragraph_format.widow_control = True
        self.define(TITLE, TITLE_FACE, TITLE_SIZE, line=Pt(35), align=WD_ALIGN_PARAGRAPH.CENTER)
        self.define(SUBTITLE, SUBHEADING_FACE, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER)
        self.define(HEADING, HEADING_FACE, BODY_SIZE, indent=CHAR * 2).paragraph_format.keep_with_next = True
        self.define(ANNEX_LIST, BODY_FACE, BODY_SIZE, indent=-CHAR * 3, before=LINE.pt).paragraph_format.left_indent = CHAR * 5
        self.define(SIGNATURE, BODY_FACE, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.right_indent = CHAR * 4
        self.define(ANNEX_LABEL, HEADING_FACE, BODY_SIZE)
        self.define(ANNEX_TITLE, TITLE_FACE, Pt(18), line=Pt(30), align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
        self.define(HEADER_CELL, HEADING_FACE, TABLE_SIZE, line=TABLE_LINE, align=WD_ALIGN_PARAGRAPH.CENTER)
        self.define(ANNEX_NOTE, BODY_FACE, NOTE_SIZE, line=Pt(16), before=4)
        self.define(PAGE_NUMBER, NUMBER_FACE, NUMBER_SIZE, line=None, latin=NUMBER_FACE.name)  # 4号半角宋体阿拉伯数字
        run_in = self.styles[RUN_IN] = self.doc.styles.add_style(RUN_IN, WD_STYLE_TYPE.CHARACTER)
        run_in.font.name, run_in.font.size = LATIN, BODY_SIZE
        wordxml.east_asian(run_in, SUBHEADING_FACE.name)

        section = self.doc.sections[0]
        section.orientation, section.page_width, section.page_height = WD_ORIENT.PORTRAIT, PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
        section.header_distance, section.footer_distance = Mm(15), Mm(21)  # the page number 7 mm under the text block
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            number = footer.paragraphs[0]
            number.style, number.alignment = self.styles[PAGE_NUMBER], align
            setattr(number.paragraph_format, "right_indent" if align == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent", NUMBER_SIZE)
            number.add_run("— ")
            wordxml.page_field(number)
            number.add_run(" —")

    def define(self, name, face: Face, size, *, indent=0, line=LINE, align=WD_ALIGN_PARAGRAPH.LEFT, before=0, after=0, latin=LATIN):
        """A paragraph style (``None``: Normal) with its fonts, size and paragraph format."""
        style = self.doc.styles["Normal"] if name is None else self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if name is not None:
            style.base_style, style.quick_style, style.next_paragraph_style = self.doc.styles["Normal"], True, style
            self.styles[name] = style
        style.font.name, style.font.size = latin, size
        wordxml.east_asian(style, face.name)
        pf = style.paragraph_format
        pf.first_line_indent, pf.left_indent, pf.right_indent = indent, 0, 0
        pf.space_before, pf.space_after, pf.alignment = Pt(before), Pt(after), align
        if line is None:
            pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        else:
            pf.line_spacing, pf.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY
        return style

    def paragraph(self, text: str = "", style: str = BODY, *, lead: str = ""):
        paragraph = self.doc.add_paragraph(style=self.styles[style])
        if lead:
            paragraph.add_run(clean_text(lead), self.styles[RUN_IN])
        if text:
            paragraph.add_run(clean_text(text))
        return paragraph

    def lines(self, lines: list[str], style: str):
        """One paragraph of ``lines``, each after a line break: a title broken where it reads well."""
        paragraph = self.paragraph(style=style)
        for index, line in enumerate(lines):
            run = paragraph.add_run(clean_text(line))
            if index + 1 < len(lines):
                run.add_break()
        return paragraph

    def title(self, lines: list[str], under: list[str]) -> None:
        """The title in ``lines``, the lines under it (the plan's number, what the figures are as of) and a blank line."""
        self.lines(lines, TITLE)
        for line in [*under, ""]:
            self.paragraph(line, SUBTITLE)

    def section(self, section: Section) -> None:
        self.paragraph(section.heading, HEADING)
        for text, lead in section.paragraphs:
            self.paragraph(text, lead=lead)

    def signature(self, issuer: str, day: date) -> None:
        """落款: the issuing office centred over the date (GB/T 9704 7.3.5.1), the date four characters from the right,
        never on a page of its own: the last paragraph and the appendix's line go with it."""
        def width(text):  # in characters of body text: a digit takes half of one
            return sum(1 if unicodedata.east_asian_width(character) in "WF" else 0.5 for character in text)

        for paragraph in self.doc.paragraphs[-2:]:
            paragraph.paragraph_format.keep_with_next = True
        office = self.paragraph(issuer, SIGNATURE).paragraph_format
        office.space_before, office.keep_with_next = LINE, True
        office.right_indent = Pt(BODY_SIZE.pt * max(0, 4 + (width(chinese_date(day)) - width(issuer)) / 2))
        self.paragraph(chinese_date(day), SIGNATURE)

    def landscape_section(self) -> int:
        """Start a new page in landscape (the appendix's table); its text width in twentieths of a point."""
        self.doc.add_section(WD_SECTION.NEW_PAGE)
        # The paragraph that ends the portrait section is empty: one point high, never on a page of its own.
        closing = self.doc.paragraphs[-1].paragraph_format
        closing.line_spacing, closing.line_spacing_rule = Pt(1), WD_LINE_SPACING.EXACTLY
        section = self.doc.sections[-1]
        section.orientation, section.page_width, section.page_height = WD_ORIENT.LANDSCAPE, PAGE_HEIGHT, PAGE_WIDTH
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = LANDSCAPE_MARGINS
        section.footer_distance = Mm(14)
        return (section.page_width - section.left_margin - section.right_margin) // 635  # EMU → twips

    def core_properties(self, title: str, now) -> None:
        properties = self.doc.core_properties
        properties.title = clean_text(title)
        properties.author = properties.last_modified_by = "ipzone"
        properties.created = properties.modified = now
        properties.revision = 1

    def save(self, handle) -> None:
        self.doc.save(handle)
