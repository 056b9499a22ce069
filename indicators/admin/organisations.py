"""Organisations in the admin (docs/design.md, "Organisations"): the organisations themselves, for superusers, and
what every ModelAdmin of an organisation's things shares: read in the organisations one reads, changed in those
one administers, choices (organisation, department, plan, predecessor) among those one administers, and an
object's organisation fixed once it exists (its departments, indicators and figures would stay behind)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from indicators.models import Department, Indicator, Organisation, Plan
from indicators.permissions import MANAGE, can, in_organisations_managed, organisations_managed


def with_organisation(field, user):
    """Choices of departments and plans named with their organisation, for someone who manages more than one."""
    if field is not None and field.queryset.model in (Department, Plan) and (user.is_superuser or len(user.organisations_below) > 1):
        field.label_from_instance = lambda obj: f"{obj.organisation.name} · {obj}"
    return field


class OrganisationScoped:
    """An organisation's things in the admin: read in the organisations one reads, changed in those one administers
    (docs/design.md, "Organisations"); the choices of organisation, department and plan are those one administers."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or can(request.user, MANAGE, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or can(request.user, MANAGE, obj))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Organisation.objects.filter(organisations_managed(request.user))
        elif db_field.name in ("department", "lead_department"):
            kwargs["queryset"] = (Department.objects.filter(in_organisations_managed(request.user)).select_related("organisation")
                                  .order_by("organisation__code", "order", "code"))
        elif db_field.name == "plan":
            kwargs["queryset"] = Plan.objects.filter(in_organisations_managed(request.user)).select_related("organisation")
        elif db_field.name == "predecessor":
            kwargs["queryset"] = Indicator.objects.filter(in_organisations_managed(request.user, "plan__"))
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return with_organisation(field, request.user)

    def get_changeform_initial_data(self, request):
        return {"organisation": request.user.organisation_id, **super().get_changeform_initial_data(request)}

    fixed_organisation = True  # an object's organisation is fixed once it exists (accounts may move: UserAdmin)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if self.fixed_organisation and obj is not None and "organisation" in form.base_fields:
            # Disabled, not read-only: a disabled field stays in the form, so the uniqueness of codes and names
            # within the organisation is still checked before saving (a read-only one is left out of that check).
            form.base_fields["organisation"].disabled = True
        return form


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Superusers create organisations; administrators see theirs and those below."""

    list_display = ["code", "name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(organisations_managed(request.user))

    def has_module_permission(self, request):
        return can(request.user, MANAGE)

    def has_view_permission(self, request, obj=None):
        return can(request.user, MANAGE)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def cooperation_formset():
    """The co-operating departments of an indicator, each of its plan's organisation: checked here as well as in
    ``CooperatingDepartment.clean``, because a new indicator has no key yet when its links are validated."""

    class CooperationFormSet(forms.BaseInlineFormSet):
        def clean(self):
            super().clean()
            plan = getattr(self.instance, "plan", None) if self.instance.plan_id else None
            for form in self.forms:
                department = form.cleaned_data.get("department") if hasattr(form, "cleaned_data") else None
                if plan is not None and department is not None and department.organisation_id != plan.organisation_id:
                    form.add_error("department", _("The department belongs to another organisation than the plan."))

    return CooperationFormSet
