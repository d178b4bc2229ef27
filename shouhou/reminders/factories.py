"""Test data of reminders (rules, attached reminders, their deliveries), built through
shouhou.reminders.services."""

import datetime as dt
import itertools

_seq = itertools.count(1)


def _customers(actor):
    from shouhou.customers.factories import CustomersFactory

    return CustomersFactory(actor)


class RemindersFactory:
    def __init__(self, actor):
        self.actor = actor

    def rule(self, *, name=None, target="customer", kind="periodic", **values):
        """A periodic customer rule from a fixed date, sent to the owner, unless told otherwise."""
        from shouhou.reminders import services as reminder_services

        if kind == "periodic":
            values.setdefault("fixed_date", dt.date(2020, 1, 1))
            values.setdefault("every", 1)
            values.setdefault("unit", "month")
        values.setdefault("notify_owner", True)
        return reminder_services.save_rule(actor=self.actor, name=name or f"测试提醒{next(_seq)}", target=target,
                                           kind=kind, **values)

    def reminder(self, *, rule=None, record=None):
        """The reminder of `rule` (a new one by default) on `record` (a new customer by default)."""
        from shouhou.reminders import services as reminder_services
        from shouhou.reminders.models import Reminder

        rule = rule or self.rule()
        record = record or _customers(self.actor).customer(owner_ids=[self.actor.pk])
        reminder_services.attach_rule(actor=self.actor, rule=rule, objects=[record])
        return Reminder.objects.filter(rule=rule).order_by("-pk").first()

    def delivery(self, *, rule=None, record=None):
        """The delivery of a reminder sent on its due date (by the sending task's service), with an SMS to the
        customer's contact queued: a rule asking for one (a new one by default) on `record`."""
        from shouhou.reminders import services as reminder_services
        from shouhou.reminders.models import ReminderDelivery

        rule = rule or self.rule(sms_contact=True, sms_template="{客户}您好，{日期}到期")
        reminder = self.reminder(rule=rule, record=record)
        reminder_services.deliver_reminder(reminder.pk, today=reminder.next_due)
        return ReminderDelivery.objects.filter(reminder=reminder).order_by("-pk").first()
