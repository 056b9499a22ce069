"""Serve plotly.min.js from the installed plotly package.

The deployments are intranets: the chart library must come from our own
server.  Rather than committing a 4 MB file, this finder exposes the copy that
ships inside the plotly wheel as ``static/vendor/plotly.min.js``, so
``collectstatic`` copies it (with a hashed name) and ``runserver`` serves it.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PREFIX = "vendor"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_JS.parent))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        from django.core.checks import Error

        if not PLOTLY_JS.exists():
            return [Error(f"plotly.min.js not found at {PLOTLY_JS}", id="ipzone.E001")]
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == f"{PREFIX}/{PLOTLY_JS.name}":
            match = str(PLOTLY_JS)
            return [match] if find_all else match
        return []

    def list(self, ignore_patterns):
        yield PLOTLY_JS.name, self.storage
