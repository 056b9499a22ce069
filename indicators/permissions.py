"""Who sees what and who may change what: the one permission API (docs/design.md, "People" and "One truth per fact").

In the manner of NetBox's ``RestrictedQuerySet.restrict(user, action)``, every page, export, admin
list and write asks here, in one of two shapes:

- a queryset method on the models: ``Plan.objects.visible_to(user)``,
  ``Indicator.objects.visible_to(user)``, ``Indicator.objects.entered_by(user)``,
  ``Actual.objects.visible_to(user, drafts=…)``, ``Actual.objects.published()``,
  ``Contribution.objects.visible_to(user)`` — each a one-line
  door to the ``Q`` made here;
- a test on one object: ``can(user, action, obj)``, and ``refusal(user, action, obj)``, the
  sentence that says why not (``None`` when the action is allowed).  ``obj=None`` asks whether the
  user does that at all (does this account enter figures? review them?).

``user=None`` is the system owner running a command: it sees everything and writes nothing here.

Organisations (docs/design.md, "Organisations"): everything belongs to one; a person reads their own, and
leaders, reviewers and administrators every one below it too; figures are written (entered, reviewed,
contributed, issued) only in one's own organisation; administrators manage their own and those below.
Superusers do everything everywhere.  An object of an organisation one does
not read is not found (404), never refused by name: the querysets leave it out, and views look objects up in them.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from indicators import formatting
from indicators.models import Actual, ActualStatus, Contribution, Department, Organisation, Plan, PlanStatus
from indicators.models.organisations import below

VIEW = "view"  # a plan, an indicator, a figure (its value and note)
VIEW_EVIDENCE = "view_evidence"  # a figure's evidence files
READ_ALL = "read_all"  # every department's published figures as one document: workbook, brief, final assessment
SEE_DRAFTS = "see_drafts"  # the 含草稿 switch of leaders and reviewers
ENTER = "enter"  # type an indicator's figures (the year page, the figure form, the import, evidence)
SUBMIT = "submit"  # send a figure for review
REVIEW = "review"  # return or reopen a figure
APPROVE = "approve"  # approve a figure: a review by someone who neither submitted nor last changed it
MANAGE = "manage"  # plans, their life, indicators, targets, departments, accounts
CONTRIBUTE = "contribute"  # supply a co-operating department's share, note and files for an indicator's figure
VIEW_CONTRIBUTION = "view_contribution"  # a contribution and its files
ISSUE = "issue"  # mark a workbook or a brief as issued (报送/定稿): leaders and administrators

# Figures that have left their department: every signed-in user reads them.
PUBLISHED_STATUSES = (ActualStatus.SUBMITTED, ActualStatus.APPROVED)


# ---- roles ---------------------------------------------------------------------------------


def _administrator(user) -> bool:
    return user is not None and user.is_authenticated and user.is_administrator


def _reads_all(user) -> bool:
    return user is None or (user.is_authenticated and user.sees_everything)


def _department_id(user):
    return getattr(user, "department_id", None) if user is not None and user.is_authenticated else None


def _everywhere(user) -> bool:
    """The system owner: a command (``user=None``) or a superuser."""
    return user is None or (user.is_authenticated and user.is_superuser)


def reads_organisation(user, organisation_id) -> bool:
    """Does ``user`` read what belongs to ``organisation_id``: their own, or one below it for leaders, reviewers and
    administrators (``organisations_visible`` for one organisation)."""
    if _everywhere(user):
        return True
    if not user.is_authenticated or user.organisation_id is None:
        return False
    return organisation_id == user.organisation_id or (user.sees_everything and organisation_id in user.organisations_below)


def manages_organisation(user, organisation_id) -> bool:
    """Does ``user`` administer ``organisation_id`` (plans and their life, departments, indicators, accounts): their
    own and every one below it (``organisations_managed`` for one organisation)."""
    if _everywhere(user):
        return True
    return _administrator(user) and user.organisation_id is not None and organisation_id in user.organisations_below


def writes_figures(user, organisation_id) -> bool:
    """Does ``user`` enter, submit, review, contribute or issue in ``organisation_id``: only in their own; a parent
    organisation reads the figures below it and writes none of them (superusers everywhere)."""
    if _everywhere(user):
        return True
    return user.is_authenticated and user.organisation_id is not None and organisation_id == user.organisation_id


def organisation_reviewed(user) -> int | None:
    """The organisation whose waiting figures ``user``'s queue, badge and reminders list: their own (None: every one,
    for a superuser; 0, which is no organisation's key, for an account without one)."""
    if _everywhere(user):
        return None
    return user.organisation_id or 0


def organisation_of(obj) -> int:
    """The organisation a plan, department, account, indicator, figure or contribution belongs to."""
    if isinstance(obj, Organisation):
        return obj.pk
    if hasattr(obj, "organisation_id"):
        return obj.organisation_id
    return (getattr(obj, "plan", None) or obj.indicator.plan).organisation_id


# ---- querysets -----------------------------------------------------------------------------


