import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin


class AllowedMethodsMiddleware(MiddlewareMixin):
    """Every method but GET, HEAD and POST is answered 405, on every URL: a view could answer another as GET
    (``TRACE /`` rendered the overview).  After ``SecurityMiddleware`` (its headers), before WhiteNoise."""

    ALLOWED = ("GET", "HEAD", "POST")

    def process_request(self, request):
        return HttpResponseNotAllowed(self.ALLOWED) if request.method not in self.ALLOWED else None


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    """One strict policy on every response: scripts only from our own static files (charts travel as JSON)."""

    def process_response(self, request, response):
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class PrivatePagesMiddleware(MiddlewareMixin):
    """Nothing shown to a signed-in user (drafts, notes, evidence) is kept by a browser or a proxy: a response that
    does not say how it may be cached gets ``never_cache``'s headers.  Static files never reach it."""

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """A database that is down gives a clear 503 page, not a 500 with a traceback (also with DEBUG on)."""

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return database_unavailable()
        return None


def database_unavailable():
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


def server_error(request):
    """``handler500``: errors raised outside views (sessions, middleware) reach here, not process_exception."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable()
    return HttpResponseServerError(render_to_string("500.html"))
