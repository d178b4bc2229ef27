"""Keep the work-order table's visibility map fresh on PostgreSQL (docs/benchmarks.md).

The list's tab counts (queries.tab_counts) are index-only scans of the status indexes, which read no
table rows only for pages the visibility map marks all-visible. Every action on an order clears the mark
of the pages its old and new row versions are on, and by default autovacuum restores them only after
20 % of the rows changed (200,000 rows at 1,000,000 orders): meanwhile the counts read more and more of
the table (2–3x slower after a few thousand actions in the benchmark). Here the table is vacuumed after
every 1,000 changed or inserted rows, whatever its size (checked once a minute by autovacuum). Such a
vacuum is short: it skips the pages still all-visible and, with so few dead rows, PostgreSQL skips the
index passes. Other databases: nothing to do.
"""

from django.db import migrations

TABLE = "workorders_workorder"
SETTINGS = {"autovacuum_vacuum_scale_factor": "0", "autovacuum_vacuum_threshold": "1000",
            "autovacuum_vacuum_insert_scale_factor": "0", "autovacuum_vacuum_insert_threshold": "1000",
            "autovacuum_analyze_scale_factor": "0.02"}


def set_storage_parameters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        values = ", ".join(f"{name} = {value}" for name, value in SETTINGS.items())
        schema_editor.execute(f"ALTER TABLE {TABLE} SET ({values})")


def reset_storage_parameters(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET ({', '.join(SETTINGS)})")


class Migration(migrations.Migration):

    dependencies = [
        ("workorders", "0002_flow_constraints"),
    ]

    operations = [
        migrations.RunPython(set_storage_parameters, reset_storage_parameters),
    ]
