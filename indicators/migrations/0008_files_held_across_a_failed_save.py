# Evidence files chosen on the year page for a save that failed, held for the person until the save succeeds or a day passes.

import django.db.models.deletion
import indicators.models.reporting
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0007_remove_data_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='PendingUpload',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=255, upload_to=indicators.models.reporting.pending_path, verbose_name='file')),
                ('original_name', models.CharField(max_length=255, verbose_name='file name')),
                ('content_type', models.CharField(max_length=100, verbose_name='content type')),
                ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='chosen at')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='indicators.indicator', verbose_name='indicator')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='chosen by')),
            ],
            options={
                'verbose_name': 'file held for a save',
                'verbose_name_plural': 'files held for a save',
            },
        ),
    ]
