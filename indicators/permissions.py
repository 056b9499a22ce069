"""Who sees which figures and who enters them: every page, export and admin view asks here.

Reading (docs/design.md, "People and what they do"): reviewers, leaders and administrators
read every department's figures.  A reporter reads every figure of the indicators their
department leads, and of other departments only what has left the drafting stage
(submitted or approved): never another department's drafts, returned figures, notes or
evidence.  ``Visibility`` states that rule once and gives it three shapes — a test on one
figure, a filter on a queryset of actuals, and the key of what a viewer may see.

A document that leaves ipzone (the supervision brief) shows no one's drafts, whoever asks for
it: ``Visibility.published()`` is that reader, and it may be passed wherever a viewer is taken
(``build_rows(..., viewer=Visibility.published())``).

Entering: a reporter enters the figures of the indicators their department leads;
administrators enter any department's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from indicators.models import EDITABLE_STATUSES, ActualStatus, Department, Indicator, PlanStatus

# Figures that have left the reporter's hands: every signed-in user may see them.
PUBLISHED_STATUSES = (ActualStatus.SUBMITTED, ActualStatus.APPROVED)


@dataclass(frozen=True)
class Visibility:
    """Whose unsubmitted (draft or returned) figures a viewer may see.

    ``everything``: all of them (reviewers, leaders, administrators, and ``viewer=None`` for
    commands run by the system owner); otherwise only those of indicators led by
    ``department_id`` (a reporter's own department; None for an account without one).
    """

    everything: bool
    department_id: int | None = None

    @classmethod
    def published(cls) -> Visibility:
        """Submitted and approved figures only, of every department: no draft or returned figure."""
        return cls(everything=False, department_id=None)

    @classmethod
    def for_viewer(cls, viewer) -> Visibility:
        """What ``viewer`` sees: a user, ``None`` (the system owner: everything) or a ``Visibility`` itself."""
        if isinstance(viewer, Visibility):
            return viewer
        if viewer is None or viewer.sees_everything:
            return cls(everything=True)
        return cls(everything=False, department_id=viewer.department_id)

    def allows(self, lead_department_id: int) -> bool:
        """May the viewer see the drafts of an indicator led by this department?"""
        return self.everything or (self.department_id is not None and self.department_id == lead_department_id)

    def shows(self, actual, lead_department_id: int) -> bool:
        return actual.status not in EDITABLE_STATUSES or self.allows(lead_department_id)

    def actual_filter(self) -> Q:
        """The same rule as a filter on ``Actual``."""
        if self.everything:
            return Q()
        visible = Q(status__in=PUBLISHED_STATUSES)
        if self.department_id is not None:
            visible |= Q(indicator__lead_department_id=self.department_id)
        return visible

    @property
    def key(self) -> str:
        """What a page built for this viewer depends on, as text (for caches and ETags)."""
        if self.everything:
            return "all"
        return f"department-{self.department_id}" if self.department_id is not None else "published"


def can_view_actual(user, actual) -> bool:
    if not user.is_authenticated:
        return False
    return Visibility.for_viewer(user).shows(actual, actual.indicator.lead_department_id)


def may_enter(user) -> bool:
    """Does this account enter figures at all (a reporter with a department, or an administrator)?"""
    return user.is_administrator or user.is_reporter


def may_review(user) -> bool:
    """Does this account approve and return figures (reviewers and administrators)?

    The same people the ``review_actual`` permission names (``roles.PERMISSIONS``), read from the
    roles the request already loaded; ``workflow`` still checks the permission itself on every write.
    """
    return user.is_authenticated and (user.is_administrator or user.is_reviewer)


def can_edit(user, indicator) -> bool:
    """Reporters edit the indicators their department leads; administrators edit all.

    A plan being set up belongs to the administrators; a closed plan's figures are frozen for
    everyone (``workflow.frozen_message`` says so).
    """
    if user.is_administrator:
        return True
    return user.is_reporter and indicator.lead_department_id == user.department_id and not indicator.plan.is_draft


def entry_indicators(user, plan=None):
    """The indicators whose figures ``user`` enters: their department's lead indicators (all for administrators)."""
    queryset = Indicator.objects.all() if plan is None else plan.indicators.all()
    if user.is_administrator:
        return queryset
    if user.is_reporter:
        return queryset.filter(lead_department_id=user.department_id).exclude(plan__status=PlanStatus.DRAFT)
    return queryset.none()


def entry_department(user, requested: Department | None, plan=None) -> Department:
    """The department whose figures ``user`` enters on a page.

    A reporter always gets their own department, whatever was asked for.  An administrator
    gets the one asked for, else their own, else the first department that leads an
    indicator (of ``plan`` when given).  Anyone else may not enter figures.
    """
    if user.is_administrator:
        if requested is not None:
            return requested
        if user.department_id is not None:
            return user.department
        leading = Department.objects.filter(lead_indicators__isnull=False)
        if plan is not None:
            leading = Department.objects.filter(lead_indicators__plan=plan)
        department = leading.order_by("order", "code").first()
        if department is None:
            raise PermissionDenied
        return department
    if user.is_reporter:
        return user.department
    raise PermissionDenied
