"""Isolation-walk declarations for plans (see core/testing/isolation.py), found there as `<app>.testing`."""

from shouhou.core.testing.isolation import populator, route_params

PLAN = "plans.Plan"


@populator
def plans_data(tenant, owner, marker):
    """A daily plan on a customer of its own, generated once (so PlanOccurrence has a row)."""
    from shouhou.customers import services as customer_services
    from shouhou.plans import services
    from shouhou.workorders.services import types as type_services

    customer = customer_services.create_customer(
        actor=owner, name=f"{marker}计划客户", owner_ids=[owner.pk],
        contacts=[{"name": f"{marker}计划联系人", "phone": "13922224444"}],
        addresses=[{"province": "浙江省", "city": "杭州市", "detail": f"{marker}路 10 号",
                    "latitude": "30.274085", "longitude": "120.155070"}])
    order_type = type_services.save_type(actor=owner, name=f"{marker}计划类型")
    plan = services.create_plan(actor=owner, name=f"{marker}月度巡检", order_type=order_type, customer=customer,
                                freq="daily", start_date=services.company_today(tenant), dispatch_mode="assignee",
                                assignee=owner)
    services.generate(actor=owner, plan=plan)


for name in ("detail", "edit", "pause", "resume", "generate", "delete"):
    route_params(f"plans:{name}", pk=PLAN)
for name in ("get_plan", "update_plan", "delete_plan", "pause_plan", "resume_plan", "generate"):
    route_params(f"api:plans_{name}", plan_id=PLAN)
