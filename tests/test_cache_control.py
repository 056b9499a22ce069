"""Pages that can show drafts are never kept by a browser or a proxy; static files keep their caching."""

import pytest
from django.templatetags.static import static
from django.utils.cache import get_max_age

from indicators.models import Indicator
from tests.conftest import login


def directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/departments/czj/",
        "indicator",
        "/import/2024/",
        "/admin/indicators/actual/year/2024/",
    ],
)
def test_pages_that_can_show_drafts_are_private_and_not_stored(client, reporter, url):
    if url == "indicator":
        url = f"/indicators/{Indicator.objects.get(order=1).pk}/"
    response = login(client, reporter).get(url)
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response), response.get("Cache-Control")


def test_a_view_that_chooses_its_own_caching_keeps_it(client, leader):
    response = login(client, leader).get("/export/2024.xlsx")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_static_files_keep_whitenoises_long_public_caching(client, reporter, settings):
    # Serve from the finders as in development; the middleware must not touch what WhiteNoise answers.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_MAX_AGE = 365 * 24 * 3600
    response = login(client, reporter).get(static("css/ipzone.css"))
    assert response.status_code == 200
    assert "public" in directives(response) and not {"private", "no-store"} & directives(response)
    assert get_max_age(response) == 365 * 24 * 3600
