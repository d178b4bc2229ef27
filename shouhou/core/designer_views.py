"""The form designer (WOSET-T3, CUS-02, PRD-04): one page for every configurable form.

    GET  /forms/<target>/design/          the page: palette, field list, properties, live preview
    POST /forms/<target>/design/preview/  htmx: the current (unsaved) definitions rendered as the form
    POST /forms/<target>/design/save/     JSON {"fields", "expected_version"} → the saved schema
    GET  /forms/geocode/                  coordinates of an address, for the address inputs of any form

The page is a static script (designer.js) over a JSON config block; saving and previewing go through
the engine's `save_schema` and `preview_schema`, so the page checks exactly what the API checks.
"""

import dataclasses
import json

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import forms_engine
from .designer_targets import GROUPS, KIND_ICONS, PLACEHOLDER_KINDS, resolve_target
from .errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from .forms import ConsoleForm
from .forms_engine.definitions import PROPS, TEXT_LIMITS
from .forms_engine.services import PROPERTY_LABELS
from .geo import GeocodingError, geocoder
from .permissions import require
from .views import safe_next

PREVIEW_PREFIX = "preview"


# --- the page --------------------------------------------------------------------------------------

@login_required
@require_GET
def form_designer(request, target):
    design = _designer_target(request, target)
    schema = forms_engine.get_schema(target)
    parsed = schema.parsed
    context = {
        "design": design,
        "schema": schema,
        "palette": palette(),
        "system_fields": [f for f in parsed.fields if f.system],
        "back_url": safe_next(request, design.back_url()),
        "config": designer_config(design, schema),
        **preview_context(parsed),
    }
    return render(request, "core/designer/designer.html", context)


def _designer_target(request, target):
    design = resolve_target(target)
    require(request.user, design.permission)
    return design


def palette():
    """The kinds of the 添加组件 palette, grouped and in the designer's order."""
    catalogue = forms_engine.kind_catalogue()
    order = list(KIND_ICONS)
    catalogue.sort(key=lambda k: order.index(k["kind"]) if k["kind"] in order else len(order))
    groups = []
    for key, label in GROUPS:
        kinds = [{**kind, "icon": KIND_ICONS.get(kind["kind"], "bi-square")}
                 for kind in catalogue if kind["group"] == key]
        if kinds:
            groups.append({"key": key, "label": label, "kinds": kinds})
    return groups


def designer_config(design, schema):
    """Everything designer.js needs, for a <script type="application/json"> block (no inline JS)."""
    kinds = {}
    for kind in forms_engine.kind_catalogue():
        kinds[kind["kind"]] = {**kind, "icon": KIND_ICONS.get(kind["kind"], "bi-square"),
                               "placeholder": kind["kind"] in PLACEHOLDER_KINDS}
    return {
        "target": design.target,
        "version": schema.version,
        "fields": schema.fields,
        "retired": retired_definitions(schema),
        "kinds": kinds,
        "props": list(PROPS),
        "limits": TEXT_LIMITS,
        "urls": {"save": reverse("core:form_designer_save", args=[design.target]),
                 "preview": reverse("core:form_designer_preview", args=[design.target])},
        "text": designer_texts(),
        "ruleChoices": {"any": _("Any number"), "mobile": _("Mobile numbers only"),
                        "landline": _("Landlines only")},
    }


def retired_definitions(schema):
    """Removed fields as the designer can restore them: their definition plus when they were removed."""
    return [{k: v for k, v in f.items() if k in PROPS} | {"retired_at": f.get("retired_at", "")}
            for f in schema.retired_fields]


def designer_texts():
    """The strings designer.js shows, translated here (the script has no catalogue of its own)."""
    labels = {name: str(label) for name, label in PROPERTY_LABELS.items()}
    return {
        **labels,
        "key": _("Key"),
        "keyHelp": _("Used by the API and imports. Left empty, it is generated when saving."),
        "keyLocked": _("The key of a saved field cannot change."),
        "keyAuto": _("Generated when saving"),
        "helpLayout": _("Text shown on the form"),
        "titleOptional": _("Title (optional)"),
        "system": _("System field: only its position can change."),
        "delete": _("Delete"),
        "copy": _("Copy"),
        "moveUp": _("Move up"),
        "moveDown": _("Move down"),
        "addOption": _("Add option"),
        "bulkEdit": _("Bulk edit"),
        "bulkHelp": _("One option per line."),
        "treeHelp": _("One option per line. Indent sub-options with two spaces, or write the path as "
                      "Parent/Child."),
        "apply": _("Apply"),
        "cancel": _("Cancel"),
        "option": _("Option %(n)s"),
        "subOption": _("Sub-option %(n)s"),
        "rules": _("Rules"),
        "flags": _("Behaviour"),
        "basics": _("Basics"),
        "none": _("Not set"),
        "yes": _("Yes"),
        "noSelection": _("Select a field in the list to edit its properties."),
        "empty": _("Drag a component here from the left, or click one to add it."),
        "saving": _("Saving…"),
        "saved": _("Saved (version %(version)s)."),
        "unchanged": _("Nothing was changed."),
        "unsaved": _("Unsaved changes"),
        "conflict": _("This form was changed by someone else; please reload it."),
        "failed": _("The form could not be saved; correct the marked fields."),
        "network": _("The server could not be reached; try again."),
        "leave": _("Leave the designer? Your changes are not saved."),
        "confirmDelete": _("Delete the field “%(label)s”? Values already entered stay readable in the history."),
        "restore": _("Restore"),
        "previewFailed": _("The preview could not be updated."),
        "fieldCount": _("%(n)s fields"),
        "required": _("Required"),
        "searchableShort": _("Searchable"),
        "listShort": _("In list"),
    }


