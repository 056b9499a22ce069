"""The plan's life in the admin: put in force, close (after a look at what is still open), reopen, roll over.

Each is a page under the plan (``/admin/indicators/plan/<id>/close/`` …), linked from its change page and an
action of the plan list; the pages call ``indicators.plans``, and a refusal comes back as a message.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import plans
from indicators.models import Plan
from indicators.permissions import MANAGE, can, in_organisations_managed
from indicators.workflow import NOTE_MAX

OPEN_FIGURES_SHOWN = 200


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             max_length=NOTE_MAX)


class OptionalReasonForm(ReasonForm):
    reason = forms.CharField(label=gettext_lazy("note (optional)"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
                             max_length=NOTE_MAX, required=False)


class RolloverForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("document number"), max_length=64)
    title = forms.CharField(label=gettext_lazy("title"), max_length=255)
    issuer = forms.CharField(label=gettext_lazy("issuer"), max_length=255, required=False)
    issue_date = forms.DateField(label=gettext_lazy("issue date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    first_year = forms.IntegerField(label=gettext_lazy("first reporting year"), min_value=1000, max_value=9999)
    last_year = forms.IntegerField(label=gettext_lazy("last reporting year"), min_value=1000, max_value=9999)


STEPS = {
    "publish": gettext_lazy("Put in force"),
    "close": gettext_lazy("Close the plan"),
    "reopen": gettext_lazy("Reopen the plan"),
    "rollover": gettext_lazy("Roll over into the next plan"),
}


def step_action(step: str):
    """The plan list's action for ``step``: one plan chosen, then its page."""

    @admin.action(description=STEPS[step], permissions=["life"])
    def action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one plan."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse(f"admin:indicators_plan_{step}", args=[queryset.get().pk]))

    return action


class PlanLifeMixin:
    """Adds the plan's life pages and actions to ``PlanAdmin``."""

    actions = ["publish_selected", "close_selected", "reopen_selected", "rollover_selected"]
    change_form_template = "admin/indicators/plan/change_form.html"
    publish_selected, close_selected = step_action("publish"), step_action("close")
    reopen_selected, rollover_selected = step_action("reopen"), step_action("rollover")

    def get_urls(self):
        view = self.admin_site.admin_view(self.life_view)
        steps = [path(f"<id:pk>/{step}/", view, {"step": step}, name=f"indicators_plan_{step}") for step in STEPS]
        return steps + super().get_urls()

    def has_life_permission(self, request):
        return can(request.user, MANAGE)

    def life_view(self, request, pk, step):
        if not self.has_life_permission(request):
            raise PermissionDenied
        plan = get_object_or_404(Plan.objects.filter(in_organisations_managed(request.user)), pk=pk)  # another's: not found
        form_class = {"close": OptionalReasonForm, "reopen": ReasonForm, "rollover": RolloverForm}.get(step)
        initial = {}
        if step == "rollover":
            first, last = plans.five_year_period(plan.last_year + 1)
            initial = {"issuer": plan.issuer, "first_year": first, "last_year": last}
        form = form_class(request.POST or None, initial=initial) if form_class else None
        if request.method == "POST" and (form is None or form.is_valid()):
            data = form.cleaned_data if form is not None else {}
            try:
                result = self._apply(request.user, plan, step, data)
            except plans.PlanError as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, self._done_message(step, plan, result), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:indicators_plan_change", args=[result.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.opts, "original": plan, "plan": plan, "step": step,
                   "title": f"{STEPS[step]}：{plan.code}", "form": form}
        if step == "close":
            found = plans.open_figures(plan)
            context.update(open_figures=found[:OPEN_FIGURES_SHOWN], open_count=len(found))
        if step == "publish":
            context.update(problems=plans.publish_problems(plan), pending=plan.indicators.filter(target_pending=True).order_by("order"))
        return TemplateResponse(request, "admin/indicators/plan/life.html", context)

    @staticmethod
    def _apply(user, plan, step, data):
        if step == "publish":
            return plans.publish(user, plan)
        if step == "close":
            return plans.close(user, plan, data.get("reason", ""))
        if step == "reopen":
            return plans.reopen(user, plan, data["reason"])
        return plans.rollover(user, plan, **data)

    @staticmethod
    def _done_message(step, plan, result):
        if step == "rollover":
            return (_("%(new)s was created from %(old)s as a plan being set up: set its targets, then put it in force.")
                    % {"new": result.code, "old": plan.code})
        return _("%(plan)s is now %(status)s.") % {"plan": result.code, "status": result.get_status_display()}
