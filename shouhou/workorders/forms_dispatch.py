"""The auto-assignment rule editor's forms (自动派单规则, issue 10): the rule (its conditions — regions
picked with the kit's region list — and its target) and the 测试规则 panel."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.forms import team_choices, user_choices
from shouhou.core.forms import ChecklistField, ConsoleForm, RegionListField

from .models import Priority, ServiceOption
from .queries import types as type_queries
from .services import dispatch_rules as rule_services


class DispatchRuleForm(ConsoleForm):
    """The rule editor: name, priority, enabled; every condition (empty: any order); the target. The
    conditions and the target are handed to services.dispatch_rules as the API's body."""

    name = forms.CharField(label=_("Rule name"), max_length=50)
    priority = forms.IntegerField(label=_("Priority"), required=False, min_value=0, max_value=1_000_000,
                                  help_text=_("Lower runs first. Empty: after every other rule."))
    is_enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    order_type_ids = ChecklistField(label=_("Work-order types"))
    priorities = ChecklistField(label=_("Priorities"), coerce=str, choices=Priority.choices)
    service_type_ids = ChecklistField(label=_("Service types"))
    team_ids = ChecklistField(label=_("Customer's service team"))
    product_type_ids = ChecklistField(label=_("Product types"))
    regions = RegionListField(
        label=_("Regions"), help_text=_("A province alone covers all of it; a city, its districts."))
    tags = forms.CharField(label=_("Customer tags"), required=False, max_length=1000,
                           help_text=_("Separated by commas; the customer has at least one of them."))
    custom_fields = forms.CharField(
        label=_("Custom fields"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One condition a line: field key=value, e.g. brand=格力."))
    target_kind = forms.ChoiceField(label=_("Assign to"), widget=forms.RadioSelect, initial="best_candidate")
    target_user = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    target_team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    radius_km = forms.DecimalField(label=_("Within (km)"), required=False, min_value=Decimal("0.01"),
                                   max_value=10_000, decimal_places=2,
                                   help_text=_("Empty: the best-ranked candidate wherever he is."))

    field_aliases = {"target.user_id": "target_user", "target.team_id": "target_team",
                     "target.radius_km": "radius_km", "target.kind": "target_kind", "target": "target_kind",
                     "enabled": "is_enabled", "fields": "custom_fields"}

    def __init__(self, *args, actor, rule=None, **kwargs):
        from shouhou.accounts.models import User
        from shouhou.products.queries import product_types

        from .models import DispatchRule

        if rule is not None:
            kwargs.setdefault("initial", self.initial_of(rule))
        super().__init__(*args, **kwargs)
        self.fields["order_type_ids"].choices = [(t.pk, t.name) for t in type_queries.all_types()]
        self.fields["service_type_ids"].choices = [
            (o.pk, o.name) for o in ServiceOption.objects.filter(kind=ServiceOption.Kind.SERVICE_TYPE)
            .order_by("sort_order", "pk")]
        teams = team_choices(actor)
        self.fields["team_ids"].choices = teams
        self.fields["product_type_ids"].choices = [(t.pk, t.name) for t in product_types()]
        self.fields["target_kind"].choices = DispatchRule.Target.choices
        self.fields["target_user"].choices = [("", "—")] + user_choices(
            User.objects.for_tenant().filter(is_active=True).order_by("name", "pk"))
        self.fields["target_team"].choices = [("", "—")] + list(teams)
        searchable = rule_services.searchable_fields()
        if searchable:
            names = "、".join(f"{key}（{fields[0].label}）" for key, fields in sorted(searchable.items()))
            self.fields["custom_fields"].help_text = _(
                "One condition a line: field key=value, e.g. brand=格力. Searchable fields: %(names)s") % {
                "names": names}

    @staticmethod
    def initial_of(rule):
        c = rule.conditions or {}
        return {"name": rule.name, "priority": rule.priority, "is_enabled": rule.is_enabled,
                **{key: c.get(key) or [] for key in ("order_type_ids", "priorities", "service_type_ids", "team_ids",
                                                     "product_type_ids")},
                "regions": c.get("regions") or [], "tags": ", ".join(c.get("tags") or []),
                "custom_fields": "\n".join(f"{k}={v}" for k, v in (c.get("fields") or {}).items()),
                "target_kind": rule.target_kind, "target_user": rule.target_user_id, "target_team": rule.target_team_id,
                "radius_km": rule.radius_km}

    def clean_tags(self):
        import re

        return [tag.strip() for tag in re.split(r"[,，、;；\n]", self.cleaned_data["tags"]) if tag.strip()]

    def clean_custom_fields(self):
        out = {}
        for line in self.cleaned_data["custom_fields"].splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(_("Write each condition as key=value."))
            out[key.strip()] = value.strip()
        return out

    def service_values(self):
        data = self.cleaned_data
        values = {
            "name": data["name"], "priority": data["priority"], "enabled": data["is_enabled"],
            "conditions": {key: data[key] for key in ("order_type_ids", "priorities", "service_type_ids", "team_ids",
                                                      "product_type_ids", "regions", "tags")},
            "target": {"kind": data["target_kind"], "user_id": data["target_user"], "team_id": data["target_team"],
                       "radius_km": data["radius_km"]},
        }
        values["conditions"]["fields"] = data["custom_fields"]
        return values


class DispatchTestForm(ConsoleForm):
    """测试规则: an order (its number or id) and, optionally, one rule."""

    order = forms.CharField(label=_("Work order"), max_length=30,
                            widget=forms.TextInput(attrs={"placeholder": _("Work-order number")}))
    rule = forms.TypedChoiceField(label=_("Rule"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("All enabled rules, in order"))] + [(r.pk, r.name) for r in rules]
