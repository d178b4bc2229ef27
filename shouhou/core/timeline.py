"""The per-object timeline (动态): record entries from services, read them for detail pages."""

from django.contrib.contenttypes.models import ContentType

from .models import Activity


def record(*, actor, obj, verb, summary="", changes=None, note="", attachments=None):
    """Add a timeline entry for `obj`. Call inside the service's transaction."""
    activity = entry(actor=actor, obj=obj, verb=verb, summary=summary, changes=changes, note=note,
                     attachments=attachments)
    activity.save(force_insert=True)
    return activity


def entry(*, actor, obj, verb, summary="", changes=None, note="", attachments=None):
    """The timeline entry `record` writes, unsaved (core.flow.writes.insert writes it with the event)."""
    return Activity(
        tenant_id=obj.tenant_id,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        content_type=ContentType.objects.get_for_model(obj._meta.model),
        object_id=str(obj.pk),
        verb=verb,
        summary=str(summary)[:300],
        changes=changes or [],
        note=note,
        attachments=attachments or [],
    )


def record_many(*, actor, objects, verb, summary=""):
    """The same entry for each of many objects of one model (bulk imports), in one INSERT per thousand."""
    objects = list(objects)
    if not objects:
        return []
    content_type = ContentType.objects.get_for_model(objects[0]._meta.model)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return Activity.objects.bulk_create([
        Activity(tenant_id=obj.tenant_id, actor=actor, content_type=content_type, object_id=str(obj.pk), verb=verb,
                 summary=str(summary)[:300], changes=[], note="", attachments=[])
        for obj in objects
    ], batch_size=1000)


def entries_for(obj, limit=200):
    ct = ContentType.objects.get_for_model(obj._meta.model)
    return (
        Activity.objects.filter(content_type=ct, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


def diff(instance, before, fields):
    """Field changes between `before` (a dict of old values) and `instance`, for `record(changes=…)`."""
    changes = []
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            field = instance._meta.get_field(name)
            changes.append({"field": name, "label": str(field.verbose_name), "old": _show(old), "new": _show(new)})
    return changes


def snapshot(instance, fields):
    return {name: getattr(instance, name) for name in fields}


def _show(value):
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


# --- reading entries as sentences (issue 15) ----------------------------------------------------------------
# A change of a yes/no field is stored as "✗ → ✓" (see _show). Shown as it is, "审批中: ✗ → ✓" reads as a
# diff, not as what happened; each app says in its own words what turning its flags on and off means:
#
#     timeline.register_flag_sentences("workorders.workorder", {
#         "is_paused": (_("The work order is paused"), _("The work order is resumed")),
#         "awaiting_approval": (waiting_for_approvers, _("The approval has ended")),  # a callable: entry -> text
#     })
#
# Other changes keep their "label: old → new" line.

FLAG_MARKS = {"✓": True, "✗": False}
_FLAG_SENTENCES: dict = {}


def register_flag_sentences(model_label, sentences):
    """`sentences`: {field: (when turned on, when turned off)}, each a text or a callable (entry) -> text."""
    _FLAG_SENTENCES.setdefault(model_label.lower(), {}).update(sentences)


def lines(entry):
    """The entry's changes as lines to show: {"sentence": text} for a registered flag that turned on or off,
    otherwise {"label", "old", "new"}."""
    changes = entry.changes or []
    if not changes:
        return []
    model = ContentType.objects.get_for_id(entry.content_type_id)  # cached: no query per entry
    sentences = _FLAG_SENTENCES.get(f"{model.app_label}.{model.model}", {})
    shown = []
    for change in changes:
        pair = sentences.get(change.get("field"))
        turned_on = FLAG_MARKS.get(change.get("new"))
        if pair is not None and turned_on is not None and change.get("old") in FLAG_MARKS:
            text = pair[0] if turned_on else pair[1]
            text = text(entry) if callable(text) else text
            if text:
                shown.append({"sentence": str(text)})
            continue
        shown.append({"label": change.get("label", ""), "old": change.get("old", ""), "new": change.get("new", "")})
    return shown
