"""Template context every page of the site needs."""

from django.template.loader import render_to_string
from django.utils.functional import cached_property


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


class _QueueBadge:
    """The header's 我的待办 link and its count, worked out only when a template shows them.

    The count (``queue.badge_count``) depends on the data, on whose figures the person reports
    and whether they review, and on the date (the reporting year turns over): it is remembered
    under the data version with those as the key, so on a page that reads the version anyway
    (every dashboard) a repeated request costs no query for it.
    """

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
        from indicators import page_cache
        from indicators.permissions import may_review
        from indicators.queue import badge_count
        from indicators import selection

        user, today = self.request.user, selection.shanghai_today()
        parts = (user.department_id if user.is_reporter else None, may_review(user), today.isoformat())
        return page_cache.remember(self.request, "queue-badge", parts, lambda: badge_count(user, today))


def navigation(request):
    """The departments menu and the 我的待办 badge in the header, queried only when a template shows them.

    The links depend on nothing but the departments and the language, so the rendered list is
    a fragment cached under the data version (``indicators.page_cache``) like the dashboards.
    """
    return {"nav_department_links": _CachedMenu(request), "queue_badge": _QueueBadge(request)}
