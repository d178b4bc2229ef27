"""Auto-assignment rules (自动派单, issue 10): the rule list's writes and the engine that runs it.

A rule has conditions on the order (type, service type, priority, the customer's service team, region,
product type, customer tags, searchable custom fields; an empty condition matches every order) and a
target: a named person, a team in turn (round robin), the least-loaded member of a team, or the best-ranked
candidate (queries/candidates.py) within N km.

`auto_assign` locks the order, runs the enabled rules lowest priority first, and the FIRST rule that matches
AND yields an eligible person assigns through the flow's own assign action (actions.perform: approvals,
timeline, notifications unchanged), with the rule named in the action's note. Eligibility is the ranking's:
`candidates.eligible_users` (active colleagues with work-order access, WOSET-D1 team rules, D3 hidden work
statuses, required skills). When no rule yields anyone, the order stays 待指派 and its timeline and the
dispatcher (notification, event `workorder.auto_assign_failed`) are told which rules were tried and why each
failed. The round robin's cursor moves only under the rule's row lock, so two concurrent runs pick two
people in turn. `explain` is the same run without writing anything (the "测试规则" panel and the API's test).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from shouhou.accounts.models import Team, User
from shouhou.accounts.queries import members_of
from shouhou.core import clean, forms_engine, permissions, references, regions
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from shouhou.core.forms_engine.kinds import FieldError
from shouhou.products.models import ProductType

from .. import policy
from ..models import DispatchRule, Priority, ServiceOption, WorkOrder, WorkOrderType
from ..queries import candidates as candidate_queries
from ..queries.pickers import OPEN_WORK
from . import actions, kernel

MANAGE = "workorder_settings.manage"
MAX_RULES = 200
MAX_ITEMS = 100  # ids, tags, regions or fields in one condition
MAX_PRIORITY = 1_000_000
MAX_RADIUS_KM = 10_000
MAX_BATCH = 200
NAME_LIMIT = 50
TAG_LIMIT = 30
FIELD_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,49}$")
FIELD_VALUE_LIMIT = 100
ID_CONDITIONS = ("order_type_ids", "service_type_ids", "team_ids", "product_type_ids")
CONDITION_KEYS = (*ID_CONDITIONS, "priorities", "regions", "tags", "fields")


# --- cleaning a rule ----------------------------------------------------------------------------------------

def _id_list(values, key, queryset, errors):
    if values in (None, ""):
        return []
    if not isinstance(values, (list, tuple)):
        errors[key] = [_("Send a list of ids.")]
        return []
    if len(values) > MAX_ITEMS:
        errors[key] = [_("At most %(n)d items.") % {"n": MAX_ITEMS}]
        return []
    ids = []
    for value in values:
        pk = references.clean_id(value)
        if pk is None:
            errors[key] = [_("Unknown id: %(id)s") % {"id": str(value)[:20]}]
            return []
        if pk not in ids:
            ids.append(pk)
    found = set(queryset.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        errors[key] = [_("Unknown id: %(id)s") % {"id": missing[0]}]
        return []
    return ids


def _text_list(values, key, limit, errors):
    if values in (None, ""):
        return []
    if not isinstance(values, (list, tuple)) or any(not isinstance(v, str) for v in values):
        errors[key] = [_("Send a list of texts.")]
        return []
    if len(values) > MAX_ITEMS:
        errors[key] = [_("At most %(n)d items.") % {"n": MAX_ITEMS}]
        return []
    out = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        if len(text) > limit:
            errors[key] = [_("Ensure each item has at most %(limit)d characters.") % {"limit": limit}]
            return []
        if text not in out:
            out.append(text)
    return out


def _regions(values, errors):
    """[{province, city, district}] by names, variants or codes → canonical names and codes (core.regions)."""
    if values in (None, ""):
        return []
    if not isinstance(values, (list, tuple)) or any(not isinstance(v, dict) for v in values):
        errors["regions"] = [_("Send a list of {province, city, district}.")]
        return []
    if len(values) > MAX_ITEMS:
        errors["regions"] = [_("At most %(n)d items.") % {"n": MAX_ITEMS}]
        return []
    out = []
    for value in values:
        parts = {part: value.get(part) for part in regions.LEVELS}
        if any(p is not None and not isinstance(p, str) for p in parts.values()):
            errors["regions"] = [_("Send a list of {province, city, district}.")]
            return []
        parts = {k: (v or "").strip()[:30] for k, v in parts.items()}
        if not any(parts.values()):
            continue
        found = regions.match(**parts)
        if found.errors:
            errors["regions"] = [next(iter(found.errors.values()))]
            return []
        cleaned = found.values()
        if cleaned not in out:
            out.append(cleaned)
    return out


def searchable_fields(order_type_ids=()):
    """{key: [field definitions]} of the searchable custom fields of the rule's types (every type when the
    rule names none): what a rule's `fields` condition may name, as the order list's filters do."""
    types = WorkOrderType.objects.all() if not order_type_ids else WorkOrderType.objects.filter(pk__in=order_type_ids)
    found = {}
    for order_type in types.order_by("pk"):
        for definition in forms_engine.filterable_fields(forms_engine.get_schema(order_type.form_target)):
            found.setdefault(definition.key, []).append(definition)
    return found


def _field_value(definitions, value):
    """The condition's value for one of `definitions` (an option's label becomes its value), or the
    FieldError of the first when it fits none."""
    first = None
    for definition in definitions:
        text = next((o["value"] for o in definition.options if o.get("label") == value), value)
        try:
            definition.impl.filter_value(definition, text, "exact")
        except FieldError as exc:
            first = first or exc
            continue
        return text
    raise first


def _fields(values, errors, order_type_ids=()):
    """{key: value} of custom fields (the order's `fields`): each key a searchable field of the rule's types,
    each value one that field's filter accepts (an option, a number …); matched as text."""
    if values in (None, ""):
        return {}
    if not isinstance(values, dict):
        errors["fields"] = [_("Send an object of field keys and values.")]
        return {}
    if len(values) > MAX_ITEMS:
        errors["fields"] = [_("At most %(n)d items.") % {"n": MAX_ITEMS}]
        return {}
    known = searchable_fields(order_type_ids)
    out = {}
    for key, value in values.items():
        if not isinstance(key, str) or not FIELD_KEY.match(key) or key not in known:
            errors["fields"] = [_("Unknown field key: %(key)s (not a searchable custom field of the rule's "
                                  "work-order types)") % {"key": str(key)[:50]}]
            return {}
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) or len(str(value)) > FIELD_VALUE_LIMIT:
            errors["fields"] = [_("Each value is a text of at most %(limit)d characters.") % {
                "limit": FIELD_VALUE_LIMIT}]
            return {}
        text = str(value).strip()
        if not text:
            continue
        try:
            out[key] = _field_value(known[key], text)
        except FieldError as exc:
            errors["fields"] = [_("%(label)s: %(message)s") % {"label": known[key][0].label or key,
                                                              "message": " ".join(str(m) for m in exc.messages)}]
            return {}
    return out


