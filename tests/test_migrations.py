"""Migrations that change more than the models say: 0007 removes the old dashboard cache's triggers; 0011 makes
the zone of before the first organisation."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("indicators", "0006_verbose_names")]
AFTER = [("indicators", "0007_remove_data_version")]

# What earlier versions installed (their indicators/data_version.py): one trigger per table and
# event on SQLite, a deferred constraint trigger per table and its function on PostgreSQL.
SQLITE_TRIGGER = """
CREATE TRIGGER ipzone_data_version_{table}_{event} AFTER {event} ON {table}
BEGIN
    INSERT INTO indicators_dataversion (id, counter, epoch) VALUES (1, 1, 'test')
    ON CONFLICT (id) DO UPDATE SET counter = counter + 1;
END
"""
POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION ipzone_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicators_dataversion (id, counter, epoch) VALUES (1, 1, 'test')
    ON CONFLICT (id) DO UPDATE SET counter = indicators_dataversion.counter + 1;
    RETURN NULL;
END
$$
"""
POSTGRESQL_TRIGGER = """
CREATE CONSTRAINT TRIGGER ipzone_data_version AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ipzone_bump_data_version()
"""
TABLES = ("indicators_department", "indicators_actual")


def migrate(targets=None):
    """To ``targets``; None: the latest, as the other tests expect the schema."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ipzone_data_version%'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'ipzone_data_version%'")
        return {name for (name,) in cursor.fetchall()}


def test_migrating_drops_the_old_cache_triggers_and_their_table():
    migrate(BEFORE)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in TABLES:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(SQLITE_TRIGGER.format(table=table, event=event))
        else:
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in TABLES:
                cursor.execute(POSTGRESQL_TRIGGER.format(table=table))
    assert triggers()
    try:
        migrate(AFTER)
        assert triggers() == set()
        assert "indicators_dataversion" not in connection.introspection.table_names()
    finally:
        migrate()  # leave the schema as the other tests expect it, whatever happened
    from indicators.models import Department, Organisation

    organisation, _created = Organisation.objects.get_or_create(code="gxq", defaults={"name": "柳州高新区"})
    Department.objects.create(organisation=organisation, code="after-0005", name="迁移后新建部门")  # a write the old triggers would have failed
    assert Department.objects.filter(code="after-0005").exists()


def test_the_zone_of_before_becomes_the_first_organisation_with_its_plans_departments_and_accounts():
    from django.db.migrations.executor import MigrationExecutor as Executor

    try:
        migrate([("indicators", "0010_issued_documents")])
        apps = Executor(connection).loader.project_state([("indicators", "0010_issued_documents")]).apps
        department = apps.get_model("indicators", "Department").objects.create(code="czj-old", name="旧财政局")
        plan = apps.get_model("indicators", "Plan").objects.create(
            code="旧方案", title="t", issuer="i", issue_date="2022-01-01", baseline_year=2021, first_year=2022, last_year=2025)
        user = apps.get_model("indicators", "User").objects.create(username="clerk-old", department=department)
        migrate()
    finally:
        migrate()
    from indicators.models import Department, Organisation, Plan, User

    zone = Organisation.objects.get(code="gxq")
    assert zone.name == "柳州高新区" and zone.parent is None
    assert Department.objects.get(pk=department.pk).organisation == zone
    assert Plan.objects.get(pk=plan.pk).organisation == zone
    assert User.objects.get(pk=user.pk).organisation == zone


def test_going_back_before_organisations_is_refused_while_there_are_several(plan):
    from indicators.models import Organisation

    Organisation.objects.create(code="second", name="第二园区")
    with pytest.raises(RuntimeError, match="several organisations"):
        migrate([("indicators", "0010_issued_documents")])
    migrate()
    assert Organisation.objects.filter(code="second").exists()
