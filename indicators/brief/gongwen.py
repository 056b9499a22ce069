"""A Word document laid out as a Chinese official document (公文, GB/T 9704-2012).

A4 portrait, 天头 37 mm and 订口 28 mm around a 156 × 225 mm text block; the title in 2号
方正小标宋简体, the body in 3号 (16 pt) 仿宋_GB2312 on a fixed 22-lines-a-page pitch, the
一级 headings (一、) in 3号黑体, run-in 二级 headings (（一）) in 3号楷体_GB2312, the page number
“— 1 —” in 4号宋体 under the text block, right on odd pages and left on even pages.

Fonts: every style names the 公文 font the office's Word or WPS has (``Face.name``, as
``w:eastAsia``; Latin text and digits in Times New Roman) and the font the server has for it
(``Face.fallback``, from Debian's fonts-noto-cjk).  A docx cannot carry a fallback that
LibreOffice honours (it ignores ``w:altName``), so ``fonts.conf`` next to this module maps
each 公文 font to its fallback for fontconfig: LibreOffice on the server then prints the body
in a serif (仿宋-like) face and the 一级 headings in a sans (黑体-like) one, instead of sans
for everything.

Written with python-docx's public API; where it has none (the East Asian font and language,
the page-number field, the table) the elements are built with ``OxmlElement`` and ``qn``.
Styles are set on paragraphs as style ids on their elements, and runs are built as elements
(``brief.xml``): python-docx's ``paragraph.style = …`` scans every style of the template on each
call (3 ms) and ``add_run`` reads its text a character at a time, which a brief of thousands of
paragraphs cannot afford.  Every text is cleaned (``text.clean_text``) on its way in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from indicators.brief.xml import run
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

# GB/T 9704-2012 5.2: 天头 37 mm, 订口 28 mm, text block 156 × 225 mm; 22 lines of 28 characters.
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINE = Pt(28.95)  # 225 mm / 22 lines
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
NUMBER_SIZE = Pt(14)  # 4号
CHAR = BODY_SIZE  # one character of body text: indents are counted in characters
# A landscape page for the appendix's table (GB/T 9704 10.1 allows tables across the page).
LANDSCAPE_MARGINS = {"top": Mm(28), "bottom": Mm(26), "left": Mm(26), "right": Mm(26)}
TABLE_SIZE = Pt(9)  # 小五
NOTE_SIZE = Pt(10.5)  # 五号

# Style names (shown in Word's style list, so in Chinese).
TITLE, SUBTITLE, HEADING, RUN_IN, SIGNATURE = "公文标题", "公文副标题", "一级标题", "二级标题", "成文日期"
ANNEX_LIST = "附件说明"
ANNEX_LABEL, ANNEX_TITLE, CELL, HEADER_CELL, ANNEX_NOTE, PAGE_NUMBER = (
    "附件标识", "附表标题", "附表正文", "附表表头", "附表注释", "页码",
)


@dataclass
class Paragraph:
    """One paragraph of body text, optionally opened by a run-in 二级 heading (“（一）财政局。”)."""

    text: str
    lead: str = ""


@dataclass
class Section:
    """一级 heading and its paragraphs."""

    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)

    def add(self, text: str, lead: str = "") -> None:
        self.paragraphs.append(Paragraph(text, lead))


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 130 → 一百三十: the numerals of 一、 and （一）."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 10000:
        return str(n)
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(("" if digit == 1 and unit == "十" and not parts else digits[digit]) + unit)
    return "".join(parts)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _east_asian(style, face: Face, size, *, latin: str = LATIN) -> None:
    """Latin and East Asian fonts and size of a style (python-docx sets only the Latin name)."""
    style.font.name = latin
    style.font.size = size
    fonts = style.element.find(qn("w:rPr")).find(qn("w:rFonts"))
    fonts.set(qn("w:eastAsia"), face.name)
    fonts.set(qn("w:hint"), "eastAsia")


def _paragraph_format(style, *, indent=CHAR, line=LINE, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=0, after=0):
    pf = style.paragraph_format
    pf.first_line_indent = indent
    pf.left_indent = pf.right_indent = 0
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.alignment = align
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing, pf.line_spacing_rule = line, WD_LINE_SPACING.EXACTLY


class GongwenDocument:
    """The document being written: ``title``, ``section``, ``annex``… then ``save``."""

    def __init__(self):
        self.doc = Document()
        self.styles = {}
        self._defaults()
        self._define_styles()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = TOP, BOTTOM, LEFT, RIGHT
        # The page number's 一字线 sits 7 mm under the text block (GB/T 9704 7.5).
        section.header_distance, section.footer_distance = Mm(15), Mm(21)
        self._page_numbers(section)

    # -- set-up -----------------------------------------------------------------------------
    def _defaults(self):
        """Chinese as the East Asian language (the template says Japanese: its fallback glyphs are Japanese)."""
        styles = self.doc.styles.element
        rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts"))
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over the styles' fonts
        fonts.set(qn("w:ascii"), LATIN)
        fonts.set(qn("w:hAnsi"), LATIN)
        fonts.set(qn("w:eastAsia"), BODY_FACE.name)
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:val"), "en-US")  # Latin text (digits) stays in words: a zh-CN line breaker splits “14” in two
        lang.set(qn("w:eastAsia"), "zh-CN")
        theme_lang = self.doc.settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")
        ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr.find(qn("w:spacing"))
        if spacing is not None:
            spacing.set(qn("w:after"), "0")

    def _add(self, name, kind=WD_STYLE_TYPE.PARAGRAPH):
        style = self.doc.styles.add_style(name, kind)
        if kind == WD_STYLE_TYPE.PARAGRAPH:
            style.base_style = self.doc.styles["Normal"]
            style.quick_style = True
        self.styles[name] = style
        return style

    def _define_styles(self):
        normal = self.doc.styles["Normal"]
        _east_asian(normal, BODY_FACE, BODY_SIZE)
        _paragraph_format(normal, indent=CHAR * 2)
        normal.paragraph_format.widow_control = True

        style = self._add(TITLE)
        _east_asian(style, TITLE_FACE, TITLE_SIZE)
        _paragraph_format(style, indent=0, line=Pt(35), align=WD_ALIGN_PARAGRAPH.CENTER)
        style = self._add(SUBTITLE)
        _east_asian(style, SUBHEADING_FACE, BODY_SIZE)
        _paragraph_format(style, indent=0, align=WD_ALIGN_PARAGRAPH.CENTER)
        style = self._add(HEADING)
        _east_asian(style, HEADING_FACE, BODY_SIZE)
        _paragraph_format(style, indent=CHAR * 2)
        style.paragraph_format.keep_with_next = True
        style = self._add(RUN_IN, WD_STYLE_TYPE.CHARACTER)
        _east_asian(style, SUBHEADING_FACE, BODY_SIZE)
        style = self._add(ANNEX_LIST)  # “附表：名称”, left two characters in; a second line aligns with the name
        _paragraph_format(style, indent=-CHAR * 3, align=WD_ALIGN_PARAGRAPH.LEFT, before=LINE.pt)
        style.paragraph_format.left_indent = CHAR * 5
        style = self._add(SIGNATURE)
        _paragraph_format(style, indent=0, align=WD_ALIGN_PARAGRAPH.RIGHT, before=LINE.pt)
        style.paragraph_format.right_indent = CHAR * 4  # 右空四字
        style = self._add(ANNEX_LABEL)
        _east_asian(style, HEADING_FACE, BODY_SIZE)
        _paragraph_format(style, indent=0, align=WD_ALIGN_PARAGRAPH.LEFT)
        style = self._add(ANNEX_TITLE)
        _east_asian(style, TITLE_FACE, Pt(18))
        _paragraph_format(style, indent=0, line=Pt(30), align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
        style = self._add(CELL)
        _east_asian(style, BODY_FACE, TABLE_SIZE)
        _paragraph_format(style, indent=0, line=None, align=WD_ALIGN_PARAGRAPH.LEFT)
        style.paragraph_format.widow_control = False
        style = self._add(HEADER_CELL)
        _east_asian(style, HEADING_FACE, TABLE_SIZE)
        _paragraph_format(style, indent=0, line=None, align=WD_ALIGN_PARAGRAPH.CENTER)
        style = self._add(ANNEX_NOTE)
        _east_asian(style, BODY_FACE, NOTE_SIZE)
        _paragraph_format(style, indent=0, line=Pt(16), align=WD_ALIGN_PARAGRAPH.LEFT, before=4)
        style = self._add(PAGE_NUMBER)
        _east_asian(style, NUMBER_FACE, NUMBER_SIZE, latin=NUMBER_FACE.name)  # 4号半角宋体阿拉伯数字
        _paragraph_format(style, indent=0, line=None)

    def _page_numbers(self, section):
        """“— 1 —”: right, one character in, on odd pages; left, one character in, on even pages."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            self._apply_style(paragraph, PAGE_NUMBER)
            paragraph.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                paragraph.paragraph_format.right_indent = NUMBER_SIZE
            else:
                paragraph.paragraph_format.left_indent = NUMBER_SIZE
            paragraph.add_run("— ")
            self._page_field(paragraph)
            paragraph.add_run(" —")

    @staticmethod
    def _page_field(paragraph):
        """A PAGE field (python-docx has no API for fields): begin, instruction, shown value, end."""
        p = paragraph.paragraph_format.element  # the w:p itself
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
            run = OxmlElement("w:r")
            if kind is not None:
                run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
            else:
                element = OxmlElement("w:instrText" if text == " PAGE " else "w:t", {qn("xml:space"): "preserve"})
                element.text = text
                run.append(element)
            p.append(run)

    # -- writing ----------------------------------------------------------------------------
    def _apply_style(self, paragraph, name):
        paragraph.paragraph_format.element.style = self.styles[name].style_id
        return paragraph

    def paragraph(self, text: str = "", style: str | None = None, *, lead: str = ""):
        paragraph = self.doc.add_paragraph()
        if style is not None:
            self._apply_style(paragraph, style)
        p = paragraph.paragraph_format.element  # the w:p itself
        if lead:
            p.append(run(lead, self.styles[RUN_IN].style_id))
        if text:
            p.append(run(text))
        return paragraph

    def title(self, text: str, under: list[str]):
        """The title, then the lines under it (the plan's document number, the as-of date) and a blank line."""
        self.paragraph(text, TITLE)
        for line in under:
            self.paragraph(line, SUBTITLE)
        self.paragraph("", SUBTITLE)

    def section(self, section: Section):
        self.paragraph(section.heading, HEADING)
        for item in section.paragraphs:
            self.paragraph(item.text, lead=item.lead)

    def annex_list(self, name: str):
        self.paragraph(f"附表：{name}", ANNEX_LIST)

    def signature_date(self, day: date):
        self.paragraph(chinese_date(day), SIGNATURE)

    def landscape_section(self) -> int:
        """Start a new page in landscape (the appendix's table); returns the text width in twentieths of a point."""
        # The paragraph that ends the portrait section is empty: one point high, so it never spills onto a page of its own.
        self.doc.add_section(WD_SECTION.NEW_PAGE)
        closing = self.doc.paragraphs[-1]
        closing.paragraph_format.line_spacing, closing.paragraph_format.line_spacing_rule = Pt(1), WD_LINE_SPACING.EXACTLY
        closing.paragraph_format.first_line_indent = 0
        section = self.doc.sections[-1]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_HEIGHT, PAGE_WIDTH
        for side, value in LANDSCAPE_MARGINS.items():
            setattr(section, f"{side}_margin", value)
        section.footer_distance = Mm(14)
        return (section.page_width - section.left_margin - section.right_margin) // 635  # EMU → twips

    def core_properties(self, title: str, now):
        properties = self.doc.core_properties
        properties.title = clean_text(title)
        properties.author = properties.last_modified_by = "ipzone"
        properties.created = properties.modified = now
        properties.revision = 1

    def save(self, handle):
        self.doc.save(handle)
