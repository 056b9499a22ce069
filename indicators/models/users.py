from django.contrib.auth.models import AbstractUser, Group
from django.db import connections, models, router
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from indicators import roles


class User(AbstractUser):
    """A person; belongs to at most one department (reporters must have one)."""

    department = models.ForeignKey(
        "indicators.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("department"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    @cached_property
    def role_names(self):
        # Read on every request (visibility, menus): one plain SELECT.  Built by the ORM it cost
        # a tenth of a cached dashboard page, almost all of it in composing the query.
        connection = connections[self._state.db or router.db_for_read(type(self), instance=self)]
        quote = connection.ops.quote_name
        group, membership = Group._meta, self.groups.through._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT g.{quote(group.get_field('name').column)} FROM {quote(group.db_table)} g "
                f"JOIN {quote(membership.db_table)} m ON m.{quote(membership.get_field('group').column)} = g.{quote(group.pk.column)} "
                f"WHERE m.{quote(membership.get_field('user').column)} = %s",
                [self.pk],
            )
            return frozenset(name for (name,) in cursor.fetchall())

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
    def sees_everything(self):
        """Reviewers, leaders and administrators read every department's figures."""
        return self.is_administrator or self.is_reviewer or self.is_leader
