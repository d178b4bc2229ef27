"""Isolation-walk declarations for reminders (see core/testing/isolation.py), found there as `<app>.testing`."""

import datetime as dt

from shouhou.core.testing.isolation import populator, route_params

RULE, REMINDER = "reminders.ReminderRule", "reminders.Reminder"


@populator
def reminders_data(tenant, owner, marker):
    """A rule on a customer of its own, sent once (so every reminder model has rows), and a product rule."""
    from shouhou.customers import services
    from shouhou.reminders import services as reminder_services

    customer = services.create_customer(actor=owner, name=f"{marker}提醒客户", owner_ids=[owner.pk],
                                        contacts=[{"name": f"{marker}提醒联系人", "phone": "13922223333"}],
                                        addresses=[{"province": "浙江省", "city": "杭州市", "detail": f"{marker}路 9 号",
                                                    "latitude": "30.274085", "longitude": "120.155070"}])
    rule = reminder_services.save_rule(
        actor=owner, name=f"{marker}回访提醒", description=f"{marker}说明", target="customer", kind="periodic",
        anchor_field="", fixed_date=dt.date(2020, 1, 1), every=1, unit="month", notify_owner=True)
    reminder_services.attach_rule(actor=owner, rule=rule, objects=[customer])
    reminder_services.send_due_reminders(today=dt.date.today() + dt.timedelta(days=40))
    reminder_services.save_rule(actor=owner, name=f"{marker}保修到期提醒", target="product", kind="once",
                                anchor_field="warranty_end", every=0, lead_days=30, notify_owner=True)


for name in ("rule_detail", "rule_edit", "rule_toggle", "rule_delete"):
    route_params(f"reminders:{name}", pk=RULE)
route_params("reminders:detach", pk=REMINDER)
route_params("reminders:for_object", customer_id="customers.Customer", product_id="products.Product")
