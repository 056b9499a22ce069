"""Template context every page of the site needs."""

from django.utils.functional import SimpleLazyObject


def navigation(request):
    """The departments menu in the header; queried only when a template actually shows it."""

    def departments():
        from indicators.models import Department

        return list(Department.objects.only("code", "name", "order"))

    return {"nav_departments": SimpleLazyObject(departments)}
