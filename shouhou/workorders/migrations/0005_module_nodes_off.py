"""Switch 自动回访, 结算 and 回访 off in stored flows (hardening issue).

Nothing performs these nodes yet, so an order of a type with 结算 or 回访 on could never be closed. The
flow now reads them as off until their module registers a performer (flow.register_performer); this
migration also stores them as off, so that installing the settlement or return-visit module later does
not silently switch on a node the company turned on when it did nothing. The names are written out
here: a migration must not depend on which modules are installed.
"""

from django.db import migrations

NODES = ("auto_visit", "settle", "visit")


def switch_off(apps, schema_editor):
    WorkOrderType = apps.get_model("workorders", "WorkOrderType")
    for order_type in WorkOrderType.objects.all().only("pk", "flow").iterator():
        flow = order_type.flow if isinstance(order_type.flow, dict) else {}
        on = [node for node in NODES if isinstance(flow.get(node), dict) and flow[node].get("enabled") is True]
        if on:
            flow = {**flow, **{node: {**flow[node], "enabled": False} for node in on}}
            WorkOrderType.objects.filter(pk=order_type.pk).update(flow=flow)


class Migration(migrations.Migration):

    dependencies = [
        ("workorders", "0004_approval_routed_to_admins"),
    ]

    operations = [
        migrations.RunPython(switch_off, migrations.RunPython.noop),
    ]
