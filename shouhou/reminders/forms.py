"""Console forms of reminder rules and of attaching them. They parse input; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.forms import user_choices
from shouhou.accounts.queries import pickable_users
from shouhou.core.forms import ChecklistField, ConsoleForm
from shouhou.core.widgets import DateInput

from . import queries
from .models import ReminderRule

Rule = ReminderRule
FIXED_DATE = ""  # the anchor choice "a fixed date"


class RuleForm(ConsoleForm):
    """The rule editor. The "count from" choice is one select per target (the page shows the one of
    the chosen target); `service_values` hands the services the one that applies."""

    name = forms.CharField(label=_("Rule name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.ChoiceField(label=_("Applies to"), widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Reminder type"), choices=Rule.Kind.choices, widget=forms.RadioSelect,
                             initial=Rule.Kind.PERIODIC)
    anchor_customer = forms.ChoiceField(label=_("Count from"), required=False)
    anchor_product = forms.ChoiceField(label=_("Count from"), required=False)
    fixed_date = forms.DateField(label=_("Date"), required=False, input_formats=["%Y-%m-%d", "%Y/%m/%d"],
                                 widget=DateInput())
    every = forms.IntegerField(label=_("Interval"), min_value=0, max_value=1000, initial=1)
    unit = forms.ChoiceField(label=_("Unit"), choices=Rule.Unit.choices, initial=Rule.Unit.MONTH)
    lead_days = forms.IntegerField(label=_("Days in advance"), min_value=0, max_value=365, initial=0,
                                   help_text=_("Remind this many days before the due date; 0 on the day."))
    notify_owner = forms.BooleanField(label=_("The customer's owners"), required=False, initial=True)
    notify_team_leader = forms.BooleanField(label=_("The leaders of the customer's service team"), required=False)
    user_ids = ChecklistField(label=_("Named colleagues"))
    sms_contact = forms.BooleanField(label=_("Text the customer's default contact"), required=False)
    sms_template = forms.CharField(
        label=_("SMS text"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Placeholders: {客户} the customer's name, {产品} the product's name, {日期} the due date. "
                    "Each SMS counts against the company's SMS quota."))

    def __init__(self, *args, actor, rule=None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = rule_initial(rule)
        super().__init__(*args, **kwargs)
        self.rule = rule
        targets = queries.remindable_targets(actor)
        if rule is not None and rule.target not in targets:
            targets.append(rule.target)
        self.fields["target"].choices = [(t, label) for t, label in Rule.Target.choices if t in targets]
        if rule is None and targets:
            self.fields["target"].initial = targets[0]
        fixed = [(FIXED_DATE, _("A fixed date"))]
        for target in Rule.Target.values:
            field = self.fields[f"anchor_{target}"]
            field.choices = [*queries.anchor_choices(target), *fixed]
            if rule is not None and rule.target == target and rule.anchor_field not in dict(field.choices):
                field.choices.insert(0, (rule.anchor_field, queries.anchor_label(target, rule.anchor_field)))
            if rule is None or rule.target != target:  # the other target's select starts on its first date field
                self.initial.setdefault(f"anchor_{target}", field.choices[0][0])
        kept = list(rule.users.all()) if rule is not None else []
        people = {user.pk: user for user in [*pickable_users(actor), *kept]}
        self.fields["user_ids"].choices = user_choices(sorted(people.values(), key=lambda u: (u.name, u.pk)))

    @property
    def field_aliases(self):
        target = self.data.get("target") or (self.rule.target if self.rule else "")
        return {"anchor_field": f"anchor_{target}" if target in Rule.Target.values else "anchor_customer",
                "users": "user_ids"}

    def chosen_target(self):
        return self["target"].value() or ""

    def service_values(self):
        data = self.cleaned_data
        target = data["target"]
        return {
            "name": data["name"], "description": data["description"], "target": target, "kind": data["kind"],
            "anchor_field": data.get(f"anchor_{target}") or "", "fixed_date": data.get("fixed_date"),
            "every": data["every"], "unit": data["unit"], "lead_days": data["lead_days"],
            "notify_owner": data["notify_owner"], "notify_team_leader": data["notify_team_leader"],
            "user_ids": data["user_ids"], "sms_contact": data["sms_contact"], "sms_template": data["sms_template"],
        }


def rule_initial(rule):
    return {
        "name": rule.name, "description": rule.description, "target": rule.target, "kind": rule.kind,
        f"anchor_{rule.target}": rule.anchor_field, "fixed_date": rule.fixed_date, "every": rule.every,
        "unit": rule.unit, "lead_days": rule.lead_days, "notify_owner": rule.notify_owner,
        "notify_team_leader": rule.notify_team_leader, "user_ids": [u.pk for u in rule.users.all()],
        "sms_contact": rule.sms_contact, "sms_template": rule.sms_template,
    }


class AttachForm(ConsoleForm):
    """批量提醒: one of the enabled rules of the records' type."""

    rule = forms.TypedChoiceField(label=_("Reminder rule"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = list(rules)
        self.fields["rule"].choices = [(rule.pk, rule.name) for rule in self.rules]
        if len(self.rules) == 1:
            self.fields["rule"].initial = self.rules[0].pk

    def chosen_rule(self):
        wanted = self.cleaned_data["rule"]
        return next(rule for rule in self.rules if rule.pk == wanted)
