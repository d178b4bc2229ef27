"""Console pages of reminders (CUS-07, CUS-11, PRD-10): the rule list (自动提醒设置), the rule editor and
page, the 批量提醒 dialog the customer and product lists open, and the 客户提醒 part of a record's page.

Every read goes through `reminders.queries`, every write through `reminders.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from shouhou.core.dialogs import finished, permitted_url, render_modal, show_error
from shouhou.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.generic_views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from shouhou.core.lists import Column, Filter, StandardList, Tab
from shouhou.core.permissions import has_perm

from . import queries, services
from .forms import AttachForm, RuleForm
from .models import ReminderDelivery, ReminderRule

Rule = ReminderRule
NAME_PREVIEW = 8


# --- how a rule reads ---------------------------------------------------------------------------------------

def unit_label(rule, count):
    labels = {
        Rule.Unit.DAY: ngettext("%(n)d day", "%(n)d days", count),
        Rule.Unit.WEEK: ngettext("%(n)d week", "%(n)d weeks", count),
        Rule.Unit.MONTH: ngettext("%(n)d month", "%(n)d months", count),
    }
    return labels.get(rule.unit, "%(n)d") % {"n": count}


def start_label(rule):
    if not rule.anchor_field:
        return rule.fixed_date.isoformat() if rule.fixed_date else "—"
    return str(queries.anchor_label(rule.target, rule.anchor_field))


def describe_schedule(rule):
    """"Every 3 months from Installation date, 7 days in advance" and the like."""
    start = start_label(rule)
    if rule.kind == Rule.Kind.PERIODIC:
        text = _("Every %(interval)s from %(start)s") % {"interval": unit_label(rule, rule.every), "start": start}
    elif rule.every:
        text = _("Once, %(interval)s after %(start)s") % {"interval": unit_label(rule, rule.every), "start": start}
    else:
        text = _("Once, on %(start)s") % {"start": start}
    if rule.lead_days:
        text += _(", %(n)d days in advance") % {"n": rule.lead_days}
    return text


def describe_recipients(rule):
    people = []
    if rule.notify_owner:
        people.append(_("customer owners"))
    if rule.notify_team_leader:
        people.append(_("service team leaders"))
    people += [user.name for user in rule.users.all()]
    if rule.sms_contact:
        people.append(_("the contact by SMS"))
    return "、".join(str(p) for p in people)


def status_badge(rule):
    if rule.is_active:
        return format_html('<span class="badge text-bg-success">{}</span>', _("Enabled"))
    return format_html('<span class="badge text-bg-secondary">{}</span>', _("Disabled"))


def record_url(user, record):
    """The customer's or product's page, only for a user whose role may open it (else plain text)."""
    if queries.target_of(record) == Rule.Target.CUSTOMER:
        return permitted_url(user, "customer.view", "customers:detail", record.pk)
    return permitted_url(user, "product.view", "products:detail", record.pk)


# --- the rule list (CUS-11) ----------------------------------------------------------------------------------

class RuleList(StandardList):
    key = "reminder_rules"
    title = gettext_lazy("Auto reminders")
    template = "reminders/rule_list.html"
    toolbar_template = "reminders/_rule_toolbar.html"
    search_fields = ["name", "description"]
    search_placeholder = gettext_lazy("Rule name or description")
    default_sort = "-created_at"
    filters = [
        Filter("active", gettext_lazy("Status"), "is_active", kind="bool",
               choices=lambda r: [("1", _("Enabled")), ("0", _("Disabled"))]),
    ]

    def __init__(self, request):
        super().__init__(request)
        self.tabs = [Tab("all", gettext_lazy("All"))] + [
            Tab(target, label, Q(target=target)) for target, label in Rule.Target.choices
            if target in queries.remindable_targets(request.user)]
        self.columns = [
            Column("name", pgettext_lazy("reminder rule", "Name"), sortable=True,
                   link=lambda r: reverse("reminders:rule_detail", args=[r.pk])),
            Column("description", gettext_lazy("Description"), css="col-wide"),
            Column("is_active", gettext_lazy("Status"), value=status_badge, html=True, sortable=True,
                   export=lambda r: _("Enabled") if r.is_active else _("Disabled")),
            Column("target", gettext_lazy("Applies to"), value=lambda r: r.get_target_display(), sortable=True),
            Column("sent_count", gettext_lazy("Times sent"), sortable=True, kind="count",
                   link=lambda r: reverse("reminders:rule_detail", args=[r.pk]) + "#deliveries"),
            Column("schedule", gettext_lazy("Schedule"), value=describe_schedule, default=False, css="col-wide"),
            Column("recipients", gettext_lazy("Recipients"), value=describe_recipients, default=False,
                   css="col-wide"),
            Column("record_count", gettext_lazy("Records"), sortable=True, default=False, kind="count"),
            Column("created_at", gettext_lazy("Created at"), sortable=True, default=False,
                   value=lambda r: timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                   export=lambda r: r.created_at),
            Column("actions", gettext_lazy("Actions"), value=self.actions_cell, html=True, css="col-actions", export=lambda r: ""),
        ]

    def base_queryset(self, request):
        return (queries.visible_rules(request.user).prefetch_related("users")
                .annotate(record_count=Count("reminders")))

    def actions_cell(self, rule):
        return render_to_string("reminders/_rule_actions.html", {"rule": rule}, request=self.request)

    def extra_context(self, request):
        return {"can_create": bool(queries.remindable_targets(request.user))}


class RuleListView(ObjectListView):
    list_class = RuleList


# --- the editor and the rule's page ----------------------------------------------------------------------------

class RuleEditView(ObjectEditView):
    """New (for a user who may remind about customers or products) or edit a rule."""

    template = "reminders/rule_form.html"

    def get_object(self, request, pk=None):
        if pk is not None:
            return queries.get_rule(request.user, pk)
        if not queries.remindable_targets(request.user):
            raise PermissionDenied()
        return None

    def get_form(self, request, rule):
        return RuleForm(request.POST or None, actor=request.user, rule=rule)

    def save(self, request, form, rule):
        return services.save_rule(actor=request.user, rule=rule, request=request, **form.service_values())

    def success_message(self, request, form, saved, created):
        return _("Reminder rule %(name)s saved.") % {"name": saved.name}

    def success_url(self, request, saved, created):
        return reverse("reminders:rule_detail", args=[saved.pk])

    def get_context(self, request, form, rule):
        return {"form": form, "rule": rule, "title": _("Edit reminder rule") if rule else _("New reminder rule"),
                "placeholders": services.PLACEHOLDERS, "product_placeholder": services.PRODUCT_TAG}


class _RuleView:
    def get_object(self, request, pk):
        return queries.get_rule(request.user, pk)

    def success_url(self, request, rule):
        return reverse("reminders:rules")


class RuleView(_RuleView, ObjectView):
    template = "reminders/rule_detail.html"

    def get_context(self, request, rule):
        reminders = queries.visible_reminders_of_rule(request.user, rule)
        return {
            "rule": rule, "schedule": describe_schedule(rule), "recipients": describe_recipients(rule),
            "reminders": [(reminder, record_url(request.user, reminder.record)) for reminder in reminders],
            "deliveries": [(d, record_url(request.user, d.record) if d.record else "")
                           for d in queries.visible_deliveries_of_rule(request.user, rule)],
            "attach_url": _attach_url(rule.target),
        }


class RuleToggleView(_RuleView, ObjectActionView):
    """Enable (`active=1`) or disable a rule."""

    def act(self, request, rule):
        services.set_rule_active(actor=request.user, rule=rule, active=request.POST.get("active") == "1",
                                 request=request)

    def success_message(self, request, rule):
        if request.POST.get("active") == "1":
            return _("Reminder rule %(name)s enabled.") % {"name": rule.name}
        return _("Reminder rule %(name)s disabled.") % {"name": rule.name}


class RuleDeleteView(_RuleView, ObjectDeleteView):
    def delete(self, request, rule):
        services.delete_rule(actor=request.user, rule=rule, request=request)

    def success_message(self, request, rule):
        return _("Reminder rule %(name)s deleted.") % {"name": rule.name}


# --- 批量提醒: attach a rule to selected customers or products ---------------------------------------------------

def _attach_url(target):
    return reverse("reminders:attach_customers" if target == Rule.Target.CUSTOMER else "reminders:attach_products")


def _selected_ids(request):
    values = request.POST.getlist("ids") or request.GET.getlist("ids")
    ids = set()
    for value in values:
        if not str(value).strip().isdigit():
            raise NotFound()
        ids.add(int(value))
    if not ids:
        raise ValidationFailed(_("Select at least one record."))
    return ids


@login_required
def attach(request, target=None):
    """GET: the dialog listing the enabled rules for the records' type; POST: attach the chosen one.

    The target comes from the URL (attach_customers / attach_products) or ?target=customer|product;
    the records are ?ids=1&ids=2 (the standard list's batch selection)."""
    target = target or request.POST.get("target") or request.GET.get("target")
    if target not in Rule.Target.values:
        raise ValidationFailed(_("Choose whether to remind about customers or products."))
    queries.require_remind(request.user, target)
    records = queries.records_for(request.user, target, _selected_ids(request))
    form = AttachForm(request.POST or None, rules=queries.rules_to_attach(request.user, target))
    if request.method == "POST" and form.is_valid():
        try:
            result = services.attach_rule(actor=request.user, rule=form.chosen_rule(), objects=records)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _attach_message(form.chosen_rule(), result))
            return finished(request)
    return render_modal(request, "reminders/_attach.html", {
        "form": form, "records": records, "target": target, "title": _("Batch reminder"),
        "action": request.path, "schedules": {rule.pk: describe_schedule(rule) for rule in form.rules},
        "preview": records[:NAME_PREVIEW], "more": len(records) > NAME_PREVIEW,
    }, status=400 if form.errors else 200)


