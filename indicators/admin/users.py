"""Accounts and roles in the admin: a department and a role are the fields that matter (docs/design.md §1).
The site lets every account with a role in, so “staff status” and per-user permissions are left out of the
forms; roles are rebuilt from ``indicators/roles.py`` after every migrate, so their pages are read-only."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, SetUnusablePasswordMixin, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators import roles
from indicators.admin.base import yes_no_column
from indicators.admin.organisations import OrganisationScoped
from indicators.models import User
from indicators.permissions import in_organisations_managed

ROLE_HELP = _(
    "填报员 (reporter): enters and submits the figures of the indicators the department leads. "
    "审核员 (reviewer): approves or returns submitted figures. 领导 (leader): reads every dashboard. "
    "管理员 (administrator): plans, indicators, accounts."
)


class RoleFields(forms.ModelForm):
    """Department and role as the obvious fields, and the one rule between them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            field = self.fields["groups"]
            field.queryset = Group.objects.filter(name__in=roles.ALL_ROLES).order_by("pk")
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
            field.label = _("role")
            field.help_text = ROLE_HELP
        if "department" in self.fields:
            self.fields["department"].help_text = _("Reporters enter the figures of the indicators this department leads.")

    default_organisation = None

    def clean(self):
        data = super().clean()
        if "organisation" in self.fields and not data.get("organisation"):
            data["organisation"] = self.default_organisation
        chosen = {group.name for group in data.get("groups") or ()}
        if roles.REPORTER in chosen and not data.get("department"):
            self.add_error("department", _("A reporter needs a department: choose the one whose figures they enter."))
        return data


class AccountChangeForm(RoleFields, UserChangeForm):
    pass


class AccountCreationForm(RoleFields, AdminUserCreationForm):
    pass


class PasswordForm(AdminPasswordChangeForm):
    # Django writes this warning in English only; the same words, translated.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


@admin.register(User)
class UserAdmin(OrganisationScoped, BaseUserAdmin):
    fixed_organisation = False
    form = AccountChangeForm
    add_form = AccountCreationForm
    change_password_form = PasswordForm
    list_display = ["username", "last_name", "first_name", "organisation", "department", "role_list", "active", "last_login"]
    list_filter = ["groups", ("organisation", admin.RelatedOnlyFieldListFilter), "is_active"]
    list_select_related = ["department", "organisation"]
    filter_horizontal = []
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Department and role"), {"fields": ("organisation", "department", "groups")}),
        (_("Personal info"), {"fields": ("last_name", "first_name", "email")}),
        (_("Account"), {"fields": ("is_active", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Department and role"), {"classes": ("wide",), "fields": ("organisation", "department", "groups")}),
        (_("Personal info"), {"classes": ("wide",), "fields": ("last_name", "first_name")}),
    )

    def get_queryset(self, request):
        """An organisation's administrators manage the accounts of their organisation and those below it."""
        accounts = super().get_queryset(request).filter(in_organisations_managed(request.user)).prefetch_related("groups")
        return accounts if request.user.is_superuser else accounts.filter(is_superuser=False)  # nobody takes a superuser over

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.default_organisation = request.user.organisation  # an account left without one is the administrator's
        return form

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes another: an administrator's role does not include that power.
        return [] if request.user.is_superuser else ["is_superuser"]

    @admin.display(description=_("role"))
    def role_list(self, obj):
        return "、".join(group.name for group in obj.groups.all()) or "—"

    active = yes_no_column("is_active", _("active"), ordering="is_active")


def permission_label(permission) -> str:
    """“新增 年度数据” for Django's generated permissions, the translated name for ours."""
    content_type = permission.content_type
    action, _sep, model_name = permission.codename.partition("_")
    if content_type.model_class() is not None and model_name == content_type.model and action in PERMISSION_PHRASES:
        return PERMISSION_PHRASES[action] % {"model": content_type.name}  # the model's verbose name
    return gettext(permission.name)


PERMISSION_PHRASES = {"add": _("may add %(model)s"), "change": _("may change %(model)s"), "delete": _("may delete %(model)s"),
                      "view": _("may view %(model)s")}

admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(admin.ModelAdmin):
    """The four roles as ``indicators/roles.py`` defines them: read here, changed in the code."""

    list_display = ["name", "members"]
    fields = ["name", "permission_list"]
    readonly_fields = ["name", "permission_list"]

    def get_queryset(self, request):
        counted = in_organisations_managed(request.user, "user__")  # the accounts one administers, not the deployment's
        return (super().get_queryset(request).prefetch_related("permissions__content_type")
                .annotate(member_count=Count("user", filter=counted, distinct=True)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("accounts"))
    def members(self, obj):
        return obj.member_count

    @admin.display(description=_("what the role may do"))
    def permission_list(self, obj):
        return "；".join(sorted(permission_label(p) for p in obj.permissions.all()))
