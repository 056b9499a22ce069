from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Plan indicators")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from indicators.roles import sync_groups
        from indicators.selection import IdConverter, YearConverter

        # Before any URLconf is read: a year is four digits, an id at most eighteen.
        register_converter(YearConverter, "year")
        register_converter(IdConverter, "id")

        # After every migrate (not at import time), so the permissions exist.
        post_migrate.connect(sync_groups, dispatch_uid="indicators.sync_groups")
