"""Template context every page needs: the departments menu and the 我的待办 badge, worked out only when shown."""

from django.utils.functional import SimpleLazyObject


def navigation(request):
    from indicators.models import Department
    from indicators.permissions import ENTER, can
    from indicators.todo import badge_count, has_queue

    def badge():
        shown = has_queue(request.user)
        return {"shown": shown, "count": badge_count(request.user) if shown else 0}

    return {
        "nav_departments": SimpleLazyObject(lambda: list(
            Department.objects.filter(organisation_id=getattr(request.user, "organisation_id", None)).values_list("code", "name"))),
        "queue_badge": SimpleLazyObject(badge),
        # The admin is where figures are typed: leaders and reviewers have nothing to do there (docs/design.md).
        "enters_figures": SimpleLazyObject(lambda: can(request.user, ENTER)),
    }
