"""Template context every page of the site needs."""

from django.utils.html import format_html_join


class _DepartmentMenu:
    """The menu's items, made only when a template prints them (``__html__``), then kept for the request."""

    def __init__(self):
        self.html = None

    def __html__(self):
        if self.html is None:
            from indicators.models import Department
            from indicators.views.dashboards import path_maker

            # In Python rather than a template loop: a large installation lists a hundred departments on every page.
            department_url = path_maker("department", "department-code")
            self.html = format_html_join(
                "\n",
                '<li><a href="{}">{}</a></li>',
                ((department_url(code), name) for code, name in Department.objects.values_list("code", "name")),
            )
        return self.html

    __str__ = __html__


def navigation(request):
    """The departments menu in the header, queried only when a template shows it (not on the admin's pages)."""
    return {"nav_department_links": _DepartmentMenu()}
