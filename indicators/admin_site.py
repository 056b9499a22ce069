"""The admin site of ipzone: a role (group) lets a person in, not Django's is_staff box (docs/design.md, "People").

``admin_config.AdminConfig`` makes it the default site.  It lives outside ``indicators/admin/``: importing that
package registers the model admins, which must not happen while the site is being made.
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
