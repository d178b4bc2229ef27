"""Conditions on one key of a JSON column that work on SQLite and PostgreSQL alike.

PostgreSQL compiles to containment on the whole column (`fields @> '{"k": …}'`), which a GIN index
on the column serves; SQLite uses its JSON functions. `JSONMatch` is a boolean expression, usable in
`filter()` and inside `Q()`.
"""

import json

from django.db import NotSupportedError
from django.db.models import BooleanField, Expression, F


class JSONMatch(Expression):
    """`column[key] == value`, or with `item=True`, `value in column[key]` (an array)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column, key, value, *, item=False):
        super().__init__(output_field=BooleanField())
        self.column = F(column) if isinstance(column, str) else column
        self.key, self.value, self.item = key, value, item

    def __repr__(self):
        return f"JSONMatch({self.column!r}, {self.key!r}, {self.value!r}, item={self.item})"

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"JSON field filters are not implemented for {connection.vendor}.")

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        wanted = {self.key: [self.value] if self.item else self.value}
        return f"({sql} @> %s::jsonb)", [*params, json.dumps(wanted)]

    def as_sqlite(self, compiler, connection):
        sql, params = compiler.compile(self.column)
        path = connection.ops.compile_json_path([self.key])
        if self.item:
            return (f"EXISTS (SELECT 1 FROM json_each({sql}, %s) AS cf_item WHERE cf_item.value = %s)",
                    [*params, path, self.value])
        return f"(json_extract({sql}, %s) = %s)", [*params, path, self.value]