def organisations_visible(user) -> Q:
    """The organisations ``user`` reads, as a filter on Organisation: their own; leaders, reviewers and administrators
    every one below it too; superusers and commands every one."""
    if _everywhere(user):
        return Q()
    if not user.is_authenticated or user.organisation_id is None:
        return Q(pk__in=[])
    return below(user.organisation_id) if user.sees_everything else Q(pk=user.organisation_id)


def organisations_managed(user) -> Q:
    """The organisations ``user`` administers (their own and every one below; a superuser every one), on Organisation."""
    if _everywhere(user):
        return Q()
    if not _administrator(user) or user.organisation_id is None:
        return Q(pk__in=[])
    return below(user.organisation_id)


def in_organisations(user, prefix: str = "") -> Q:
    """What belongs to the organisations ``user`` reads (``organisations_visible`` as a filter; one subquery)."""
    if _everywhere(user):
        return Q()
    return Q(**{f"{prefix}organisation__in": Organisation.objects.filter(organisations_visible(user)).values("pk")})


def in_organisations_managed(user, prefix: str = "") -> Q:
    """What belongs to the organisations ``user`` administers (``organisations_managed`` as a filter)."""
    if _everywhere(user):
        return Q()
    return Q(**{f"{prefix}organisation__in": Organisation.objects.filter(organisations_managed(user)).values("pk")})


def plans_visible(user, prefix: str = "") -> Q:
    """The plans of the organisations ``user`` reads; a plan being set up (草稿) is the administrators' alone."""
    scope = in_organisations(user, prefix)
    if user is None or _administrator(user):
        return scope
    return scope & ~Q(**{f"{prefix}status": PlanStatus.DRAFT})


def figures_published(prefix: str = "") -> Q:
    """Submitted and approved figures: what every reader sees, and all a document that leaves ipzone shows."""
    return Q(**{f"{prefix}status__in": PUBLISHED_STATUSES})


def figures_visible(user, *, drafts: bool = False) -> Q:
    """The figures ``user`` reads: published ones, and drafts and returned ones of the department that
    leads the indicator; administrators every figure, leaders and reviewers with 含草稿 (``drafts``) too."""
    visible = plans_visible(user, "indicator__plan__")
    if user is None or _administrator(user):
        return visible
    if drafts and can(user, SEE_DRAFTS):  # 含草稿 opens the drafts of one's own organisation only
        return visible & (figures_published() | Q(indicator__plan__organisation_id=user.organisation_id))
    own = figures_published()  # the same rule as reads_drafts(), as a filter
    if _department_id(user) is not None:
        own |= Q(indicator__lead_department_id=_department_id(user))
    return visible & own


def indicators_entered(user) -> Q:
    """The indicators whose figures ``user`` types: their department's lead indicators (all for administrators)."""
    if _administrator(user):  # their own organisation's: a parent's administrators enter nothing below
        own = Q() if _everywhere(user) else Q(plan__organisation_id=user.organisation_id)
        return plans_visible(user, "plan__") & own
    if user is not None and user.is_authenticated and user.is_reporter:
        return Q(lead_department_id=user.department_id) & plans_visible(user, "plan__")
    return Q(pk__in=[])


def contributions_visible(user) -> Q:
    """The contributions ``user`` reads: those to the indicators their department leads and their
    department's own; every one for reviewers, leaders and administrators.  Never another
    department's reporter.  A plan being set up is the administrators'."""
    visible = plans_visible(user, "indicator__plan__")
    if _reads_all(user):
        return visible
    department = _department_id(user)
    if department is None:
        return Q(pk__in=[])
    return visible & (Q(indicator__lead_department_id=department) | Q(department_id=department))


# ---- one object ----------------------------------------------------------------------------


def frozen(plan) -> str | None:
    """Why no figure of ``plan`` may change now, for anyone; None when they may."""
    if plan.is_closed:
        return _("%(plan)s is closed: its figures are frozen. An administrator can reopen the plan.") % {"plan": plan.code}
    return None


def _write_refusal(user, indicator) -> str | None:
    """The one guard of every write of a figure: a closed plan is frozen, a plan being set up is the administrators'."""
    plan = indicator.plan
    if not writes_figures(user, plan.organisation_id):
        return _("You do not have permission to do this.")
    if frozen(plan):
        return frozen(plan)
    if plan.is_draft and not _administrator(user):
        return _("%(plan)s is still being set up: only administrators change it.") % {"plan": plan.code}
    return None


