"""A migration operation for the GIN index that serves custom-field filters on PostgreSQL.

Django's `GinIndex` in `Meta.indexes` would fail on SQLite, and the database is chosen at run time,
so apps add the index in a migration with this operation; on other databases it does nothing:

    from shouhou.core.forms_engine.migration_ops import AddGinIndexIfPostgres

    operations = [AddGinIndexIfPostgres("customers_customer", "fields", "customers_customer_fields_gin")]

`jsonb_path_ops` serves the containment (`@>`) conditions `filter_q` builds, and is smaller and
faster than the default operator class.
"""

from django.db.migrations.operations.base import Operation

IDENTIFIER_LIMIT = 63  # PostgreSQL truncates longer names silently
OPCLASSES = {"jsonb_path_ops", "jsonb_ops"}


class AddGinIndexIfPostgres(Operation):
    reversible = True
    reduces_to_sql = False

    def __init__(self, table, column, name, opclass="jsonb_path_ops"):
        if len(name) > IDENTIFIER_LIMIT:
            raise ValueError(f"index name {name!r} is longer than {IDENTIFIER_LIMIT} characters")
        if opclass not in OPCLASSES:
            raise ValueError(f"opclass must be one of {sorted(OPCLASSES)}")
        self.table, self.column, self.name, self.opclass = table, column, name, opclass

    def deconstruct(self):
        kwargs = {"table": self.table, "column": self.column, "name": self.name}
        if self.opclass != "jsonb_path_ops":
            kwargs["opclass"] = self.opclass
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state):
        """The index lives only in the database; model state is unchanged."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {quote(self.table)} "
            f"USING gin ({quote(self.column)} {self.opclass})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Create GIN index {self.name} on {self.table}.{self.column} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"gin_{self.name}"[:40]
