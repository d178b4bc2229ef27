"""The receipt's 备件 / 服务项目 / 旧件返还 sections on a form, shared by the console's 回执 dialog and the
phone's receipt page (issue 11): what the form posts (`lines_from_post`) and what the section shows
(`lines_context`). Pricing, holding and consuming are the services' (services/receipt_lines.py).

A form posts one group of inputs per line, in order: `line-part`, `line-part-qty`, `line-part-serials`
(comma or space separated; the input carries `data-kit-scanner` for the camera scanner), and when the
company allows it (WOSET-R2) `line-part-discount`, `line-part-price`, `line-part-reason`; the same with
`line-service…` and `line-old…` (travelling faulty parts). A row whose item is empty is skipped.
"""

import re

from django.http import JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from shouhou.core.errors import PermissionDenied, ValidationFailed
from shouhou.core.numbers import format_amount
from shouhou.parts import queries as part_queries
from shouhou.parts.models import StockLevel

from .. import policy
from ..services import receipt_lines

GROUPS = (("part", "parts", "part_id"), ("service", "service_items", "service_item_id"),
          ("old", "old_parts", "part_id"))
MAX_ROWS = receipt_lines.MAX_LINES


def _serials(text):
    return [s for s in re.split(r"[\s,，、;；]+", text or "") if s]


def lines_from_post(post, *, keep_empty=False):
    """{"parts": [...], "service_items": [...], "old_parts": [...]} from the form, or {} when the form has
    no line section (an older page): the services then keep the draft's lines. With `keep_empty` a row
    without an item stays (as {}), so the rows match the form's (the live repricing answers per row)."""
    if "lines-present" not in post:
        return {}
    found = {}
    for prefix, key, id_key in GROUPS:
        ids = post.getlist(f"line-{prefix}")[:MAX_ROWS + 1]
        values = {name: post.getlist(f"line-{prefix}-{name}") for name in ("qty", "serials", "discount", "price",
                                                                           "reason")}
        rows = []
        for index, item_id in enumerate(ids):
            if not (item_id or "").strip():
                if keep_empty:
                    rows.append({})
                continue

            def value(name, index=index, values=values):
                column = values[name]
                return column[index].strip() if index < len(column) else ""

            row = {id_key: item_id.strip(), "quantity": value("qty") or "1"}
            if prefix != "service":
                serials = _serials(value("serials"))
                if serials:
                    row["serials"] = serials
            if prefix != "old":
                for name, field in (("discount", "discount"), ("price", "unit_price"), ("reason", "reason")):
                    if value(name):
                        row[field] = value(name)
            rows.append(row)
        found[key] = rows
    return found


def _rows_from_post(post):
    """The posted rows again (a refused form shows what was typed)."""
    rows = {"part": [], "service": [], "old": []}
    for prefix, _key, _id_key in GROUPS:
        ids = post.getlist(f"line-{prefix}")[:MAX_ROWS]
        columns = {name: post.getlist(f"line-{prefix}-{name}") for name in ("qty", "serials", "discount", "price",
                                                                            "reason")}
        for index, item_id in enumerate(ids):
            if not item_id:
                continue
            row = {"id": int(item_id) if item_id.isdigit() else None, "line": None}
            for name, column in columns.items():
                row[name] = column[index] if index < len(column) else ""
            rows[prefix].append(row)
    return rows


def _rows_from_receipt(receipt):
    rows = {"part": [], "service": [], "old": []}
    for line in (receipt.lines if receipt is not None else None) or []:
        prefix = {"part": "part", "service": "service", "old_part": "old"}[line["kind"]]
        qty = line["quantity"].rstrip("0").rstrip(".") if "." in line["quantity"] else line["quantity"]
        row = {"id": line["id"], "qty": qty, "serials": "、".join(line.get("serials") or []),
               "discount": "", "price": "", "reason": line.get("override_reason", ""), "line": line}
        if line.get("override_reason"):
            row["discount"], row["price"] = line["discount"], line["unit_price"]
        rows[prefix].append(row)
    return rows


LINE_KEYS = {"parts": "part", "service_items": "service", "old_parts": "old"}
KINDS = {"part": receipt_lines.PART, "service": receipt_lines.SERVICE, "old": receipt_lines.OLD_PART}


def split_errors(exc):
    """(the line errors {"part": {0: [...]}, …}, the exception without them) of a refused save."""
    details = getattr(exc, "details", None) or {}
    rows, rest = {"part": {}, "service": {}, "old": {}}, {}
    for key, messages in details.items():
        group, _dot, tail = key.partition(".")
        index = tail.partition(".")[0]
        if group in LINE_KEYS and index.isdigit():
            rows[LINE_KEYS[group]].setdefault(int(index), []).extend(str(m) for m in messages)
        elif group in LINE_KEYS:
            rows[LINE_KEYS[group]].setdefault(-1, []).extend(str(m) for m in messages)
        else:
            rest[key] = messages
    return rows, rest