def _attach_message(rule, result):
    text = ngettext("Reminder “%(rule)s” added to %(n)d record.", "Reminder “%(rule)s” added to %(n)d records.",
                    len(result.added)) % {"rule": rule.name, "n": len(result.added)}
    if result.already:
        text += " " + ngettext("%(n)d already had it.", "%(n)d already had it.", result.already) % {"n": result.already}
    if result.without_date:
        text += " " + ngettext("%(n)d has no date to remind of yet.", "%(n)d have no date to remind of yet.",
                               result.without_date) % {"n": result.without_date}
    return text


# --- a record's reminders (the 客户提醒 tab of customer and product pages) -------------------------------------

@login_required
def for_object(request, customer_id=None, product_id=None):
    target = Rule.Target.CUSTOMER if customer_id is not None else Rule.Target.PRODUCT
    record = queries.record_for(request.user, target, customer_id if customer_id is not None else product_id)
    may_remind = has_perm(request.user, queries.REMIND_PERMS[target])
    reminders = queries.reminders_of(record)
    return render(request, "reminders/_for_object.html", {
        "record": record, "target": target, "may_remind": may_remind,
        "reminders": [(reminder, describe_schedule(reminder.rule)) for reminder in reminders],
        "deliveries": queries.deliveries_of(record),
        "attach_url": f"{_attach_url(target)}?ids={record.pk}" if may_remind else "",
        "SmsStatus": ReminderDelivery.SmsStatus,
    })


class DetachView(ObjectActionView):
    """Remove a rule from one record (from the record's tab or the rule's page: back where it was clicked)."""

    def get_object(self, request, pk):
        return queries.get_reminder(request.user, pk)

    def act(self, request, reminder):
        services.detach(actor=request.user, reminder=reminder)

    def success_message(self, request, reminder):
        return _("Reminder “%(rule)s” removed.") % {"rule": reminder.rule.name}

    def success_url(self, request, reminder):
        return reverse("reminders:rule_detail", args=[reminder.rule_id])
