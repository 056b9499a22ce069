"""Rendered dashboard fragments, cached under the database's data version.

A fragment is the part of a page that costs: the rows, roll-ups, charts and tables.  Its key
is what it was made from — the page and its parameters, the language, the viewer's visibility
class (everything / one department's drafts / nobody's drafts, ``DraftVisibility``) — plus the
data version (``indicators.data_version``), read from the database on every request.  Any
committed write to what the pages show changes the version, so a stale fragment can never be
served, from any process, whatever cache backend holds it; the cache only saves work.

Fragments are rendered without the request's context processors, so nothing user- or
session-specific (CSRF tokens, the user's name, messages) can end up in them; the page around
a fragment (header, forms, notices) is rendered fresh for every request.

The backend is the ``dashboards`` cache (settings: ``DASHBOARD_CACHE`` = ``locmem``, the
default, per process; ``database``, shared by every process through the ``ipzone_cache``
table; ``off``).  A failing cache is treated as a miss.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.db import connection
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from indicators import data_version
from indicators.permissions import Visibility

CACHE_ALIAS = "dashboards"
TIMEOUT = 6 * 3600  # entries of an old version are never asked for again; this only frees memory
_MEMO = "_ipzone_data_version"
_MISSING = object()

log = logging.getLogger(__name__)
T = TypeVar("T")


def version(request) -> str | None:
    """The data version for this request, read once (None: do not cache, see ``data_version.read``)."""
    found = getattr(request, _MEMO, _MISSING)
    if found is _MISSING:
        found = data_version.read(connection)
        setattr(request, _MEMO, found)
    return found


def visibility_class(user) -> str:
    """Which drafts ``user`` sees: the part of the user a fragment may depend on."""
    return Visibility.for_viewer(user).key


def _key(request, name: str, parts: tuple) -> str | None:
    current = version(request)
    if current is None:
        return None
    raw = repr((name, current, get_language(), visibility_class(request.user), parts))
    return f"ipzone:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _get(key):
    try:
        return caches[CACHE_ALIAS].get(key, _MISSING)
    except Exception:  # noqa: BLE001 – a cache that is down (e.g. no cache table yet) is a miss, never an error
        log.warning("dashboard cache unavailable", exc_info=True)
        return _MISSING


def _set(key, value):
    try:
        caches[CACHE_ALIAS].set(key, value, TIMEOUT)
    except Exception:  # noqa: BLE001
        log.warning("dashboard cache unavailable", exc_info=True)


def remember(request, name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or its result for the same ``parts`` at the same data version (picklable values)."""
    key = _key(request, name, parts)
    if key is None:
        return compute()
    found = _get(key)
    if found is _MISSING:
        found = compute()
        _set(key, found)
    return found


def fragment(request, name: str, parts: tuple, render: Callable[[], str]) -> SafeString:
    """HTML from ``render()`` (which must not use the request's context processors), cached like ``remember``."""
    return mark_safe(remember(request, name, parts, lambda: squeeze_indentation(str(render()))))


_INDENTATION = re.compile(r"\n[ \t]+")


def squeeze_indentation(html: str) -> str:
    """Drop the templates' indentation: a quarter of the overview's bytes, and invisible.

    A newline stays where there was one, so the text still has its spaces (HTML shows any run of
    white space as one); only ``<pre>`` and ``<textarea>`` show it as typed, so those are left alone.
    """
    if "<pre" in html or "<textarea" in html:
        return html
    return _INDENTATION.sub("\n", html)
