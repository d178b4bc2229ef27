"""The pricing rules (收费标准, issue 11): create, edit, delete. Pricing itself is parts.pricing.quote."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.core import clean, outbox, references, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import NotFound, ValidationFailed

from .. import policy, queries
from ..models import PricingRule
from ._common import NOT_GIVEN, actor_id, decimal, flag

__all__ = ["create_pricing_rule", "update_pricing_rule", "delete_pricing_rule"]

RULE_TRACKED = ("name", "priority", "enabled", "applies_to", "part_category", "service_category", "warranty",
                "customers", "customer_tag", "effect", "value")
MAX_PRIORITY = 9999


def _choice(value, choices, key, errors):
    if value not in choices.values:
        errors[key] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}]
        return None
    return value


def _rule_values(actor, data, errors, *, partial, current=None):
    values = {}

    def given(key):
        return data.get(key, NOT_GIVEN) is not NOT_GIVEN if partial else True

    if given("name"):
        values["name"] = clean.text(data.get("name"), 50, "name", errors, required=True)
    if given("priority"):
        number = decimal(data.get("priority", 100))
        if number is None or number != number.to_integral_value() or not 0 <= number <= MAX_PRIORITY:
            errors["priority"] = [_("Enter a whole number between 0 and %(max)d.") % {"max": MAX_PRIORITY}]
        else:
            values["priority"] = int(number)
    if given("enabled"):
        values["enabled"] = flag(data.get("enabled", True))
    for key, choices, default in (("applies_to", PricingRule.AppliesTo, "all"),
                                  ("warranty", PricingRule.Warranty, "any"),
                                  ("customers", PricingRule.Customers, "any"),
                                  ("effect", PricingRule.Effect, "free")):
        if given(key):
            values[key] = _choice(data.get(key) or default, choices, key, errors)
    if given("part_category_id"):
        raw = data.get("part_category_id")
        values["part_category"] = None if raw in (None, "", 0, "0") else references.resolve(
            actor, lambda _actor: queries.categories(), raw, field="part_category_id", errors=errors)
    if given("service_category"):
        values["service_category"] = clean.text(data.get("service_category"), 50, "service_category", errors)
    if given("customer_tag"):
        values["customer_tag"] = clean.text(data.get("customer_tag"), 30, "customer_tag", errors)
    if given("value"):
        raw = data.get("value")
        number = Decimal(0) if raw in (None, "") else decimal(raw)
        if number is None or number < 0 or number > Decimal("9999999999") or number != number.quantize(Decimal("0.01")):
            errors["value"] = [_("Enter an amount between 0 and %(max)s with at most 2 decimal places.")
                               % {"max": "9999999999"}]
        else:
            values["value"] = number
    merged = {key: getattr(current, key) for key in RULE_TRACKED} if current is not None else {}
    merged.update(values)
    _check_consistency(merged, errors)
    return values


def _check_consistency(rule, errors):
    effect = rule.get("effect")
    value = rule.get("value") or Decimal(0)
    if effect in ("percent", "discount") and value > 100 and "value" not in errors:
        errors["value"] = [_("A percentage is between 0 and 100.")]
    if rule.get("customers") == "tag" and not rule.get("customer_tag") and "customer_tag" not in errors:
        errors["customer_tag"] = [_("Enter the customer tag the rule applies to.")]
    if rule.get("part_category") is not None and rule.get("applies_to") == "services":
        errors["part_category_id"] = [_("A part category applies to parts only.")]
    if rule.get("service_category") and rule.get("applies_to") == "parts":
        errors["service_category"] = [_("A service item category applies to service items only.")]


def _taken(name):
    return _("A pricing rule named %(name)s exists already.") % {"name": name}


def _save(rule):
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise ValidationFailed(details={"name": [_taken(rule.name)]}) from None


def create_pricing_rule(*, actor, request=None, **data):
    policy.require(actor, None, "pricing.manage")
    errors = {}
    values = _rule_values(actor, data, errors, partial=False)
    with transaction.atomic():
        if "name" not in errors and PricingRule.objects.filter(name=values.get("name")).exists():
            errors["name"] = [_taken(values["name"])]
        clean.raise_if(errors)
        rule = PricingRule(**values)
        _save(rule)
        timeline.record(actor=actor, obj=rule, verb="pricing_rule.created", summary=_("Created the pricing rule"))
        outbox.emit("pricing_rule.created", pricing_rule_id=rule.pk, actor_id=actor_id(actor))
    return rule


def _locked(rule):
    locked = PricingRule.objects.select_for_update().filter(pk=getattr(rule, "pk", rule)).first()
    if locked is None:
        raise NotFound()
    return locked


def update_pricing_rule(*, actor, rule, request=None, **data):
    policy.require(actor, rule, "pricing.manage")
    with transaction.atomic():
        rule = _locked(rule)
        errors = {}
        values = _rule_values(actor, data, errors, partial=True, current=rule)
        if values.get("name") and values["name"] != rule.name and \
                PricingRule.objects.filter(name=values["name"]).exclude(pk=rule.pk).exists():
            errors["name"] = [_taken(values["name"])]
        clean.raise_if(errors)
        before = {key: getattr(rule, key) for key in RULE_TRACKED}
        for key, value in values.items():
            setattr(rule, key, value)
        _save(rule)
        recorded = timeline.diff(rule, before, RULE_TRACKED)
        if recorded:
            timeline.record(actor=actor, obj=rule, verb="pricing_rule.updated", summary=_("Edited the pricing rule"),
                            changes=recorded)
            outbox.emit("pricing_rule.updated", pricing_rule_id=rule.pk, actor_id=actor_id(actor))
    return rule


def delete_pricing_rule(*, actor, rule, request=None):
    policy.require(actor, rule, "pricing.manage")
    with transaction.atomic():
        rule = _locked(rule)
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted pricing rule %(name)s") % {"name": rule.name},
            detail={"object": "pricing_rule", "id": rule.pk})
        outbox.emit("pricing_rule.deleted", pricing_rule_id=rule.pk, actor_id=actor_id(actor))
        rule.delete()
