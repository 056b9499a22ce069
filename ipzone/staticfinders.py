"""Serve the browser files ``make env`` unpacks into ``vendor/static/`` (plotly, pinned and checked) under
``static/vendor/``: from our own server, never a CDN, and through ``collectstatic`` like our own files."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import utils
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"
# What the templates load; a missing one is a system-check error, not a chart that silently fails.
REQUIRED = ["plotly/plotly-basic.min.js", "plotly/LICENSE.txt"]


class VendorFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = Path(settings.VENDOR_STATIC_ROOT)
        self.storage = FileSystemStorage(location=str(self.root))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        missing = [name for name in REQUIRED if not (self.root / name).is_file()]
        if not missing:
            return []
        return [
            Error(
                f"{', '.join(str(self.root / name) for name in missing)} not found: the charts need plotly's basic bundle.",
                hint="Run `make env`, which downloads the pinned plotly.js-basic-dist-min tarball into vendor/, "
                "checks it and unpacks it; on a server without internet copy the tarball into vendor/ first "
                "(README: Deploying).",
                id="ipzone.E001",
            )
        ]

    def find(self, path, find_all=False, **kwargs):
        prefix = f"{PREFIX}/"
        if path.startswith(prefix):
            name = path.removeprefix(prefix)
            if self.root.is_dir() and self.storage.exists(name):
                match = self.storage.path(name)
                return [match] if find_all else match
        return []

    def list(self, ignore_patterns):
        if self.root.is_dir():
            for path in utils.get_files(self.storage, ignore_patterns):
                yield path, self.storage
