"""Template context every page of the site needs."""

from django.template.loader import render_to_string


class _DepartmentMenu:
    """HTML made only when a template prints it (``__html__``), then kept for the request."""

    def __init__(self):
        self.html = None

    def __html__(self):
        if self.html is None:
            from indicators.models import Department

            departments = Department.objects.only("code", "name", "order")
            self.html = render_to_string("_nav_departments.html", {"departments": departments})
        return self.html

    __str__ = __html__


def navigation(request):
    """The departments menu in the header, queried only when a template shows it (not on the admin's pages)."""
    return {"nav_department_links": _DepartmentMenu()}
