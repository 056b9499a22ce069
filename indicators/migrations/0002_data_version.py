# The data version behind the dashboard cache (indicators.page_cache): one row that database
# triggers change on every write to what the dashboards show.  The trigger DDL lives in
# indicators.data_version, which also re-installs missing triggers after every migrate.

from django.db import migrations, models


def install(apps, schema_editor):
    from indicators.data_version import install_triggers

    install_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    from indicators.data_version import WATCHED_TABLES

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
        ("indicators", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("counter", models.BigIntegerField(default=0)),
                ("epoch", models.CharField(max_length=32)),
            ],
            options={
                "verbose_name": "data version",
                "default_permissions": (),
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
