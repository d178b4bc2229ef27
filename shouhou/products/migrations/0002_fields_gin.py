from django.db import migrations

from shouhou.core.forms_engine.migration_ops import AddGinIndexIfPostgres


class Migration(migrations.Migration):

    dependencies = [
        ("products", "0001_initial"),
    ]

    operations = [
        AddGinIndexIfPostgres("products_product", "fields", "products_product_fields_gin"),
    ]
