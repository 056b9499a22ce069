"""HTTP methods: GET, HEAD and POST only, on every URL (ipzone.middleware.AllowedMethodsMiddleware)."""

import pytest
from django.templatetags.static import static

from tests.conftest import login

URLS = ["/", "/admin/", "/accounts/login/", "/healthz", "/export/2024.xlsx", "static"]
# No view of ipzone answers OPTIONS on purpose, so it is refused like the rest.
REFUSED = ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "CONNECT", "BREW"]


@pytest.fixture
def static_files(settings):
    """WhiteNoise serving from the finders, as in development (tests have no collectstatic)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def path_of(url):
    return static("css/ipzone.css") if url == "static" else url


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("method", REFUSED)
@pytest.mark.parametrize("url", URLS)
def test_every_method_but_get_head_and_post_is_refused_everywhere(client, leader, static_files, url, method, signed_in):
    if signed_in:
        login(client, leader)
    response = client.generic(method, path_of(url))
    assert response.status_code == 405, (method, url)
    assert response["Allow"] == "GET, HEAD, POST"
    assert not response.content  # nothing of the page (TRACE / used to answer with the overview)


def test_trace_does_not_echo_the_request_or_show_the_page(client, leader):
    response = login(client, leader).generic("TRACE", "/", HTTP_COOKIE="secret=1")
    assert response.status_code == 405 and b"secret" not in response.content and "总览" not in response.content.decode()


def test_get_head_and_post_still_reach_pages_and_static_files(client, leader, static_files):
    assert client.get(path_of("static")).status_code == 200
    assert client.head(path_of("static")).status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    assert client.post("/accounts/login/", {"username": "nobody", "password": "wrong-password"}).status_code == 200
    assert client.head("/healthz").status_code == 200
    assert login(client, leader).get("/").status_code == 200
    assert client.get("/export/2024.xlsx").status_code == 200
