"""Custom fields on parts (issue 11): the `fields` JSON column, GIN-indexed on PostgreSQL for filters."""

from django.db import migrations, models

from shouhou.core.forms_engine.migration_ops import AddGinIndexIfPostgres


class Migration(migrations.Migration):

    dependencies = [
        ('parts', '0003_stock_movement_removal'),
    ]

    operations = [
        migrations.AlterModelManagers(
            name='part',
            managers=[
            ],
        ),
        migrations.AddField(
            model_name='part',
            name='fields',
            field=models.JSONField(blank=True, default=dict, verbose_name='custom fields'),
        ),
        AddGinIndexIfPostgres("parts_part", "fields", "parts_part_fields_gin"),
    ]
