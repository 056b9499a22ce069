"""Template context every page of the site needs."""

from django.utils.functional import cached_property
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


class _QueueBadge:
    """The header's 我的待办 link and its count (``queue.badge_count``), worked out only when a template shows them."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def shown(self) -> bool:
        from indicators.queue import has_queue

        return has_queue(self.request.user)

    @cached_property
    def count(self) -> int:
        if not self.shown:
            return 0
        from indicators import selection
        from indicators.queue import badge_count

        return badge_count(self.request.user, selection.shanghai_today())


def navigation(request):
    """The departments menu and the 我的待办 badge in the header, worked out only when a template shows them."""
    return {"nav_department_links": _DepartmentMenu(), "queue_badge": _QueueBadge(request)}