def clean_conditions(conditions, errors):
    if conditions in (None, ""):
        conditions = {}
    if not isinstance(conditions, dict):
        errors["conditions"] = [_("Send an object of conditions.")]
        return {}
    unknown = sorted(set(conditions) - set(CONDITION_KEYS))
    if unknown:
        errors["conditions"] = [_("Unknown condition: %(name)s") % {"name": str(unknown[0])[:30]}]
        return {}
    querysets = {
        "order_type_ids": WorkOrderType.objects.all(),
        "service_type_ids": ServiceOption.objects.filter(kind=ServiceOption.Kind.SERVICE_TYPE),
        "team_ids": Team.objects.all(),
        "product_type_ids": ProductType.objects.all(),
    }
    out = {key: _id_list(conditions.get(key), key, querysets[key], errors) for key in ID_CONDITIONS}
    priorities = _text_list(conditions.get("priorities"), "priorities", 10, errors)
    if any(p not in Priority.values for p in priorities):
        errors["priorities"] = [_("Choose priorities among: %(names)s") % {"names": ", ".join(Priority.values)}]
    out["priorities"] = priorities
    out["regions"] = _regions(conditions.get("regions"), errors)
    out["tags"] = _text_list(conditions.get("tags"), "tags", TAG_LIMIT, errors)
    out["fields"] = _fields(conditions.get("fields"), errors, out["order_type_ids"])
    return {key: value for key, value in out.items() if value}


