"""Runs of text as WordprocessingML elements, built with python-docx's ``OxmlElement`` and ``qn``.

python-docx's ``paragraph.add_run(text)`` reads the text one character at a time (to turn tabs and
line feeds into elements): 0.3 ms a run, a third of a large brief's writing.  Here a run is one
``w:t`` per line with ``w:br`` between lines.  Every text is cleaned here (``text.clean_text``):
this and the appendix's table are the ways text enters the document.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from indicators.text import clean_text

PRESERVE = {qn("xml:space"): "preserve"}


def set_text(t, text: str) -> None:
    """``text`` into the ``w:t`` element ``t``; further lines follow it in its run after a ``w:br``."""
    lines = clean_text(text).split("\n")
    t.text = lines[0]
    run = t.getparent()
    for line in lines[1:]:
        run.append(OxmlElement("w:br"))
        more = OxmlElement("w:t", PRESERVE)
        more.text = line
        run.append(more)


def run(text: str, style_id: str | None = None):
    """A ``w:r`` holding ``text``, in the character style ``style_id`` when given."""
    r = OxmlElement("w:r")
    if style_id is not None:
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:rStyle", {qn("w:val"): style_id}))
        r.append(properties)
    t = OxmlElement("w:t", PRESERVE)
    r.append(t)
    set_text(t, text)
    return r
