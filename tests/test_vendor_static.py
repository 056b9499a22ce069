"""plotly's basic bundle: unpacked by `make env`, served from our own static files with its licence."""

import re

import plotly.offline
from django.contrib.staticfiles import finders
from django.core import checks

from ipzone.staticfinders import VendorFinder

BUNDLE = "vendor/plotly/plotly-basic.min.js"
LICENCE = "vendor/plotly/LICENSE.txt"


def test_the_basic_bundle_and_its_licence_are_static_files():
    bundle, licence = finders.find(BUNDLE), finders.find(LICENCE)
    assert bundle and licence
    with open(bundle, encoding="utf-8") as file:
        assert "plotly.js (basic - minified)" in file.read(300)
    with open(licence, encoding="utf-8") as file:
        assert file.read().startswith("MIT License")
    # collectstatic (and so WhiteNoise's hashing and compression) takes what the finder lists.
    assert {path for path, _storage in VendorFinder().list([])} >= {"plotly/plotly-basic.min.js", "plotly/LICENSE.txt"}


def test_the_bundle_is_the_plotly_js_the_python_package_builds_figures_for():
    with open(finders.find(BUNDLE), encoding="utf-8") as file:
        version = re.search(r"plotly\.js \(basic - minified\) v(\S+)", file.read(300)).group(1)
    assert version == plotly.offline.get_plotlyjs_version()


def test_a_missing_bundle_is_a_system_check_error_that_says_what_to_do(settings, tmp_path):
    settings.VENDOR_STATIC_ROOT = tmp_path
    finders.get_finder.cache_clear()
    try:
        errors = [message for message in checks.run_checks() if message.id == "ipzone.E001"]
    finally:
        finders.get_finder.cache_clear()
    assert len(errors) == 1 and errors[0].level == checks.ERROR
    assert "plotly-basic.min.js" in errors[0].msg and "make env" in errors[0].hint


def test_the_bundle_in_place_passes_the_check():
    assert VendorFinder().check() == []
