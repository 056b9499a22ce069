"""The four roles (docs/design.md, "People") as Django groups, and the permissions each holds.

``sync_groups`` rebuilds the groups after every ``migrate`` (``IndicatorsConfig.ready``), so a change
here reaches existing installations on the next migrate.
"""

REPORTER = "填报员"
REVIEWER = "审核员"
LEADER = "领导"
ADMINISTRATOR = "管理员"

ALL_ROLES = (REPORTER, REVIEWER, LEADER, ADMINISTRATOR)

_READ = [f"indicators.view_{model}" for model in ("plan", "department", "indicator", "yearlytarget", "actual", "evidence")]
_MODELS = ("plan", "department", "indicator", "cooperatingdepartment", "yearlytarget", "reportingdeadline", "actual",
           "evidence", "user")

PERMISSIONS = {
    # Scoping to the reporter's own department is done in the admin and views; these are the verbs.
    REPORTER: _READ + ["indicators.add_actual", "indicators.change_actual", "indicators.submit_actual",
                       "indicators.add_evidence", "indicators.delete_evidence"],
    REVIEWER: _READ + ["indicators.review_actual"],
    LEADER: list(_READ),
    ADMINISTRATOR: [f"indicators.{verb}_{model}" for model in _MODELS for verb in ("add", "change", "delete", "view")]
    + ["indicators.submit_actual", "indicators.review_actual", "auth.view_group"]
    # django-axes' login records: reading them, and unlocking an account (deleting its failed attempts).
    + ["axes.view_accessattempt", "axes.delete_accessattempt", "axes.view_accesslog", "axes.view_accessfailurelog"],
}


def sync_groups(**kwargs):
    """Runs after each app's post_migrate (permissions appear app by app); idempotent."""
    from django.contrib.auth.models import Group, Permission

    using = kwargs.get("using", "default")
    codenames = {perm.split(".")[1] for perms in PERMISSIONS.values() for perm in perms}
    found = {f"{p.content_type.app_label}.{p.codename}": p
             for p in Permission.objects.using(using).filter(codename__in=codenames).select_related("content_type")}
    for name, perms in PERMISSIONS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set([found[perm] for perm in perms if perm in found])
