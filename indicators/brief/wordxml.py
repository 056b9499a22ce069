"""The WordprocessingML the brief writes by hand, what python-docx has no API for, built with ``OxmlElement``.

Here, and only here, python-docx's objects are reached by their private names (``paragraph._p``, ``table._tbl``,
``row._tr``, ``cell._tc``): python-docx exposes no other way to them.
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
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = OxmlElement("w:r")
        if kind is not None:
            run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t", {qn("xml:space"): "preserve"})
            element.text = text
            run.append(element)
        paragraph._p.append(run)


def cell_margins(table, twips: int) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(OxmlElement(f"w:{side}", {qn("w:w"): str(twips), qn("w:type"): "dxa"}))
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


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
