from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from indicators import roles
from indicators.text import check_text


class User(AbstractUser):
    """A person of one organisation; belongs to at most one department of it (reporters must have one).
    Only a superuser may have no organisation: they manage every one."""

    organisation = models.ForeignKey("indicators.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="users", verbose_name=_("organisation"))
    department = models.ForeignKey("indicators.Department", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="users", verbose_name=_("department"))

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def clean(self):
        super().clean()
        errors = {}
        for name in ("first_name", "last_name", "email"):
            try:
                check_text(getattr(self, name))
            except ValidationError as exc:
                errors[name] = exc.messages
        if self.organisation_id is None and not self.is_superuser:
            errors["organisation"] = _("Every account belongs to an organisation (only a superuser may have none).")
        elif self.department_id is not None and self.department.organisation_id != self.organisation_id:
            errors["department"] = _("The department belongs to another organisation than the account.")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def organisations_below(self) -> frozenset[int]:
        """Their organisation and every one below it (one query, when the permission API first asks)."""
        from indicators.models.organisations import Organisation, below

        if self.organisation_id is None:
            return frozenset()
        return frozenset(Organisation.objects.filter(below(self.organisation_id)).values_list("pk", flat=True))

    def get_full_name(self):
        """姓名 as Chinese writes it: 姓 then 名, no space."""
        return f"{self.last_name.strip()}{self.first_name.strip()}"

    def get_short_name(self):
        """How the admin greets a person: by name, the login only when no name is known."""
        return self.get_full_name() or self.get_username()

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's roles (group names), read once per request."""
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_administrator(self):
        return self.is_superuser or roles.ADMINISTRATOR in self.role_names

    @property
    def is_reviewer(self):
        return roles.REVIEWER in self.role_names

    @property
    def is_leader(self):
        return roles.LEADER in self.role_names

    @property
    def is_reporter(self):
        return roles.REPORTER in self.role_names and self.department_id is not None

    @property
    def has_role(self):
        """One of the four roles, or a superuser: what opens the admin."""
        return self.is_superuser or not self.role_names.isdisjoint(roles.ALL_ROLES)

    @property
    def sees_everything(self):
        """Reviewers, leaders and administrators read every department's figures."""
        return self.is_administrator or self.is_reviewer or self.is_leader
