"""Other apps' configurations, adapted: the admin with ipzone's site, and django-axes under a name people read.

This module imports no models: Django reads it while the app registry is being filled.
"""

from axes.apps import AppConfig as DjangoAxesConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _


class AdminConfig(DjangoAdminConfig):
    default_site = "indicators.admin_site.AdminSite"


class AxesConfig(DjangoAxesConfig):
    verbose_name = _("Login protection")
