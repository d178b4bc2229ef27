"""The writes of a flow action in as few statements as the database allows (issue 9, speed): the status
span closed and the next one opened, and the timeline entry inserted with the outbox event.

On PostgreSQL each pair is ONE statement (data-modifying CTEs: both parts see the same snapshot, so
the new span is never the one closed); elsewhere (SQLite in development) they are the ORM's two.
Values go through each field's own preparation (get_db_prep_save), exactly as Model.save() sends them,
and pre_save/post_save are sent as Model.save() sends them (core.files claims the files a row's JSON
references on post_save).
"""

from django.db import connection
from django.db.models.signals import post_save, pre_save


def _is_postgresql():
    return connection.vendor == "postgresql"


def _insert_parts(instance):
    """(table, [column], [value]) of an unsaved instance, as Model.save() would insert it."""
    meta = instance._meta
    columns, values = [], []
    for field in meta.concrete_fields:
        if field.primary_key and getattr(instance, field.attname) is None:
            continue  # an auto-increment key: the database numbers it
        columns.append(connection.ops.quote_name(field.column))
        values.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
    return connection.ops.quote_name(meta.db_table), columns, values


def _insert_sql(instance):
    table, columns, values = _insert_parts(instance)
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(values))})", values


def _send(signal, instance):
    extra = {"created": True} if signal is post_save else {}
    signal.send(sender=type(instance), instance=instance, raw=False, using=connection.alias, update_fields=None,
                **extra)


def insert(*instances):
    """Insert unsaved instances (their keys, if auto-numbered, stay unset): one statement on PostgreSQL."""
    if not _is_postgresql():
        for instance in instances:
            instance.save(force_insert=True)
        return
    for instance in instances:
        _send(pre_save, instance)
    parts, params = [], []
    for index, instance in enumerate(instances[:-1]):
        sql, values = _insert_sql(instance)
        parts.append(f"w{index} AS ({sql})")
        params += values
    sql, values = _insert_sql(instances[-1])
    with connection.cursor() as cursor:
        cursor.execute((f"WITH {', '.join(parts)} " if parts else "") + sql, [*params, *values])
    for instance in instances:
        instance._state.adding = False
        _send(post_save, instance)


def insert_many(model, instances, batch_size=1000):
    """Insert many unsaved instances of `model` (bulk creation), with the signals Model.save() sends: one
    INSERT per `batch_size`; the keys are set on the instances (PostgreSQL and SQLite answer them)."""
    instances = list(instances)
    for instance in instances:
        _send(pre_save, instance)
    model.objects.bulk_create(instances, batch_size=batch_size)
    for instance in instances:
        _send(post_save, instance)
    return instances


def split_span(span, document_field, now):
    """Close the document's running span at `now` and insert `span` (unsaved: the next one)."""
    model = type(span)
    document_id = getattr(span, model._meta.get_field(document_field).attname)
    if not _is_postgresql():
        model.objects.filter(**{f"{document_field}_id": document_id, "ended_at": None}).update(ended_at=now)
        span.save(force_insert=True)
        return
    _send(pre_save, span)
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(document_field).column)
    sql, values = _insert_sql(span)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH closed AS (UPDATE {table} SET {quote('ended_at')} = %s WHERE {quote('tenant_id')} = %s "
            f"AND {column} = %s AND {quote('ended_at')} IS NULL) {sql}",
            [now, span.tenant_id, document_id, *values])
    span._state.adding = False
    _send(post_save, span)
