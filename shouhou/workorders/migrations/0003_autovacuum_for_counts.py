"""Keep the work-order table's visibility map fresh on PostgreSQL (docs/benchmarks.md).

The list's tab counts (queries.tab_counts) are index-only scans of the status indexes, which read no
table rows only for pages the visibility map marks all-visible. Every action on an order clears the mark
of the pages its old and new row versions are on, and by default autovacuum restores them only after
20 % of the rows changed (200,000 rows at 1,000,000 orders): meanwhile the counts read more and more of
the table (3x slower after a few hundred actions in the benchmark). Vacuuming after 1 % keeps them
index-only; vacuum skips the pages that are still all-visible, so the runs stay short. Other databases:
nothing to do.
"""

from django.db import migrations

TABLE = "workorders_workorder"
SETTINGS = {"autovacuum_vacuum_scale_factor": "0.01", "autovacuum_vacuum_insert_scale_factor": "0.01",
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
