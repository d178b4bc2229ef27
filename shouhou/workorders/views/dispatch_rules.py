"""自动派单规则 (系统管理 › 工单设置, issue 10): the rule list in running order with ↑/↓ and the enable switch,
the editor (every condition and the target), and the 测试规则 panel — pick an order, see which rule matches
and whom it would pick, with the reasons (services.dispatch_rules.explain: nothing is written). The 待指派
list's batch action 自动派单 runs the rules on the selected orders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from shouhou.core.bounds import parse_id
from shouhou.core.generic_views import ObjectActionView, ObjectDeleteView, ObjectEditView, ObjectTableView
from shouhou.core.http import back
from shouhou.core.permissions import require

from ..forms_dispatch import DispatchRuleForm, DispatchTestForm
from ..models import DispatchRule, Priority
from ..queries import dispatch_rules as rule_queries
from ..queries import orders as order_queries
from ..services import dispatch_rules as rule_services
from .common import selected_orders
from .settings import PERM


def _summary(rule, names):
    """The rule's conditions and target in a few words, for the list."""
    c = rule.conditions or {}
    parts = []
    for key, label in (("order_type_ids", _("Types")), ("service_type_ids", _("Service types")),
                       ("team_ids", _("Customer's service team")), ("product_type_ids", _("Product types"))):
        if c.get(key):
            parts.append(f"{label}: " + "、".join(names[key].get(pk, "?") for pk in c[key]))
    if c.get("priorities"):
        labels = dict(Priority.choices)
        parts.append(_("Priorities") + ": " + "、".join(str(labels.get(p, p)) for p in c["priorities"]))
    if c.get("regions"):
        parts.append(_("Regions") + ": " + "、".join(
            "".join(dict.fromkeys(p for p in (r.get("province"), r.get("city"), r.get("district")) if p))
            for r in c["regions"]))
    if c.get("tags"):
        parts.append(_("Customer tags") + ": " + "、".join(c["tags"]))
    if c.get("fields"):
        parts.append(_("Custom fields") + ": " + "、".join(f"{k}={v}" for k, v in c["fields"].items()))
    return parts


def target_text(rule):
    kind = rule.target_kind
    if kind == DispatchRule.Target.USER:
        return rule.target_user.name if rule.target_user else "—"
    if kind == DispatchRule.Target.TEAM_ROUND_ROBIN:
        return _("%(team)s, in turn") % {"team": rule.target_team.name if rule.target_team else "—"}
    if kind == DispatchRule.Target.TEAM_LEAST_LOADED:
        return _("The least-loaded member of %(team)s") % {"team": rule.target_team.name if rule.target_team else "—"}
    if rule.radius_km is not None:
        return _("The best-ranked candidate within %(km)s km") % {"km": f"{float(rule.radius_km):g}"}
    return _("The best-ranked candidate")


def _names():
    from shouhou.accounts.models import Team
    from shouhou.products.models import ProductType

    from ..models import ServiceOption, WorkOrderType

    return {"order_type_ids": dict(WorkOrderType.objects.values_list("pk", "name")),
            "service_type_ids": dict(ServiceOption.objects.values_list("pk", "name")),
            "team_ids": dict(Team.objects.values_list("pk", "name")),
            "product_type_ids": dict(ProductType.objects.values_list("pk", "name"))}


class RulesView(ObjectTableView):
    """The rules in running order, and the test panel (GET ?order=<number or id>&rule=<id>)."""

    permission = PERM
    template = "workorders/settings/dispatch_rules.html"

    def get_context(self, request):
        rules = list(rule_queries.visible_rules(request.user))
        names = _names()
        rows = [{"rule": rule, "conditions": _summary(rule, names), "target": target_text(rule),
                 "first": i == 0, "last": i == len(rules) - 1} for i, rule in enumerate(rules)]
        test_form = DispatchTestForm(request.GET if "order" in request.GET else None, rules=rules)
        return {"rows": rows, "test_form": test_form, "test": self.test(request, test_form, rules)}

    def test(self, request, form, rules):
        if not form.is_bound or not form.is_valid():
            return None
        order = _find_order(request.user, form.cleaned_data["order"])
        if order is None:
            form.add_error("order", _("No work order with this number."))
            return None
        rule = next((r for r in rules if r.pk == form.cleaned_data["rule"]), None)
        result = rule_services.explain(actor=request.user, order=order, rule=rule)
        return {"order": order, "result": result, "rule": rule,
                "outcomes": [{"outcome": o, "chosen": o is result.chosen} for o in result.outcomes]}


