"""The Django admin, adapted to the people who type the figures.

Importing the modules registers their ModelAdmins with ``admin.site`` — ipzone's site
(``indicators/admin_site.py``), which lets in every account with a role, is_staff or not.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from indicators.admin import actuals, logins, organisations, phrases, plan, users  # noqa: F401  (registration, catalogue)

admin.site.site_header = _("ipzone · quantified indicators")
admin.site.site_title = _("ipzone")
admin.site.index_title = _("Data entry and administration")
admin.site.site_url = "/"
