"""The next plan's targets in the admin (docs/design.md, "Setting the next plan's targets"), for administrators.

``/admin/indicators/plan/<id>/targets/`` and the same block on an indicator's change form: the predecessor's
figures and verdict, the proposals (a button fills the row's input: ``static/js/targets.js``) and the yearly
targets that follow.  One save sets every row typed or chosen, all or nothing; a blank row is left as it is.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators import targets
from indicators.models import Plan
from indicators.permissions import MANAGE, can
from indicators.plans import PlanError
from indicators.selection import parse_page

FIELD = re.compile(r"t([0-9]{1,12})")  # one input per indicator: t<id>
ROWS_PER_PAGE = 50


class PlanTargetsMixin:
    """Adds the targets page to ``PlanAdmin``."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.targets_view)
        return [path("<id:pk>/targets/", view, name="indicators_plan_targets")] + super().get_urls()

    def targets_view(self, request, pk):
        if not can(request.user, MANAGE):
            raise PermissionDenied
        plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
        typed, refused = {}, {}
        if request.method == "POST":
            typed = {int(m[1]): text.strip() for key, text in request.POST.items() if (m := FIELD.fullmatch(key))}
            try:
                count = targets.set_targets(request.user, plan, {pk: text for pk, text in typed.items() if text})
            except targets.TargetErrors as exc:
                refused = exc.rows
                self.message_user(request, _("Nothing was saved: correct the rows marked below."), messages.ERROR)
            except PlanError as exc:
                for text in exc.messages:
                    self.message_user(request, text, messages.ERROR)
            else:
                self.message_user(request, ngettext("The target of %(count)d indicator was set.",
                                                    "The targets of %(count)d indicators were set.", count) % {"count": count}, messages.SUCCESS)
                return HttpResponseRedirect(request.get_full_path())
        # 50 rows a page, as the department table: the real plan's 29 are one page; a save sets the rows of its page.
        page = Paginator(plan.indicators.order_by("order").values_list("pk", flat=True), ROWS_PER_PAGE).get_page(
            parse_page(request.GET.get("page")))
        rows = targets.target_rows(plan, request.user, list(page.object_list))
        for row in rows:
            row.typed, row.errors = typed.get(row.indicator.pk, ""), refused.get(row.indicator.pk, [])
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": plan, "plan": plan, "rows": rows,
                   "page": page if page.paginator.num_pages > 1 else None,
                   "pending": plan.indicators.filter(target_pending=True).count(),
                   "title": _("Targets of %(plan)s") % {"plan": plan.code}}
        return TemplateResponse(request, "admin/indicators/plan/targets.html", context)


def target_context(request, indicator) -> dict:
    """The indicator change form's block: its row of the targets page, for administrators, when it has a predecessor."""
    if indicator is None or indicator.predecessor_id is None or not can(request.user, MANAGE):
        return {}
    return {"target_row": targets.target_rows(indicator.plan, request.user, [indicator.pk])[0], "targets_url": reverse(
        "admin:indicators_plan_targets", args=[indicator.plan_id])}
