"""Organisations (单位): a zone, a city, a province, each with a parent (docs/design.md, "Organisations")."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.text import check_text, code_validator

# How many levels the tree may have in all: a province, a city, a zone (and one spare).  ``below`` follows this many.
DEPTH = 4


def below(organisation_id) -> models.Q:
    """The organisations at or below ``organisation_id``, as a filter on Organisation (one subquery, no round trip)."""
    q = models.Q(pk=organisation_id)
    for level in range(1, DEPTH):
        q |= models.Q(**{"__".join(["parent"] * level) + "_id": organisation_id})
    return q


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=128, unique=True, validators=[check_text])
    code = models.CharField(_("code"), max_length=32, unique=True,
                            validators=[code_validator],
                            help_text=_("Names the organisation in addresses and commands."))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent organisation"))

    objects = OrganisationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    def clean(self):
        seen, above = {self.pk}, self.parent
        while above is not None:
            if above.pk in seen:
                raise ValidationError({"parent": _("An organisation cannot be below itself.")})
            seen.add(above.pk)
            above = above.parent
        if len(seen) + self.height() - 1 > DEPTH:  # its levels above, itself, and the levels of those below it
            raise ValidationError({"parent": _("Organisations are at most %(depth)s levels deep.") % {"depth": DEPTH}})

    def height(self) -> int:
        """How many levels it and those below it take (1: none below); a few queries, for ``clean``."""
        level, levels = [self.pk] if self.pk else [], 1
        while level and levels <= DEPTH:  # deeper is refused anyway
            level = list(Organisation.objects.filter(parent__in=level).values_list("pk", flat=True))
            levels += bool(level)
        return levels
