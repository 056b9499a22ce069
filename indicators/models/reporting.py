"""Yearly figures (actuals) reported by departments, the co-operating departments' contributions, and their evidence."""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators import formatting
from indicators.models.plan import YEAR_CHECK_RANGE, Department, Indicator
from indicators.progress import YearValue, figure_part
from indicators.text import check_text


class ActualStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Submitted")  # 已提交
    APPROVED = "approved", _("Approved")  # 已审核
    RETURNED = "returned", _("Returned")  # 已退回


EDITABLE_STATUSES = (ActualStatus.DRAFT, ActualStatus.RETURNED)


def person(verbose_name, *, blank=True):
    """Who entered, submitted, reviewed … a row: an account that cannot be deleted while the row names it."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=blank, related_name="+",
                             verbose_name=verbose_name)


class ActualQuerySet(models.QuerySet):
    def visible_to(self, user, *, drafts: bool = False):
        """The figures ``user`` reads (``permissions.figures_visible``); ``drafts``: the 含草稿 switch is on."""
        from indicators.permissions import figures_visible

        return self.filter(figures_visible(user, drafts=drafts))

    def published(self):
        """Submitted and approved figures: what a document that leaves ipzone shows, whoever asks."""
        from indicators.permissions import figures_published

        return self.filter(figures_published())


class Actual(models.Model):
    """One indicator's figure for one year: blank is "not reported", never zero (docs/design.md §2);
    ``version`` grows with every save, for the version check of ``indicators.workflow``."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="actuals", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    second_value = models.DecimalField(_("count"), max_digits=18, decimal_places=4, null=True, blank=True)
    not_carried_out = models.BooleanField(_("not carried out this year (未开展)"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=[check_text])
    status = models.CharField(_("status"), max_length=10, choices=ActualStatus.choices, default=ActualStatus.DRAFT)
    return_reason = models.TextField(_("reason for return"), blank=True, max_length=2000, validators=[check_text])
    outlier_confirmed = models.BooleanField(
        _("confirmed despite a plausibility warning"),
        default=False,
        help_text=_("The reporter ticked 确认无误 for a value far from its target or last year's."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    entered_by = person(_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    submitted_by = person(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = person(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ActualQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        # 年度数据: what reporters call a year's figure (the admin says “选择要修改的年度数据”).
        verbose_name = _("yearly figure")
        verbose_name_plural = _("yearly figures")
        ordering = ["indicator__plan", "indicator__order", "year"]
        permissions = [
            ("submit_actual", _("Can submit actuals for review")),
            ("review_actual", _("Can approve, return and reopen actuals")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_actual_per_indicator_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_CHECK_RANGE[0], year__lte=YEAR_CHECK_RANGE[1]), name="actual_year_sane"
            ),
            models.CheckConstraint(condition=models.Q(value__isnull=True) | models.Q(value__gte=0), name="actual_not_negative"),
            models.CheckConstraint(
                condition=models.Q(second_value__isnull=True) | models.Q(second_value__gte=0),
                name="actual_count_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(not_carried_out=False) | models.Q(value__isnull=True, second_value__isnull=True),
                name="not_carried_out_has_no_value",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ActualStatus]), name="actual_status_known"
            ),
        ]
        indexes = [models.Index(fields=["year", "status"], name="actual_year_status")]

    def __str__(self):
        return f"{self.indicator.name} {self.year}"

    def clean(self):
        """What must hold for every figure, whatever wrote it: its year lies within its plan's years
        (a database CHECK cannot read the plan; ``workflow`` runs this on every write)."""
        plan = self.indicator.plan
        if self.year is None or not plan.contains_year(self.year):
            raise ValidationError(
                {"year": _("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year}}
            )

    @property
    def is_reported(self) -> bool:
        return self.not_carried_out or self.value is not None

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def year_value(self) -> YearValue | None:
        if not self.is_reported:
            return None
        return YearValue(amount=self.value, count=self.second_value, not_carried_out=self.not_carried_out)

    def part(self, index: int):
        """As ``YearValue.part``: so a figure can be handed to ``progress`` as it is (rows do, for thousands)."""
        return figure_part(self.value, self.second_value, self.not_carried_out, index)

    @property
    def display_value(self) -> str:
        """The value as people read it: ``2868/2``, ``95.26``, ``未开展`` or blank."""
        return formatting.figure(self.value, self.second_value, self.not_carried_out)


class ContributionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The contributions ``user`` reads (``permissions.contributions_visible``)."""
        from indicators.permissions import contributions_visible

        return self.filter(contributions_visible(user))

    def owed(self):
        """Asked for by the lead department and not entered since (``Contribution.owed`` as a filter)."""
        asked = models.Q(requested_at__isnull=False)
        return self.filter(asked & (models.Q(entered_at__isnull=True) | models.Q(entered_at__lt=models.F("requested_at"))))


class Contribution(models.Model):
    """A co-operating department's (配合部门) share, note and files towards one indicator's figure of a year,
    never the figure itself (docs/design.md §7); ``version`` as a figure's."""

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="contributions", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    department = models.ForeignKey(Department, models.PROTECT, related_name="contributions", verbose_name=_("department"))
    share = models.DecimalField(_("share"), max_digits=18, decimal_places=4, null=True, blank=True)
    second_share = models.DecimalField(_("share of the count"), max_digits=18, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=[check_text])
    version = models.PositiveIntegerField(_("version"), default=1)
    entered_by = person(_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    requested_by = person(_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)

    objects = ContributionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["indicator", "year", "department__order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "department"], name="one_contribution_per_department_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_CHECK_RANGE[0], year__lte=YEAR_CHECK_RANGE[1]), name="contribution_year_sane"
            ),
            models.CheckConstraint(
                condition=models.Q(share__isnull=True) | models.Q(share__gte=0), name="contribution_share_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(second_share__isnull=True) | models.Q(second_share__gte=0),
                name="contribution_count_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.year} {self.department.name}"

    @property
    def owed(self) -> bool:
        """Asked for by the lead, and not entered since."""
        return self.requested_at is not None and (self.entered_at is None or self.entered_at < self.requested_at)

    @property
    def shares(self) -> tuple:
        return (self.share, self.second_share) if self.indicator.is_pair else (self.share,)


def evidence_path(instance, filename):
    # A random name: the original name is kept in the database only, never on disk.
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"evidence/{(instance.actual or instance.contribution).year}/{uuid.uuid4().hex}{ext}"


class Evidence(models.Model):
    """A supporting file (佐证材料) of a figure or of a contribution (exactly one), served only by a checked view."""

    actual = models.ForeignKey(
        Actual, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence", verbose_name=_("actual")
    )
    contribution = models.ForeignKey(
        Contribution, models.CASCADE, null=True, blank=True, related_name="evidence", verbose_name=_("contribution")
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = person(_("uploaded by"), blank=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["actual", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actual__isnull=False, contribution__isnull=True)
                | models.Q(actual__isnull=True, contribution__isnull=False),
                name="evidence_of_a_figure_or_a_contribution",
            ),
        ]

    def __str__(self):
        return self.original_name


def pending_path(instance, filename):
    # Apart from the evidence, under its own folder: no view serves it and no page links to it.
    ext = os.path.splitext(filename)[1].lower()[:8]
    return f"pending/{uuid.uuid4().hex}{ext}"


class PendingUpload(models.Model):
    """An evidence file chosen on the year page for a save that failed, held for its chooser and row
    (``indicators.evidence``; docs/design.md §3)."""

    file = models.FileField(_("file"), upload_to=pending_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("chosen by"))
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="+", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(_("chosen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("file held for a save")
        verbose_name_plural = _("files held for a save")

    def __str__(self):
        return self.original_name
