"""App configurations of other apps, adapted (Django's documented way: subclass, name it in INSTALLED_APPS).

* ``AdminConfig``: ``django.contrib.admin`` with ipzone's site (``indicators/admin_site.py``),
  which lets every account with a role in.
* ``AxesConfig``: django-axes under a name the administrators read (its app has none).

This module imports no models: Django reads it while the app registry is being filled.
"""

from axes.apps import AppConfig as DjangoAxesConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _


class AdminConfig(DjangoAdminConfig):
    default_site = "indicators.admin_site.AdminSite"


class AxesConfig(DjangoAxesConfig):
    verbose_name = _("Login protection")