def quote_response(request, order):
    """The live repricing of the receipt's rows (POST of the form as it is now; receipt_lines.js): per
    row of 备件 and 服务项目 its price block (HTML, empty while the row is incomplete) and the 总计 — the
    same `pricing.quote` as the completion. For whoever may fill in or complete the receipt."""
    if all(policy.refusal(request.user, order, action) for action in ("receipt_draft", "complete")):
        raise PermissionDenied()
    posted = lines_from_post(request.POST, keep_empty=True)
    rows, total = receipt_lines.preview(request.user, order, parts=posted.get("parts"),
                                        service_items=posted.get("service_items"))
    return JsonResponse({
        key: [render_to_string("workorders/_receipt_line_priced.html", {"line": line}, request=request)
              if line else "" for line in lines] for key, lines in rows.items()
    } | {"total": format_amount(total) if any(any(lines) for lines in rows.values()) else "—"})


def lines_context(actor, order, receipt, post=None, errors=None, quote_url=""):
    """What templates/workorders/_receipt_lines.html needs; `errors` from split_errors; `quote_url` the
    surface's live repricing (quote_response)."""
    from shouhou.parts import pricing

    try:
        place = receipt_lines.place_of(order)
    except ValidationFailed:  # no assignee: nothing can be taken from stock
        place = None
    held = {}
    if place is not None:
        levels = (StockLevel.objects.filter(**place.filter(), quantity__gt=0).select_related("part")
                  .order_by("part__number"))
        own = {part_id: qty for part_id, qty in ((receipt.reserved or {}).get("parts") or [])} if receipt else {}
        from decimal import Decimal

        for level in levels:
            available = level.quantity - level.reserved + Decimal(own.get(level.part_id, "0"))
            held[level.part_id] = (level.part, available)
    rows = _rows_from_post(post) if post is not None and "lines-present" in post else _rows_from_receipt(receipt)
    errors = errors or {"part": {}, "service": {}, "old": {}}
    for prefix, group in rows.items():
        for index, row in enumerate(group):
            row["errors"] = errors[prefix].get(index, [])
    services = list(part_queries.service_items(actor).filter(enabled=True).order_by("category", "number"))
    fee_lines = receipt_lines.fee_lines(receipt.lines if receipt is not None else [])
    warranty = pricing.warranty_state(order)
    parts_held = [(part, available) for part, available in held.values()]
    old_parts = list(part_queries.enabled_parts(actor).order_by("number")[:500])
    source = (place.warehouse.name if place is not None and place.warehouse is not None
              else _("from my personal stock") if place is not None and place.holder == actor
              else _("from %(name)s's personal stock") % {"name": place.holder.name} if place is not None else "")
    groups = [
        {"key": "part", "title": _("Parts"), "hint": source, "choices": parts_held, "rows": rows["part"],
         "errors": errors["part"].get(-1, []), "item_label": _("Part"), "placeholder": _("Choose a part")},
        {"key": "service", "title": _("Service items"), "hint": "", "choices": services, "rows": rows["service"],
         "errors": errors["service"].get(-1, []), "item_label": _("Service item"),
         "placeholder": _("Choose a service item")},
        {"key": "old", "title": _("Faulty parts returned"), "hint": _("to the defective-parts warehouse"),
         "choices": old_parts, "rows": rows["old"], "errors": errors["old"].get(-1, []),
         "item_label": _("Faulty part"), "placeholder": _("Choose the replaced part")},
    ]
    kinds = receipt_lines.sections(order)
    groups = [group for group in groups if KINDS[group["key"]] in kinds]
    return {
        "rl_groups": groups,
        "rl_quote_url": quote_url,
        "lines_in_warranty": warranty == "in",
        "lines_total": receipt_lines.total_of(fee_lines),
        "lines_priced": bool(fee_lines),
        "lines_allow_discount": receipt_lines.allow_discount(),
        "lines_allow_price": receipt_lines.allow_unit_price(),
    }


def fees_context(order, receipt):
    """The receipt's fee lines, faulty parts and total for the order's page (no query)."""
    lines = receipt.lines if receipt is not None else []
    fee_lines = receipt_lines.fee_lines(lines)
    return {"fee_lines": fee_lines, "old_part_lines": [line for line in lines or () if line.get("kind") == "old_part"],
            "fee_total": order.total_amount if receipt is not None and not receipt.is_draft
            else receipt_lines.total_of(fee_lines)}