# --- live preview ----------------------------------------------------------------------------------

@login_required
@require_POST
def form_designer_preview(request, target):
    """The unsaved definitions as the form they make, or the reasons they cannot be saved (htmx)."""
    _designer_target(request, target)
    raw = _posted_fields(request)
    if raw is None:
        return render(request, "core/designer/_preview.html", {"errors": [
            {"where": "", "message": _("The fields could not be read.")}]}, status=400)
    try:
        parsed = forms_engine.preview_schema(target=target, fields=raw)
    except ValidationFailed as exc:
        return render(request, "core/designer/_preview.html", {
            "errors": describe_errors(exc.details, raw), "error_details": exc.as_dict()["details"]})
    return render(request, "core/designer/_preview.html", preview_context(parsed))


def _posted_fields(request):
    """The definitions from a form field "fields" (htmx) or a JSON body {"fields": [...]}."""
    text = request.POST.get("fields")
    try:
        if text is not None:
            return json.loads(text)
        return json.loads(request.body or b"{}").get("fields")
    except (ValueError, AttributeError):
        return None


def preview_context(parsed):
    """The form the definitions make, system fields included (shown disabled, as the record's
    own inputs stand in their place)."""
    shown = [dataclasses.replace(f, system=False) if f.system else f for f in parsed.fields]
    preview = dataclasses.replace(parsed, fields=shown)
    form = forms_engine.build_form(preview, base=ConsoleForm)(prefix=PREVIEW_PREFIX)
    system_keys = {f.key for f in parsed.fields if f.system}
    for key in system_keys:
        form.fields[key].disabled = True
    rows = [{"field": form[f.key], "system": f.key in system_keys, "layout": not f.impl.has_value}
            for f in parsed.fields]
    return {"preview_rows": rows, "preview_form": form}


def describe_errors(details, raw):
    """[{"where", "message"}] from engine details keyed "fields.<index>.<property>"."""
    described = []
    for key, messages in details.items():
        where = ""
        parts = key.split(".")
        if len(parts) >= 2 and parts[1].isdigit():
            where = _field_name(raw, int(parts[1]))
            if len(parts) > 2:
                where += " · " + str(PROPERTY_LABELS.get(parts[2], parts[2]))
        described += [{"where": where, "message": str(message)} for message in messages]
    return described


def _field_name(raw, index):
    item = raw[index] if isinstance(raw, list) and 0 <= index < len(raw) else None
    label = item.get("label") if isinstance(item, dict) else ""
    if label:
        return _("Field %(n)d “%(label)s”") % {"n": index + 1, "label": label}
    return _("Field %(n)d") % {"n": index + 1}


# --- saving ----------------------------------------------------------------------------------------

@login_required
@require_POST
def form_designer_save(request, target):
    """Save from the designer: JSON in, JSON out (400 with per-field errors, 409 on a stale version)."""
    try:
        design = _designer_target(request, target)
        payload = _json_body(request)
        schema = forms_engine.save_schema(actor=request.user, target=target, fields=payload.get("fields"),
                                          permission=design.permission,
                                          expected_version=_expected_version(payload))
    except Conflict:
        return JsonResponse({"code": Conflict.code, "message": _("This form was changed by someone else; "
                                                                  "please reload it."), "details": {}}, status=409)
    except DomainError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    saved = forms_engine.schema_as_dict(schema)
    return JsonResponse({**saved, "retired_fields": retired_definitions(schema)})


def _json_body(request):
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ValidationFailed(details={"body": [_("Send a JSON object with the fields.")]})
    return payload


def _expected_version(payload):
    version = payload.get("expected_version")
    if version is None or (isinstance(version, int) and not isinstance(version, bool)):
        return version
    raise ValidationFailed(details={"expected_version": [_("Enter a whole number.")]})


# --- address inputs of engine forms ----------------------------------------------------------------

@login_required
@require_GET
def form_geocode(request):
    """Coordinates of ?province=&city=&district=&detail= for an address field (the maps adapter)."""
    if request.tenant is None:
        return JsonResponse({"message": str(PermissionDenied.default_message)}, status=403)
    parts = {part: request.GET.get(part, "").strip()[:200] for part in ("province", "city", "district", "detail")}
    if not any(parts.values()):
        return JsonResponse({"message": _("Enter the address first.")}, status=400)
    try:
        found = geocoder().geocode(**parts)
    except GeocodingError:
        return JsonResponse({"message": _("The address could not be located; check it.")}, status=400)
    return JsonResponse({"lat": float(found.latitude), "lng": float(found.longitude), "precision": found.precision})
