"""Text people type, as the files we write can hold it.

Everything typed into ipzone (notes, return reasons, names, file names, imported cells) ends up
in XML: the xlsx workbook and template, the Word brief.  XML 1.0 cannot hold every Unicode
character: C0 controls other than tab, line feed and carriage return, lone surrogates, and the
non-characters U+FFFE and U+FFFF make the whole file unreadable (openpyxl refuses to read it
back, LibreOffice silently drops everything after the character).  C1 controls (U+0080–U+009F)
are legal XML but never mean anything in typed text; they come from mis-decoded copies.

So text is checked where it enters (``check_text`` → a message naming the character, nothing
saved) and cleaned where it leaves (``clean_text``, defensively, for rows stored before the
check existed or written by hand).  Direction overrides (U+202E …) and zero-width characters
are legal text; pages isolate user text so they cannot reorder what surrounds it (CSS
``unicode-bidi: isolate``), and exports drop them (``clean_text``).

Text that leaves as a mail or on a terminal (``indicators/notices.py``, ``send_reminders``) is
cleaned the same way, and its line breaks are settled too: a carriage return would let a stored
name overwrite what a terminal shows before it, and a line break in a name, a subject or an
address would start a new line of the mail or of its headers (``clean_text(…, line_breaks=…)``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF];
# C1 controls are excluded too (see the module's docstring).
_UNSTORABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Direction embeddings, overrides and isolates, and the zero-width characters that hide in pasted text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# What ends a line: CR LF, a lone CR or LF, and Unicode's line and paragraph separators
# (NEL, VT and FF are controls, dropped before this applies).
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")


def unstorable(text: str) -> str | None:
    """The first character of ``text`` that a file cannot hold, or None."""
    found = _UNSTORABLE.search(text)
    return found.group() if found else None


def describe(character: str) -> str:
    return f"U+{ord(character):04X}"


def check_text(text: str) -> None:
    """Raise ``ValidationError`` when ``text`` holds a character the workbook or the brief cannot hold."""
    character = unstorable(str(text))
    if character is not None:
        raise ValidationError(
            _("The text contains a control or invalid character (%(code)s) that cannot be saved; delete it and type the text again."),
            code="unstorable",
            params={"code": describe(character)},
        )


def clean_text(text, *, line_breaks: str | None = None) -> str:
    """``text`` without what a file cannot hold and without direction overrides or zero-width characters.

    That leaves, of the controls, tab and the line breaks.  ``line_breaks`` replaces every line
    break (CR LF, CR, LF, U+2028, U+2029) with itself: ``"\\n"`` for text of several lines in a
    mail or on a terminal, ``" "`` for one line (a name, a subject, an address).  Without it the
    line breaks stay as they are (the files: a note keeps the breaks it was typed with).
    """
    text = _INVISIBLE.sub("", _UNSTORABLE.sub("", str(text)))
    if line_breaks is not None:
        text = _LINE_BREAK.sub(line_breaks, text)
    return text
