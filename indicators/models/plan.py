"""The plan and its quantified-indicator table, as printed."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators import formatting
from indicators import values as V
from indicators.progress import IndicatorSpec, TargetBasis
from indicators.text import check_text, code_validator
from indicators.values import PrintedValue

# Units that take fractions; every other unit (件, 个, 家, 次, 笔, 人 …) counts whole things.
FRACTIONAL_UNITS = {"万元", "%", "元", "亿元"}

YEAR_CHECK_RANGE = (2000, 2100)


class PlanStatus(models.TextChoices):
    """A plan's life (docs/design.md, "The plan's life")."""

    DRAFT = "draft", _("Being set up")  # 草稿: administrators only, never a default
    ACTIVE = "active", _("In force")  # 执行中
    CLOSED = "closed", _("Closed")  # 已收官: figures frozen until an administrator reopens it


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        from indicators.permissions import plans_visible

        return self.filter(plans_visible(user))


def organisation_field():
    return models.ForeignKey("indicators.Organisation", on_delete=models.PROTECT, verbose_name=_("organisation"))


class Plan(models.Model):
    organisation = organisation_field()
    code = models.CharField(_("document number"), max_length=64, validators=[check_text])
    title = models.CharField(_("title"), max_length=255, validators=[check_text])
    issuer = models.CharField(_("issuer"), max_length=255, validators=[check_text])
    issue_date = models.DateField(_("issue date"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    first_year = models.PositiveSmallIntegerField(_("first reporting year"))
    last_year = models.PositiveSmallIntegerField(_("last reporting year"))
    footnotes = models.JSONField(_("footnotes"), default=list, blank=True, help_text=_("The table's notes, one per item."))
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                          verbose_name=_("status changed by"))
    status_reason = models.TextField(_("reason"), blank=True, max_length=2000, validators=[check_text])

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["footnotes"])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-issue_date", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(baseline_year__lt=models.F("first_year"))
                                   & models.Q(first_year__lte=models.F("last_year")), name="plan_years_in_order"),
            models.CheckConstraint(condition=models.Q(status__in=[s.value for s in PlanStatus]), name="plan_status_known"),
            models.UniqueConstraint(fields=["organisation", "code"], name="plan_code_unique_in_organisation",
                                    violation_error_message=_("This organisation already has a plan with this document number.")),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        if self.baseline_year and self.first_year and self.last_year:
            if not self.baseline_year < self.first_year <= self.last_year:
                raise ValidationError(_("Years must be in order: baseline < first reporting year ≤ last reporting year."))
        if not isinstance(self.footnotes, list) or not all(isinstance(n, str) for n in self.footnotes):
            raise ValidationError({"footnotes": _("Footnotes must be a list of texts.")})
        for note in self.footnotes:
            try:
                check_text(note)
            except ValidationError as exc:
                raise ValidationError({"footnotes": exc.messages}) from None

    @property
    def years(self):
        return range(self.first_year, self.last_year + 1)

    def deadline(self, year):
        """Reporting deadline for a year: as set by an administrator, else 31 January of the next year."""
        for item in self.deadlines.all():
            if item.year == year:
                return item.deadline
        return date(year + 1, 1, 31)

    def contains_year(self, year):
        return self.first_year <= year <= self.last_year

    @property
    def is_draft(self):
        return self.status == PlanStatus.DRAFT

    @property
    def is_closed(self):
        return self.status == PlanStatus.CLOSED

    @property
    def asks_for_figures(self) -> bool:
        """Only a plan in force has deadlines, 逾期 and 补报."""
        return self.status == PlanStatus.ACTIVE

    def successor(self, user):
        """The plan rolled over from this one, when ``user`` may see it."""
        return Plan.objects.visible_to(user).filter(indicators__predecessor__plan=self).distinct().first()


class ReportingDeadline(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="one_deadline_per_plan_year")]

    def __str__(self):
        return f"{self.year}: {self.deadline}"

    def clean(self):
        if self.plan_id and self.year and not self.plan.contains_year(self.year):
            raise ValidationError({"year": _("The year is outside the plan.")})


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        from indicators.permissions import in_organisations

        return self.filter(in_organisations(user))


class Department(models.Model):
    organisation = organisation_field()
    code = models.CharField(_("code"), max_length=32,
                            validators=[code_validator])
    name = models.CharField(_("name"), max_length=128, help_text=_("Full name as written in the plan."),
                            validators=[check_text])
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="department_code_unique_in_organisation",
                                    violation_error_message=_("This organisation already has a department with this code.")),
            models.UniqueConstraint(fields=["organisation", "name"], name="department_name_unique_in_organisation",
                                    violation_error_message=_("This organisation already has a department with this name.")),
        ]

    def __str__(self):
        return self.name


