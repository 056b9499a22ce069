"""The WordprocessingML the brief writes by hand, what python-docx has no API for, built with ``OxmlElement``.

Runs and styles are reached through their public ``element``; table rows and cells have none, so here, and only
here, they are reached by their private names (``row._tr``, ``cell._tc``): python-docx has no API for a row that
never breaks, a repeated header row or a vertical merge in linear time.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn


def east_asian(style, font: str) -> None:
    """A style's East Asian font (``font.name`` sets only the Latin ones)."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")


def chinese(document) -> None:
    """Chinese as the East Asian language, Latin text in en-US: the template's Japanese picks Japanese glyphs."""
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = defaults.find(qn("w:lang"))
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:eastAsia"), "zh-CN")


def page_field(paragraph) -> None:
    """A PAGE field at the end of ``paragraph``: begin, instruction, the value shown until it is updated, end."""
    instruction = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instruction.text = " PAGE "
    for element in (OxmlElement("w:fldChar", {qn("w:fldCharType"): "begin"}), instruction,
                    OxmlElement("w:fldChar", {qn("w:fldCharType"): "separate"})):
        paragraph.add_run().element.append(element)
    paragraph.add_run("1")
    paragraph.add_run().element.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): "end"}))


def cell_margins(style, twips: int) -> None:
    """The left and right cell margins of a table style (python-docx's template gives Table Grid both)."""
    for side in ("left", "right"):
        style.element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}/{qn(f'w:{side}')}").set(qn("w:w"), str(twips))


def keep_together(row) -> None:
    """A row that never breaks across pages; call before ``repeat_header`` (the schema orders ``w:cantSplit`` first)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def repeat_header(row) -> None:
    """A row repeated at the top of every page."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def merge_down(cells) -> None:
    """Merge ``cells`` (one column, consecutive rows, the first holding the text) into one, in linear time
    (python-docx's ``merge`` finds each row again: 30 s for a table of 2,900 rows)."""
    for index, cell in enumerate(cells):
        cell._tc.vMerge = "continue" if index else "restart"
