"""A few reminder rules for the demo company (issue 3, "Demo data"), made through the services.

    seed_reminder_rules(actor=owner, customers=[...], products=[...])

Call it with the demo company active, after its customers and products exist: it creates the rules,
attaches them to the given records, and sends what is due today, so the pages show history at once.
"""

from django.db.models import Q

from shouhou.reminders import services
from shouhou.reminders.models import ReminderRule

DEMO_RULES = [
    {"name": "季度回访提醒", "description": "每季度提醒客户负责人回访客户", "target": "customer", "kind": "periodic",
     "anchor_field": "created_at", "every": 3, "unit": "month", "lead_days": 3, "notify_owner": True},
    {"name": "年度合作回顾", "description": "每年提醒服务团队负责人与客户回顾合作情况", "target": "customer",
     "kind": "periodic", "anchor_field": "created_at", "every": 12, "unit": "month", "lead_days": 7,
     "notify_owner": False, "notify_team_leader": True},
    {"name": "保修到期提醒", "description": "保修到期前 30 天提醒负责人并短信通知客户", "target": "product",
     "kind": "once", "anchor_field": "warranty_end", "every": 0, "unit": "day", "lead_days": 30,
     "notify_owner": True, "sms_contact": True,
     "sms_template": "{客户}您好，您的{产品}将于{日期}保修到期，如需续保或保养请联系我们。"},
    {"name": "半年保养提醒", "description": "安装后每 6 个月提醒一次设备保养", "target": "product", "kind": "periodic",
     "anchor_field": "install_date", "every": 6, "unit": "month", "lead_days": 7, "notify_owner": True,
     "notify_team_leader": True},
]


def seed_reminder_rules(*, actor, customers=(), products=(), send=True):
    """Create the demo rules (once: names already present are kept) and attach them. Returns the rules."""
    existing = {rule.name: rule for rule in ReminderRule.objects.filter(Q(name__in=[r["name"] for r in DEMO_RULES]))}
    rules = []
    for values in DEMO_RULES:
        rule = existing.get(values["name"]) or services.save_rule(actor=actor, **values)
        records = list(customers) if rule.target == ReminderRule.Target.CUSTOMER else list(products)
        if records and rule.is_active:
            services.attach_rule(actor=actor, rule=rule, objects=records)
        rules.append(rule)
    if send:
        services.send_due_reminders()
    return rules
