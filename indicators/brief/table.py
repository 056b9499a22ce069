"""A large table in a Word document, built as XML rows from one template row.

python-docx's cell API costs about 0.2 ms a cell (each ``row.cells`` and ``paragraph.style``
walks the table or the template's styles): the appendix of a plan 100 times the real one
(2,900 rows × 12 columns) took 8 s.  Here one row is built with ``OxmlElement`` and ``qn``
(python-docx has no API for a row repeated as the header on every page, nor for a fixed
layout), copied for each row, and its texts set: about 0.1 s for the same table.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from indicators.brief.xml import set_text

BORDER = {qn("w:val"): "single", qn("w:sz"): "4", qn("w:space"): "0", qn("w:color"): "000000"}
CELL_MARGIN = 57  # twips: 1 mm left and right of a cell's text


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # twentieths of a point (twips)
    align: str = "center"  # "left" for names and notes


def _element(tag: str, parent=None, **attributes):
    element = OxmlElement(tag, {qn(f"w:{name}"): str(value) for name, value in attributes.items()})
    if parent is not None:
        parent.append(element)
    return element


def _table_properties(tbl, total_width: int, columns: list[Column]):
    properties = _element("w:tblPr", tbl)
    _element("w:tblW", properties, w=total_width, type="dxa")
    _element("w:jc", properties, val="center")
    borders = _element("w:tblBorders", properties)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{side}", BORDER))
    _element("w:tblLayout", properties, type="fixed")
    margins = _element("w:tblCellMar", properties)
    _element("w:left", margins, w=CELL_MARGIN, type="dxa")
    _element("w:right", margins, w=CELL_MARGIN, type="dxa")
    _element("w:tblLook", properties, val="04A0", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0", noHBand="0", noVBand="1")
    grid = _element("w:tblGrid", tbl)
    for column in columns:
        _element("w:gridCol", grid, w=column.width)


def _row(columns: list[Column], style_id: str, *, header: bool):
    tr = OxmlElement("w:tr")
    properties = _element("w:trPr", tr)
    _element("w:cantSplit", properties)  # a row stays on one page (Word breaks one taller than a page anyway)
    if header:
        _element("w:tblHeader", properties)  # repeated at the top of every page
    for column in columns:
        tc = _element("w:tc", tr)
        cell = _element("w:tcPr", tc)
        _element("w:tcW", cell, w=column.width, type="dxa")
        _element("w:vAlign", cell, val="center")
        p = _element("w:p", tc)
        paragraph = _element("w:pPr", p)
        _element("w:pStyle", paragraph, val=style_id)
        _element("w:jc", paragraph, val="center" if header else column.align)
        run = _element("w:r", p)
        _element("w:t", run).set(qn("xml:space"), "preserve")
    return tr


def add_table(after, columns: list[Column], rows: list[list[str]], *, header_style: str, cell_style: str, merge_first=None):
    """A ``w:tbl`` put right after the element ``after``: the header row (repeated on every page), then ``rows``.

    The table joins the document before its rows are added: lxml walks every node of an element
    moved into another document, so moving a finished table would walk its 400,000 nodes again.

    ``merge_first`` – for each row, whether its first cell continues the one above (主要任务序号
    printed once per task group): such cells are merged vertically with the first of their group.
    """
    tbl = OxmlElement("w:tbl")
    _table_properties(tbl, sum(column.width for column in columns), columns)
    after.addnext(tbl)
    header = _row(columns, header_style, header=True)
    for t, column in zip(header.iter(qn("w:t")), columns, strict=True):
        set_text(t, column.header)
    tbl.append(header)
    template = _row(columns, cell_style, header=False)
    continues = merge_first or [False] * len(rows)
    for index, texts in enumerate(rows):
        tr = copy.deepcopy(template)
        for t, text in zip(list(tr.iter(qn("w:t"))), texts, strict=True):
            if text:
                set_text(t, text)
        following = index + 1 < len(rows) and continues[index + 1]
        if continues[index] or following:
            first = tr.find(qn("w:tc")).find(qn("w:tcPr"))
            merge = OxmlElement("w:vMerge", {qn("w:val"): "restart"} if not continues[index] else {})
            first.insert(1, merge)  # after w:tcW, as the schema orders it
            if continues[index]:
                set_text(first.getparent().find(qn("w:p")).find(qn("w:r")).find(qn("w:t")), "")
        tbl.append(tr)
    return tbl