class Measure(models.TextChoices):
    FLOW = "flow", _("Count or amount this year")  # 当年发生数
    STOCK = "stock", _("Total at year end")  # 年末存量
    RATE = "rate", _("Rate (%)")  # 比率


def validate_printed(text):
    check_text(text)
    try:
        V.parse_printed(text)
    except V.InvalidValue as exc:
        raise ValidationError(exc.message) from None


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        from indicators.permissions import plans_visible

        return self.filter(plans_visible(user, "plan__"))

    def entered_by(self, user):
        """The indicators whose figures ``user`` types (``permissions.indicators_entered``)."""
        from indicators.permissions import indicators_entered

        return self.filter(indicators_entered(user))

    def involving(self, department):
        """Lead or co-operating."""
        return self.filter(models.Q(lead_department=department) | models.Q(cooperation__department=department)).distinct()


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("plan"))
    order = models.PositiveSmallIntegerField(_("table order"))
    task_number = models.PositiveSmallIntegerField(_("task number"))
    name = models.CharField(_("indicator"), max_length=255, help_text=_("Exactly as printed in the plan."), validators=[check_text])
    code = models.CharField(_("comparison code"), max_length=32, blank=True, validators=[
        code_validator], help_text=_(
        "Optional: the same code on indicators of different organisations compares them on the parent's overview."))
    unit = models.CharField(_("unit"), max_length=16, blank=True, validators=[check_text])
    second_unit = models.CharField(_("unit of the count"), max_length=16, blank=True, validators=[check_text],
                                   help_text=_("Only for pairs such as 万元/笔: the count's unit."))
    baseline_printed = models.CharField(_("baseline as printed"), max_length=64, validators=[validate_printed])
    target_printed = models.CharField(_("target as printed"), max_length=64, validators=[validate_printed])
    measure = models.CharField(_("measure"), max_length=8, choices=Measure.choices, default=Measure.FLOW)
    target_basis = models.CharField(_("target basis"), max_length=12, choices=TargetBasis.choices, default=TargetBasis.YEAR)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    target_pending = models.BooleanField(_("target still to be set"), default=False, help_text=_(
        "Set by a roll-over: the target “/” is a placeholder. Untick it once the target is set or “/” is meant."))
    baseline_unreported = models.BooleanField(_("baseline not reported"), default=False, help_text=_(
        "Rolled over from a plan whose last year had no approved figure: the baseline “—” is a gap, not a fact."))
    predecessor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="successors",
                                    verbose_name=_("predecessor"), help_text=_("The same indicator in the previous plan."))
    lead_department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="lead_indicators",
                                        verbose_name=_("lead department"),
                                        help_text=_("The first department printed; its reporters enter the figures."))
    cooperating_departments = models.ManyToManyField(
        Department, through="CooperatingDepartment", blank=True, related_name="cooperating_indicators",
        verbose_name=_("co-operating departments"))

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="one_indicator_per_table_row"),
            models.UniqueConstraint(fields=["plan", "code"], condition=~models.Q(code=""), name="comparison_code_once_per_plan",
                                    violation_error_message=_("Another indicator of this plan has this comparison code.")),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="indicator_order_positive"),
            models.CheckConstraint(condition=models.Q(task_number__gte=1), name="indicator_task_positive"),
        ]

    def clean(self):
        errors = {}
        for field in ("baseline_printed", "target_printed"):
            text = getattr(self, field)
            try:
                printed = V.parse_printed(text)
            except V.InvalidValue:
                continue  # the field validator reports it
            if printed.is_number and (printed.count is not None) != self.is_pair:
                errors[field] = (_("A pair indicator needs “amount/count”.") if self.is_pair
                                 else _("Only pair indicators take “amount/count”."))
            if field == "target_printed" and printed.marker == V.NOT_STARTED:
                errors[field] = _("“—” marks a baseline only; use “/” for a target that is not set.")
        if self.measure == Measure.RATE and self.is_pair:
            errors["measure"] = _("A rate cannot be a pair.")
        if self.plan_id and self.lead_department_id and self.lead_department.organisation_id != self.plan.organisation_id:
            errors["lead_department"] = _("The department belongs to another organisation than the plan.")
        if self.plan_id and self.predecessor_id and self.predecessor.plan.organisation_id != self.plan.organisation_id:
            errors["predecessor"] = _("The predecessor belongs to another organisation's plan.")
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return f"{self.order}. {self.name}"

    @property
    def is_pair(self):
        return bool(self.second_unit)

    @property
    def parts(self):
        return 2 if self.is_pair else 1

    @property
    def baseline(self) -> PrintedValue:
        return V.parse_printed(self.baseline_printed)

    @property
    def target(self) -> PrintedValue:
        return V.parse_printed(self.target_printed)

    @property
    def units(self):
        return (self.unit, self.second_unit) if self.is_pair else (self.unit,)

    def whole_number(self):
        return tuple(self.measure != Measure.RATE and u not in FRACTIONAL_UNITS for u in self.units)

    def spec(self, yearly_targets=None) -> IndicatorSpec:
        """The plain values ``progress`` works on; pass the yearly targets when they are loaded already."""
        if yearly_targets is None:
            yearly_targets = self.yearly_targets.all()
        return IndicatorSpec(
            baseline_year=self.plan.baseline_year,
            first_year=self.plan.first_year,
            last_year=self.plan.last_year,
            baseline=self.baseline,
            target=self.target,
            parts=self.parts,
            whole_number=self.whole_number(),
            basis=self.target_basis,
            higher_is_better=self.higher_is_better,
            yearly_targets={t.year: t.printed for t in yearly_targets},
        )

    def responsible_departments(self):
        """Departments in printed order, the lead first (prefetch ``cooperation__department`` for many)."""
        return [self.lead_department] + [link.department for link in self.cooperation.all()]


