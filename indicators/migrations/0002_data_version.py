# The data version of a dashboard cache that was removed again (migration 0005): one row that
# database triggers changed on every write to what the dashboards showed.  Databases migrated
# before 0005 have the triggers, and 0005 drops them; from here on nothing creates them.

from django.db import migrations, models


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
    ]
