"""Dispatch demo data (issue 10, "Demo data"): the company's skills (技能) on the field engineers, the
work-order pool switched on with a notification radius, and a few 待指派 orders published to the pool
(工单池) for the engineers around 上海 and 杭州 to claim. The engineers' recent positions near their teams
(上海一组 / 上海二组 / 杭州组 …) come from the work-order seeder (`workorders.report_positions`).

Call it with the demo company active, after the work orders exist. What is already there is kept, so
seeding twice adds nothing."""

from shouhou.accounts import skills as skill_services
from shouhou.accounts.models import Skill, User
from shouhou.core import company_settings
from shouhou.demo.customers import HistoryClock, history
from shouhou.workorders import policy as order_policy
from shouhou.workorders.models import Status, WorkOrder
from shouhou.workorders.services import pool as pool_services

DEMO_SKILLS = ["空调维修", "制冷设备维保", "高压电工证", "电梯维保", "弱电布线"]
ENGINEER_SKILLS = {
    "李强": ["空调维修", "高压电工证"], "马超": ["空调维修"], "朱磊": ["制冷设备维保", "空调维修"],
    "胡军": ["高压电工证", "电梯维保"], "郭涛": ["弱电布线"], "何勇": ["空调维修"],
    "高峰": ["空调维修", "制冷设备维保", "高压电工证"], "林俊": ["弱电布线", "电梯维保"],
    "罗斌": ["高压电工证"], "郑凯": ["空调维修"], "梁宇": ["弱电布线"], "谢鹏": ["电梯维保"],
    "唐亮": ["空调维修", "高压电工证"], "韩雪": ["制冷设备维保"], "董辉": ["高压电工证", "弱电布线"],
    "曹阳": ["空调维修"],
}
POOL_SETTINGS = {"workorder.pool_enabled": True, "workorder.pool_notify_km": 30.0,
                 "workorder.pool_notify_max": 10, "workorder.pool_timeout_hours": 4.0}
POOL_ORDERS = 6
SETTINGS_PERMISSION = "workorder_settings.manage"


def seed_skills(actor):
    """The skill list and each engineer's skills (an engineer who has some keeps them)."""
    existing = {skill.name: skill for skill in Skill.objects.all()}
    for name in DEMO_SKILLS:
        if name not in existing:
            existing[name] = skill_services.save_skill(actor=actor, name=name)
    people = {user.name: user for user in User.objects.for_tenant().filter(name__in=list(ENGINEER_SKILLS))}
    for name, skill_names in ENGINEER_SKILLS.items():
        user = people.get(name)
        if user is None or user.skills.exists():
            continue
        skill_services.set_user_skills(actor=actor, user=user,
                                       skill_ids=[existing[skill].pk for skill in skill_names])


def seed_pool(actor):
    """Switch the pool on (once: a company that changed the settings keeps them) and publish the oldest
    待指派 orders up to POOL_ORDERS (at most half of them) in the pool. Returns the number published now."""
    if not company_settings.get("workorder.pool_enabled"):
        company_settings.update_settings(actor=actor, values=POOL_SETTINGS, permission=SETTINGS_PERMISSION)
    if WorkOrder.objects.filter(status=Status.POOLED).exists():  # seeded before (or claimed since): keep it
        return 0
    waiting = [order for order in WorkOrder.objects.filter(status=Status.PENDING, assignee=None, awaiting_approval=False)
               .order_by("created_at", "pk") if order_policy.refusal(actor, order, "publish") is None]
    missing = min(POOL_ORDERS, len(waiting) // 2)  # half stay 待指派 for the dispatcher
    with history(HistoryClock()):  # the pool's notifications are delivered with the step, not on a later run
        for order in waiting[:missing]:
            pool_services.publish(actor=actor, order=order, note="")
    return max(missing, 0)


def seed(actor):
    seed_skills(actor)
    return seed_pool(actor)