class CooperatingDepartment(models.Model):
    """A co-operating department (配合部门) of an indicator, in the order the plan prints them after the lead."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="cooperation")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cooperation_links",
                                   verbose_name=_("department"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        verbose_name = _("co-operating department")
        verbose_name_plural = _("co-operating departments")
        ordering = ["indicator", "position"]
        constraints = [models.UniqueConstraint(fields=["indicator", "department"], name="department_once_per_indicator")]

    def __str__(self):
        return str(self.department)

    def clean(self):
        if self.indicator_id and self.department_id and self.department_id == self.indicator.lead_department_id:
            raise ValidationError({"department": _("The lead department is already responsible.")})
        if self.indicator_id and self.department_id and self.department.organisation_id != self.indicator.plan.organisation_id:
            raise ValidationError({"department": _("The department belongs to another organisation than the plan.")})


class YearlyTarget(models.Model):
    """A year's target set by an administrator (注3); without one the target is linear."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="yearly_targets", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    undecided = models.BooleanField(_("“/” not carried out or not decided"), default=False)
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=4, null=True, blank=True)
    second_value = models.DecimalField(_("target count"), max_digits=18, decimal_places=4, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly target")
        verbose_name_plural = _("yearly targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_indicator_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_CHECK_RANGE[0], year__lte=YEAR_CHECK_RANGE[1]), name="target_year_sane"
            ),
            models.CheckConstraint(
                condition=(models.Q(undecided=True, value__isnull=True, second_value__isnull=True))
                | models.Q(undecided=False, value__isnull=False),
                name="target_is_number_or_marker",
            ),
            models.CheckConstraint(condition=models.Q(value__isnull=True) | models.Q(value__gte=0), name="target_not_negative"),
            models.CheckConstraint(
                condition=models.Q(second_value__isnull=True) | models.Q(second_value__gte=0), name="target_count_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.year}: {self.printed}"

    @property
    def printed(self) -> PrintedValue:
        if self.undecided:
            return PrintedValue(marker=V.UNDECIDED, text=V.UNDECIDED)
        return PrintedValue(amount=self.value, count=self.second_value, text=formatting.pair(self.value, self.second_value))

    def clean(self):
        errors = {}
        if self.indicator_id:
            plan = self.indicator.plan
            if self.year is not None and not plan.contains_year(self.year):
                errors["year"] = (_("The year must be between %(first)s and %(last)s.")
                                  % {"first": plan.first_year, "last": plan.last_year})
            if not self.undecided:
                if self.value is None:
                    errors["value"] = _("Enter a target, or mark it “/”.")
                if self.indicator.is_pair and self.second_value is None:
                    errors["second_value"] = _("A pair needs both parts.")
                if not self.indicator.is_pair and self.second_value is not None:
                    errors["second_value"] = _("Only pair indicators have a count.")
                if self.indicator.measure == Measure.RATE and self.value is not None and self.value > 100:
                    errors["value"] = _("A rate is at most 100.")
            elif self.value is not None or self.second_value is not None:
                errors["undecided"] = _("A target marked “/” has no number.")
        for field in ("value", "second_value"):
            number = getattr(self, field)
            if number is not None and number < Decimal(0):
                errors[field] = _("The value cannot be negative.")
        if errors:
            raise ValidationError(errors)
