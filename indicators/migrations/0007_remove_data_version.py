# The dashboards are fast enough built afresh on every request (README, Performance), so the page
# cache keyed by a trigger-kept data version is gone: its triggers, on SQLite and PostgreSQL as
# earlier versions installed them, and its one-row table.  The triggers go first: they write into
# the table.  Unapplying brings back the empty table only; nothing reads it any more.

from django.db import migrations

# The tables the triggers watched.
WATCHED_TABLES = (
    "indicators_plan",
    "indicators_reportingdeadline",
    "indicators_department",
    "indicators_indicator",
    "indicators_cooperatingdepartment",
    "indicators_yearlytarget",
    "indicators_actual",
)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in WATCHED_TABLES:
        if vendor == "sqlite":
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS ipzone_data_version_{table}_{event}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ipzone_data_version ON {table}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS ipzone_bump_data_version()")


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0006_verbose_names"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, migrations.RunPython.noop),
        migrations.DeleteModel(name="DataVersion"),
    ]