def _find_order(actor, text):
    text = (text or "").strip()
    orders = order_queries.visible_work_orders(actor).select_related("order_type", "customer", "product", "address")
    found = orders.filter(number=text).first()
    if found is None and parse_id(text) is not None:
        found = orders.filter(pk=parse_id(text)).first()
    return found


class _RuleView:
    permission = PERM

    def get_object(self, request, rule_id=None):
        return rule_queries.get_rule(request.user, rule_id) if rule_id is not None else None

    def success_url(self, request, *args):
        return reverse("workorders:dispatch_rules")


class RuleEditView(_RuleView, ObjectEditView):
    template = "workorders/settings/dispatch_rule_edit.html"

    def get_form(self, request, rule):
        return DispatchRuleForm(request.POST or None, actor=request.user, rule=rule)

    def save(self, request, form, rule):
        values = form.service_values()
        if rule is None:
            return rule_services.create_rule(actor=request.user, **values)
        if values["priority"] is None:
            values.pop("priority")
        return rule_services.update_rule(actor=request.user, rule=rule, **values)

    def success_message(self, request, form, rule, created):
        return (_("Rule %(name)s created.") if created else _("Rule %(name)s saved.")) % {"name": rule.name}

    def get_context(self, request, form, rule):
        return {"form": form, "rule": rule,
                "title": _("Edit auto-assignment rule") if rule else _("New auto-assignment rule")}


class RuleToggleView(_RuleView, ObjectActionView):
    def act(self, request, rule):
        rule_services.update_rule(actor=request.user, rule=rule, enabled=not rule.is_enabled)

    def success_message(self, request, rule):
        return (_("%(name)s disabled.") if rule.is_enabled else _("%(name)s enabled.")) % {"name": rule.name}


class RuleMoveView(_RuleView, ObjectActionView):
    def act(self, request, rule):
        rule_services.move_rule(actor=request.user, rule=rule, direction=request.POST.get("direction", ""))


class RuleDeleteView(_RuleView, ObjectDeleteView):
    def delete(self, request, rule):
        rule_services.delete_rule(actor=request.user, rule=rule)

    def success_message(self, request, rule):
        return _("Rule %(name)s deleted.") % {"name": rule.name}


@require_POST
@login_required
def batch_auto_assign(request):
    """自动派单 on the 待指派 list's selection: each order on its own; the flash says how many were assigned
    and, for the rest, why (each order's timeline and the dispatcher have the rules' reasons)."""
    require(request.user, "workorder.assign")
    done = rule_services.batch_auto_assign(actor=request.user, orders=selected_orders(request))
    assigned = [order for order, result, _error in done if result is not None and result.assigned]
    failed = [(order, error) for order, result, error in done if not (result is not None and result.assigned)]
    if assigned:
        messages.success(request, ngettext("%(n)d work order auto-assigned.", "%(n)d work orders auto-assigned.",
                                           len(assigned)) % {"n": len(assigned)})
    if failed:
        details = "；".join(f"{order.number}: {error or _('no rule found anyone (see its history)')}"
                           for order, error in failed[:10])
        messages.warning(request, ngettext("%(n)d work order was not assigned: %(details)s",
                                           "%(n)d work orders were not assigned: %(details)s", len(failed)) % {
            "n": len(failed), "details": details})
    return back(request, reverse("workorders:assign"))
