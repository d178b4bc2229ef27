"""Existing addresses get their region codes by matching their names (customers.region_matching);
what does not match is left for an administrator to fix (the 地区待修正 filter)."""

from django.db import migrations


def match(apps, schema_editor):
    from shouhou.customers.region_matching import match_stored

    match_stored(apps.get_model("customers", "Address"), apps.get_model("customers", "Customer"))


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0006_address_region_codes"),
    ]

    operations = [migrations.RunPython(match, migrations.RunPython.noop)]
