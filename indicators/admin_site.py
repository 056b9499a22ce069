"""The admin site of ipzone: a role (group) is what lets a person in, not Django's is_staff box.

docs/design.md: giving an account a role and, for reporters, a department is all it takes
to work.  Django's stock site admits ``is_staff`` accounts only, a box administrators would
have to remember to tick; this site admits every active account with a role (or a
superuser) and refuses everyone else, through the documented ``AdminSite.has_permission``
and ``login_form``.  ``indicators.admin_config.AdminConfig`` makes it the default site
(``admin.site``).  It lives outside ``indicators/admin/``: importing that package registers
the model admins with ``admin.site``, which must not happen while the site is being made.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class RoleAuthenticationForm(AdminAuthenticationForm):
    """The admin's log-in form: any active account with a role, instead of staff accounts only."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct user name and password. The account also needs a role "
            "(reporter, reviewer, leader or administrator): ask the administrator if it has none."
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # refuses inactive accounts
        if not user.has_role:
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class AdminSite(admin.AdminSite):
    login_form = RoleAuthenticationForm

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.has_role