def _clean_target(actor, target, errors):
    if not isinstance(target, dict):
        errors["target"] = [_("Choose whom the rule assigns to.")]
        return {}
    kind = target.get("kind")
    if kind not in DispatchRule.Target.values:
        errors["target.kind"] = [_("Choose whom the rule assigns to.")]
        return {}
    out = {"target_kind": kind, "target_user": None, "target_team": None, "radius_km": None}
    if kind == DispatchRule.Target.USER:
        out["target_user"] = references.resolve(
            actor, lambda a: User.objects.for_tenant().filter(is_active=True), target.get("user_id"),
            field="target.user_id", message=_("Choose an active colleague."), errors=errors, required=True)
    elif kind in (DispatchRule.Target.TEAM_ROUND_ROBIN, DispatchRule.Target.TEAM_LEAST_LOADED):
        out["target_team"] = references.resolve(
            actor, lambda a: Team.objects.all(), target.get("team_id"), field="target.team_id",
            message=_("Choose a team."), errors=errors, required=True)
    radius = target.get("radius_km")
    if kind == DispatchRule.Target.BEST_CANDIDATE and radius not in (None, ""):
        try:
            value = Decimal(str(radius).strip())
            if not value.is_finite() or value <= 0 or value > MAX_RADIUS_KM:
                raise InvalidOperation
            out["radius_km"] = value.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors["target.radius_km"] = [_("Enter a distance between 0 and %(max)d km.") % {"max": MAX_RADIUS_KM}]
    return out


def _clean_priority(value, errors):
    if value in (None, ""):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 7 or int(text) > MAX_PRIORITY:
        errors["priority"] = [_("Enter a whole number between 0 and %(max)d.") % {"max": MAX_PRIORITY}]
        return None
    return int(text)


def _clean(actor, data, errors):
    values = {}
    if "name" in data:
        values["name"] = clean.text(data["name"], NAME_LIMIT, "name", errors, required=True)
    if "priority" in data:
        values["priority"] = _clean_priority(data["priority"], errors)
    if "enabled" in data:
        values["is_enabled"] = bool(data["enabled"])
    if "conditions" in data:
        values["conditions"] = clean_conditions(data["conditions"], errors)
    if "target" in data:
        values.update(_clean_target(actor, data["target"], errors))
    return values


# --- the rule list's writes -----------------------------------------------------------------------------------

@transaction.atomic
def create_rule(*, actor, name, target, conditions=None, priority=None, enabled=True):
    """A new rule; without a priority it runs after every other rule."""
    permissions.require(actor, MANAGE)
    errors = {}
    values = _clean(actor, {"name": name, "priority": priority, "enabled": enabled, "conditions": conditions,
                            "target": target}, errors)
    if DispatchRule.objects.count() >= MAX_RULES:
        errors.setdefault("name", []).append(_("At most %(n)d rules.") % {"n": MAX_RULES})
    clean.raise_if(errors)
    if values.get("priority") is None:
        last = DispatchRule.objects.order_by("-priority").values_list("priority", flat=True).first()
        values["priority"] = min(MAX_PRIORITY, (last or 0) + 10) if last is not None else 10
    rule = DispatchRule(**values)
    rule.save()
    log(SystemLog.Kind.SETTINGS, user=actor, action=_("Created auto-assignment rule “%(name)s”") % {
        "name": rule.name}, detail={"rule_id": rule.pk})
    return rule


