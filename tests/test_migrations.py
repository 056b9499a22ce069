"""Migrations that change more than the models say: 0007 removes the old dashboard cache's triggers."""

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


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


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
    finally:
        migrate(AFTER)  # leave the schema as the other tests expect it, whatever happened
    assert triggers() == set()
    assert "indicators_dataversion" not in connection.introspection.table_names()
    from indicators.models import Department

    Department.objects.create(code="after-0005", name="迁移后新建部门")  # a write the old triggers would have failed
    assert Department.objects.filter(code="after-0005").exists()
