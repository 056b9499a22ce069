"""Template context every page of the site needs."""

from django.template.loader import render_to_string


class _CachedMenu:
    """HTML made only when a template prints it (``__html__``), then kept for the request."""

    def __init__(self, request):
        self.request = request
        self.html = None

    def __html__(self):
        if self.html is None:
            from indicators import page_cache
            from indicators.models import Department

            self.html = page_cache.fragment(
                self.request,
                "nav-departments",
                (),
                lambda: render_to_string("_nav_departments.html", {"departments": Department.objects.only("code", "name", "order")}),
            )
        return self.html

    __str__ = __html__


def navigation(request):
    """The departments menu in the header, queried only when a template shows it.

    The links depend on nothing but the departments and the language, so the rendered list is
    a fragment cached under the data version (``indicators.page_cache``) like the dashboards.
    """
    return {"nav_department_links": _CachedMenu(request)}