def _locked(rule):
    found = DispatchRule.objects.select_for_update().filter(pk=kernel.pk(rule)).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def update_rule(*, actor, rule, **data):
    """Change what is given of {name, priority, enabled, conditions, target} (each replaces the stored one)."""
    permissions.require(actor, MANAGE)
    unknown = sorted(set(data) - {"name", "priority", "enabled", "conditions", "target"})
    if unknown:
        raise ValidationFailed(details={name: [_("This field cannot be edited.")] for name in unknown})
    rule = _locked(rule)
    errors = {}
    values = _clean(actor, data, errors)
    if "priority" in data and values.get("priority") is None and "priority" not in errors:
        errors["priority"] = [clean.REQUIRED]
    clean.raise_if(errors)
    for key, value in values.items():
        setattr(rule, key, value)
    if "target" in data and rule.target_kind != DispatchRule.Target.TEAM_ROUND_ROBIN:
        rule.last_user = None
    rule.save()
    log(SystemLog.Kind.SETTINGS, user=actor, action=_("Edited auto-assignment rule “%(name)s”") % {
        "name": rule.name}, detail={"rule_id": rule.pk})
    return rule


@transaction.atomic
def delete_rule(*, actor, rule):
    permissions.require(actor, MANAGE)
    rule = _locked(rule)
    log(SystemLog.Kind.DELETE, user=actor, action=_("Deleted auto-assignment rule “%(name)s”") % {
        "name": rule.name}, detail={"rule_id": rule.pk})
    rule.delete()


@transaction.atomic
def reorder_rules(*, actor, rule_ids):
    """Put the rules in this order (every rule exactly once): priorities 10, 20, 30 …"""
    permissions.require(actor, MANAGE)
    if not isinstance(rule_ids, (list, tuple)):
        raise ValidationFailed(details={"ids": [_("Send every rule exactly once.")]})
    ids = [references.clean_id(i) for i in rule_ids]
    existing = set(DispatchRule.objects.select_for_update().values_list("pk", flat=True))
    if None in ids or len(set(ids)) != len(ids) or set(ids) != existing:
        raise ValidationFailed(details={"ids": [_("Send every rule exactly once.")]})
    for index, rule_id in enumerate(ids):
        DispatchRule.objects.filter(pk=rule_id).update(priority=(index + 1) * 10)
    return list(DispatchRule.objects.order_by("priority", "pk"))