def refusal(user, action: str, obj=None, *, drafts: bool = False) -> str | None:
    """Why ``user`` may not do ``action`` (on ``obj``), in a sentence; None when they may.

    ``drafts``: the reader's 含草稿 switch is on (VIEW and VIEW_EVIDENCE of a draft figure).
    """
    denied = _("You do not have permission to do this.")
    if user is not None and not user.is_authenticated:
        return denied
    if action == MANAGE:
        return None if _administrator(user) and (obj is None or manages_organisation(user, organisation_of(obj))) else denied
    if action == READ_ALL:
        return None if _reads_all(user) else denied
    if action == ISSUE:
        allowed = user is not None and (user.is_leader or _administrator(user))
        if obj is not None and (_view_refusal(user, obj, drafts=False) or not writes_figures(user, organisation_of(obj))):
            return denied
        return None if allowed else denied
    if action == SEE_DRAFTS:
        return None if user is not None and (user.is_leader or user.is_reviewer) and not user.is_administrator else denied
    if action == VIEW_CONTRIBUTION or (action == VIEW_EVIDENCE and isinstance(obj, Contribution)):
        if _view_refusal(user, obj, drafts=drafts):
            return denied
        readers = (obj.indicator.lead_department_id, obj.department_id)
        return None if _reads_all(user) or _department_id(user) in readers else denied
    if action == VIEW:
        return _view_refusal(user, obj, drafts=drafts)
    if action == VIEW_EVIDENCE:
        if _view_refusal(user, obj, drafts=drafts):
            return denied
        return None if _reads_all(user) or _department_id(user) == obj.indicator.lead_department_id else denied
    if action == CONTRIBUTE:
        if user is None or not user.is_reporter:
            return denied
        if obj is None:
            return None
        indicator = getattr(obj, "indicator", obj)
        if getattr(obj, "department_id", user.department_id) != user.department_id or not any(
            link.department_id == user.department_id for link in indicator.cooperation.all()
        ):
            return _("%(department)s does not co-operate on %(name)s.") % {"department": user.department.name, "name": indicator.name}
        return _write_refusal(user, indicator)
    if action in (ENTER, SUBMIT):
        if user is None or not (_administrator(user) or user.is_reporter):
            return denied
        if obj is None:
            return None
        if action == SUBMIT and not user.has_perm("indicators.submit_actual"):
            return denied
        indicator = getattr(obj, "indicator", obj)
        if not _administrator(user) and indicator.lead_department_id != user.department_id:
            return _("%(name)s is led by %(department)s; only that department enters its figures.") % {
                "name": indicator.name, "department": indicator.lead_department.name,
            }
        return _write_refusal(user, indicator)
    if action in (REVIEW, APPROVE):
        if user is None or not (user.is_reviewer or _administrator(user)):
            return denied  # the roles the request loaded; writes ask the permission itself too
        if obj is None:
            return None
        if not user.has_perm("indicators.review_actual"):
            return denied
        return _write_refusal(user, obj.indicator) or (four_eyes(user, obj) if action == APPROVE else None)
    raise ValueError(f"unknown action {action!r}")


def can(user, action: str, obj=None, *, drafts: bool = False) -> bool:
    return refusal(user, action, obj, drafts=drafts) is None


def reads_drafts(user, indicator, *, drafts: bool = False) -> bool:
    """May ``user`` read the draft and returned figures of ``indicator``: its lead department's people,
    administrators, and leaders and reviewers with 含草稿 switched on (``drafts``)."""
    if user is None or _administrator(user):
        return True
    own = indicator.plan.organisation_id == user.organisation_id  # 含草稿 opens one's own organisation's drafts only
    return (drafts and can(user, SEE_DRAFTS) and own) or _department_id(user) == indicator.lead_department_id


def _view_refusal(user, obj, *, drafts: bool) -> str | None:
    """A plan (or anything of it) being set up is the administrators'; a figure still with its department is its department's."""
    denied = _("You do not have permission to do this.")
    plan = obj if isinstance(obj, Plan) else getattr(obj, "plan", None) or obj.indicator.plan
    if not reads_organisation(user, plan.organisation_id):
        return denied
    if plan.is_draft and not (user is None or _administrator(user)):
        return denied
    if isinstance(obj, Actual) and obj.status not in PUBLISHED_STATUSES and not reads_drafts(user, obj.indicator, drafts=drafts):
        return denied
    return None


def four_eyes(user, actual) -> str | None:
    """Nobody approves a figure they submitted or last changed (docs/design.md, "One truth per fact")."""
    if user is None:
        return None
    who = formatting.person(user)
    if actual.submitted_by_id == user.pk:
        return _("You (%(who)s) submitted this figure: another reviewer must approve it.") % {"who": who}
    if actual.entered_by_id == user.pk:
        return _("You (%(who)s) last changed this figure: another reviewer must approve it.") % {"who": who}
    return None


def entry_department(user, requested: Department | None, plan=None) -> Department | None:
    """The department whose figures ``user`` enters on a page: a reporter always their own; an
    administrator the one asked for, else their own, else the first that leads an indicator of ``plan``."""
    if _administrator(user):
        if requested is not None:
            return requested
        if user.department_id is not None and (plan is None or plan.organisation_id == user.organisation_id):
            return user.department
        leading = (Department.objects.filter(lead_indicators__plan=plan) if plan is not None
                   else Department.objects.visible_to(user).filter(lead_indicators__isnull=False))
        return leading.order_by("order", "code").first()
    if user is not None and user.is_reporter:
        return user.department
    return None
