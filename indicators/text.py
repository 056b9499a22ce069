"""Text people type, as the files we write can hold it (docs/design.md, "Reporting").

XML 1.0, inside every xlsx and docx, cannot hold C0 controls other than tab and line breaks, lone
surrogates or U+FFFE/U+FFFF: one of them makes the whole file unreadable.  C1 controls are legal but never
meant in typed text.  Text is checked where it enters (``check_text``) and cleaned where it leaves
(``clean_text``), which also drops direction overrides and zero-width characters.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# A short code in addresses and commands: organisations, departments, comparison codes of indicators.
code_validator = RegexValidator(r"^[a-z][a-z0-9-]*$", _("Use lower-case ASCII letters, digits and “-”."))

# What XML 1.0 allows (#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]), C1 controls excluded.
_UNSTORABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Direction embeddings, overrides and isolates, and the zero-width characters that hide in pasted text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")


def check_text(text: str) -> None:
    """Raise ``ValidationError`` when ``text`` holds a character the workbook or the brief cannot hold."""
    found = _UNSTORABLE.search(str(text))
    if found is not None:
        raise ValidationError(
            _("The text contains a control or invalid character (%(code)s) that cannot be saved; delete it and type the text again."),
            code="unstorable", params={"code": f"U+{ord(found.group()):04X}"})


def clean_text(text, *, line_breaks: str | None = None) -> str:
    """``text`` without what a file cannot hold, direction overrides or zero-width characters.

    ``line_breaks`` replaces every line break (CR LF, CR, LF, U+2028, U+2029): ``"\\n"`` for a mail or a
    terminal (a carriage return would let a name overwrite what the terminal showed), ``" "`` for a name,
    a subject or an address (a line break would start a new header).
    """
    text = _INVISIBLE.sub("", _UNSTORABLE.sub("", str(text)))
    return text if line_breaks is None else _LINE_BREAK.sub(line_breaks, text)