@transaction.atomic
def move_rule(*, actor, rule, direction):
    """↑↓ on the rule list."""
    permissions.require(actor, MANAGE)
    if direction not in ("up", "down"):
        raise ValidationFailed(details={"direction": [_("Choose up or down.")]})
    ids = list(DispatchRule.objects.select_for_update().order_by("priority", "pk").values_list("pk", flat=True))
    rule_id = kernel.pk(rule)
    if rule_id not in ids:
        raise NotFound()
    index = ids.index(rule_id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return reorder_rules(actor=actor, rule_ids=ids)


# --- the engine ---------------------------------------------------------------------------------------------

@dataclass
class RuleOutcome:
    """One rule tried on one order: did it match, whom it picks, and why (translated reasons)."""

    rule: DispatchRule
    matched: bool = False
    user: User | None = None
    reasons: list = field(default_factory=list)

    @property
    def assigned(self):
        return self.user is not None

    def as_json(self):
        return {"rule_id": self.rule.pk, "rule_name": self.rule.name, "matched": self.matched,
                "user_id": self.user.pk if self.user else None, "user_name": self.user.name if self.user else None,
                "reasons": [str(r) for r in self.reasons]}


@dataclass
class AutoAssignResult:
    order: object
    outcomes: list
    chosen: RuleOutcome | None = None

    @property
    def assigned(self):
        return self.chosen is not None

    @property
    def reasons(self):
        return [o.as_json() for o in self.outcomes]


def _region_codes(order):
    source = order.address if order.address_id else order.customer
    return {level: getattr(source, f"{level}_code", "") or "" for level in regions.LEVELS}


def condition_failures(rule, order):
    """Why the order does not meet the rule's conditions ([] when it does), in words."""
    c = rule.conditions or {}
    failures = []
    if c.get("order_type_ids") and order.order_type_id not in c["order_type_ids"]:
        failures.append(_("The work-order type (%(name)s) is not one of the rule's types.") % {
            "name": order.order_type.name})
    if c.get("service_type_ids") and order.service_type_id not in c["service_type_ids"]:
        failures.append(_("The service type is not one of the rule's service types."))
    if c.get("priorities") and order.priority not in c["priorities"]:
        failures.append(_("The priority (%(name)s) is not one of the rule's priorities.") % {
            "name": order.get_priority_display()})
    if c.get("team_ids") and order.customer.service_team_id not in c["team_ids"]:
        failures.append(_("The customer's service team is not one of the rule's teams."))
    if c.get("regions"):
        codes = _region_codes(order)
        if not any(_region_covers(region, codes) for region in c["regions"]):
            failures.append(_("The address is outside the rule's regions."))
    if c.get("product_type_ids"):
        product_type = order.product.product_type_id if order.product_id else None
        if product_type not in c["product_type_ids"]:
            failures.append(_("The product type is not one of the rule's product types."))
    if c.get("tags") and not set(c["tags"]) & set(order.customer.tags or []):
        failures.append(_("The customer has none of the tags %(tags)s.") % {"tags": "、".join(c["tags"])})
    for key, wanted in (c.get("fields") or {}).items():
        value = (order.fields or {}).get(key)
        have = [str(v) for v in value] if isinstance(value, list) else ([] if value in (None, "") else [str(value)])
        if wanted not in have:
            failures.append(_("The field %(key)s is not “%(value)s”.") % {"key": key, "value": wanted})
    return failures


def _region_covers(region, codes):
    """A rule's region covers the order's when every part it names is the order's."""
    named = [level for level in regions.LEVELS if region.get(f"{level}_code")]
    return bool(named) and all(region[f"{level}_code"] == codes[level] for level in named)


def _open_counts(user_ids, exclude_order):
    rows = (WorkOrder.objects.filter(assignee_id__in=user_ids, status__in=OPEN_WORK)
            .exclude(pk=exclude_order.pk).order_by().values("assignee_id").annotate(n=Count("pk")))
    return {row["assignee_id"]: row["n"] for row in rows}


def _team_members(actor, order, team):
    return list(candidate_queries.eligible_users(actor, order)
                .filter(pk__in=members_of(Team.descendant_ids({team.pk}))).order_by("pk"))


def _pick(actor, order, rule, *, advance):
    """(the person the rule's target yields, reasons) — None with the reason when nobody."""
    kind = rule.target_kind
    if kind == DispatchRule.Target.USER:
        if rule.target_user is None:
            return None, [_("The rule's person no longer exists.")]
        eligible = candidate_queries.eligible_users(actor, order).filter(pk=rule.target_user_id).first()
        if eligible is None:
            return None, [_("%(name)s cannot take this order (inactive, a hidden work status, outside the "
                            "order's teams or missing a required skill).") % {"name": rule.target_user.name}]
        return eligible, [_("The rule names %(name)s.") % {"name": eligible.name}]
    if kind in (DispatchRule.Target.TEAM_ROUND_ROBIN, DispatchRule.Target.TEAM_LEAST_LOADED):
        if rule.target_team is None:
            return None, [_("The rule's team no longer exists.")]
        members = _team_members(actor, order, rule.target_team)
        if not members:
            return None, [_("Nobody in %(team)s can take this order.") % {"team": rule.target_team.name}]
        if kind == DispatchRule.Target.TEAM_LEAST_LOADED:
            counts = _open_counts([m.pk for m in members], order)
            chosen = min(members, key=lambda m: (counts.get(m.pk, 0), m.pk))
            return chosen, [_("%(name)s has the fewest open orders in %(team)s (%(n)d).") % {
                "name": chosen.name, "team": rule.target_team.name, "n": counts.get(chosen.pk, 0)}]
        cursor = rule.last_user_id or 0
        chosen = next((m for m in members if m.pk > cursor), members[0])
        if advance:
            DispatchRule.objects.filter(pk=rule.pk).update(last_user=chosen)
            rule.last_user = chosen
        return chosen, [_("%(name)s is next in turn in %(team)s.") % {"name": chosen.name,
                                                                         "team": rule.target_team.name}]
    ranked = candidate_queries.ranked_candidates(actor, order)
    if not ranked:
        return None, [_("Nobody can take this order.")]
    radius = float(rule.radius_km) if rule.radius_km is not None else None
    if radius is not None:
        ranked = [c for c in ranked if c.distance_km is not None and c.distance_km <= radius]
        if not ranked:
            return None, [_("Nobody who can take this order is within %(km)s km.") % {"km": f"{radius:g}"}]
    best = ranked[0]
    return best.user, [_("%(name)s is the best-ranked candidate (score %(score)s).") % {
        "name": best.user.name, "score": f"{best.score:g}"}, *best.reasons]


def _try(actor, order, rule, *, advance):
    outcome = RuleOutcome(rule=rule)
    failures = condition_failures(rule, order)
    if failures:
        outcome.reasons = failures
        return outcome
    outcome.matched = True
    outcome.user, outcome.reasons = _pick(actor, order, rule, advance=advance)
    return outcome


def _run(actor, order, rules, *, advance):
    outcomes = []
    for rule in rules:
        if advance and rule.target_kind == DispatchRule.Target.TEAM_ROUND_ROBIN and not condition_failures(
                rule, order):
            rule = _locked(rule)  # the cursor is read and moved under the rule's row lock
        outcome = _try(actor, order, rule, advance=advance)
        outcomes.append(outcome)
        if outcome.assigned:
            return outcomes, outcome
    return outcomes, None


def enabled_rules():
    return list(DispatchRule.objects.filter(is_enabled=True).select_related("target_user", "target_team")
                .order_by("priority", "pk"))


def explain(*, actor, order, rule=None):
    """The run without writing: every enabled rule (or only `rule`, enabled or not) tried in order, as far
    as the first that would assign. The actor must be allowed to assign the order."""
    permissions.require(actor, "workorder.assign")
    rules = [rule] if rule is not None else enabled_rules()
    outcomes, chosen = _run(actor, order, rules, advance=False)
    return AutoAssignResult(order=order, outcomes=outcomes, chosen=chosen)


def failure_summary(outcomes):
    if not outcomes:
        return _("Auto-assignment found no enabled rule; the order waits for a dispatcher.")
    lines = [f"{o.rule.name}: {'；'.join(str(r) for r in o.reasons)}" for o in outcomes]
    return _("Auto-assignment found nobody; the order waits for a dispatcher.") + "\n" + "\n".join(lines)


def assign_locked(actor, order):
    """Run the rules on a locked 待指派 order (the caller's transaction): assign, or record and tell why not."""
    policy.require(actor, order, "assign")
    kernel.RUNNER.check("assign", order, kernel.RUNNER.config_of(order))  # 409 unless the order awaits dispatch
    if order.awaiting_approval:
        raise Conflict(_("The work order is awaiting approval."))
    outcomes, chosen = _run(actor, order, enabled_rules(), advance=True)
    if chosen is not None:
        note = _("Auto-assigned by the rule “%(name)s”") % {"name": chosen.rule.name}
        order = actions.perform(actor, order, "assign", {"assignee_id": chosen.user.pk, "note": note},
                                assignee=chosen.user)
        return AutoAssignResult(order=order, outcomes=outcomes, chosen=chosen)
    summary = failure_summary(outcomes)
    kernel.record_and_emit(actor, order, "auto_assign_failed", summary.split("\n", 1)[0], note=summary,
                           event="workorder.auto_assign_failed",
                           rules=[o.as_json() for o in outcomes])
    return AutoAssignResult(order=order, outcomes=outcomes)


@transaction.atomic
def auto_assign(*, actor, order, expected_version=None):
    """自动派单 of one order (on demand, the API, create, plans): see the module docstring."""
    permissions.require(actor, "workorder.assign")
    order = kernel.lock(actor, order, expected_version)
    return assign_locked(actor, order)


def batch_auto_assign(*, actor, orders):
    """自动派单 of the selected orders: each in its own transaction (one order's refusal does not undo the
    others'); answers [(order, result or None, refusal message or None)]."""
    permissions.require(actor, "workorder.assign")
    orders = sorted(orders, key=kernel.pk)
    if not orders:
        raise ValidationFailed(details={"ids": [_("Select at least one work order.")]})
    if len(orders) > MAX_BATCH:
        raise ValidationFailed(details={"ids": [_("Select at most %(n)s work orders at a time.") % {"n": MAX_BATCH}]})
    done = []
    for order in orders:
        try:
            done.append((order, auto_assign(actor=actor, order=order), None))
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            done.append((order, None, str(exc.message)))
    return done
