from django.db import DatabaseError, InterfaceError
from django.conf import settings
from django.template.loader import render_to_string
from django.http import HttpResponse


class ContentSecurityPolicyMiddleware:
    """Send one strict policy on every response: scripts only from our own static files.

    Chart data travels in ``<script type="application/json">`` and is drawn by a
    static script, so no page needs an inline script.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """A database that is down gives a clear 503 page, not a 500 with a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (DatabaseError, InterfaceError) as exc:
            if not _is_connection_problem(exc):
                raise
            return database_unavailable(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (DatabaseError, InterfaceError)) and _is_connection_problem(exception):
            return database_unavailable(request)
        return None


def _is_connection_problem(exc):
    from django.db import OperationalError

    return isinstance(exc, (OperationalError, InterfaceError))


def database_unavailable(request):
    body = render_to_string("503.html", request=None)
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "30"
    return response
