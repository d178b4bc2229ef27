"""The demo company's work orders (issue 4, "Demo data"), written by driving the work-order services.

    seed(actor, teams={name: Team}, customers=[Customer], products=[Product], scale=1.0) -> int

Five types with different flows — 安装 (accept and start on, completion approved by the assignee's team
leader), 维修 (timeouts on assign, accept and start), 巡检 (no accept step), 保养 (no start step) and 回访
(assignment approved by the 普通管理员 role) — the 服务类型 and 服务内容 lists, the location check, and about
2,000 orders over the last 90 days in every status and flag: pending, assigned, accepted, in progress,
paused, overdue, rejected back, awaiting approval, location anomaly, finished, closed and cancelled.

Each order is planned first (its outcome, people and the gaps between its steps, from a fixed random
seed), then lived through step by step — create → assign → accept → start → complete → close, with
rejections, transfers, pauses, notes, approvals, reopenings and cancellations on the way — under a
`HistoryClock` set to each step's moment, so numbers, timelines, status spans, receipts, approvals and
notifications read like real history. The node timeouts of orders still open are then checked once at
the real time, which marks the stalled ones overdue. A second run adds nothing once the company has the
target number of orders (an interrupted run resumes where it stopped).
"""

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from shouhou.accounts.models import Role, User
from shouhou.core import company_settings, permissions
from shouhou.core.errors import ValidationFailed
from shouhou.demo import receipts as receipt_demo
from shouhou.demo.customers import SEED, HistoryClock, history, jobs_inline, local_moment, scaled
from shouhou.messaging import services as messaging_services
from shouhou.messaging.models import Notification
from shouhou.workorders import flow
from shouhou.workorders.models import Approval, Priority, ServiceOption, WorkOrder, WorkOrderType
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services
from shouhou.workorders.services import locations as location_services
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import timeouts as timeout_services
from shouhou.workorders.services import types as type_services

TARGET_ORDERS = 2000
HISTORY_DAYS = 90
BATCH_SIZE = 200  # orders per transaction
NEAR, FAR = (0.0005, 0.004), (0.03, 0.07)  # degrees from the order address: on site / a location anomaly

# === settings, option lists and types ==================================================================

SERVICE_TYPES = ("保内免费", "保外收费", "免费")
# 服务内容: what is done, finer than the type (issue 15: a list whose 服务内容 repeated 工单类型 said nothing)
TYPE_CONTENTS = {
    "安装": ("新机安装", "移机安装", "安装调试"),
    "维修": ("故障检修", "更换配件", "上门检测"),
    "巡检": ("例行巡检", "安全检查"),
    "保养": ("清洁保养", "更换滤芯", "润滑紧固"),
    "回访": ("满意度回访", "延保推荐"),
}
CONSULTATION = "使用咨询"
SERVICE_CONTENTS = (*(name for names in TYPE_CONTENTS.values() for name in names), CONSULTATION)
LOCATION_CHECK = {"workorder.location_check_enabled": True, "workorder.location_check_nodes": ["start", "finish"],
                  "workorder.location_max_km": 2.0}
REMIND_ASSIGNEE_BEFORE = {"related": ["assignee"], "user_ids": [], "when": "before", "minutes": 30}
REMIND_AFTER = {"related": ["assignee", "creator"], "user_ids": [], "when": "after", "minutes": 60}


@dataclass(frozen=True)
class DemoType:
    name: str
    color: str
    weight: int  # share of the orders
    contents: tuple  # its 服务内容 (TYPE_CONTENTS)
    flow: dict
    timeout_reminder: dict


def demo_types(manager_role_id):
    return [
        DemoType("安装", "#1677ff", 14, TYPE_CONTENTS["安装"], {
            "accept": {"enabled": True, "timeout_hours": 4}, "start": {"enabled": True},
            "finish": {"timeout_hours": 72, "approval": {"rule": "team_leader"}}}, REMIND_AFTER),
        DemoType("维修", "#fa541c", 36, TYPE_CONTENTS["维修"], {
            "assign": {"timeout_hours": 2}, "accept": {"enabled": True, "timeout_hours": 2},
            "start": {"enabled": True, "timeout_hours": 24}}, REMIND_ASSIGNEE_BEFORE),
        DemoType("巡检", "#13c2c2", 20, TYPE_CONTENTS["巡检"], {
            "accept": {"enabled": False}, "start": {"enabled": True, "timeout_hours": 72}}, {}),
        DemoType("保养", "#52c41a", 18, TYPE_CONTENTS["保养"], {
            "accept": {"enabled": True, "timeout_hours": 8}, "start": {"enabled": False},
            "finish": {"timeout_hours": 72}}, REMIND_ASSIGNEE_BEFORE),
        DemoType("回访", "#722ed1", 12, TYPE_CONTENTS["回访"], {
            "assign": {"approval": {"rule": "role", "role_id": manager_role_id}},
            "accept": {"enabled": True, "timeout_hours": 24}, "start": {"enabled": False}}, {}),
    ]


# === texts ========================================================================================

FAULTS = {
    "空调": ("不制冷，室外机不启动", "制热效果差，出风温度低", "室内机漏水", "运行时噪音大，有异响", "面板显示 E1 故障码，无法开机"),
    "净水器": ("出水量明显变小", "机器频繁启动，疑似漏水", "滤芯到期提示灯常亮", "出水有异味"),
    "电脑办公": ("无法开机，电源灯不亮", "打印卡纸，打印件有黑线", "系统蓝屏，频繁重启", "画面偏色、有闪烁"),
    "机械类": ("运行时振动大，温度偏高", "压力上不去，排气量不足", "启动后频繁跳闸", "液压系统漏油"),
    "手机数码": ("屏幕碎裂，触控失灵", "电池续航明显下降", "无法充电", "画面模糊，夜视失效"),
}
DESCRIPTIONS = {
    "安装": ("新购{product}上门安装调试", "{product}移机安装", "新店开业，{product}安装并培训使用"),
    "巡检": ("季度例行巡检：检查{product}运行状态", "年度安全巡检，重点检查{product}", "节前设备巡检"),
    "保养": ("{product}定期保养：清洁、紧固、检查管路", "更换易损件并做性能检测", "半年保养，客户要求上午上门"),
    "回访": ("服务完成后的电话回访，了解客户满意度", "了解{product}使用情况并介绍延保服务", "投诉处理后的回访"),
}
CONSULTATIONS = ("客户咨询{product}的日常使用和保养方法", "客户咨询延保服务和收费标准", "客户咨询{product}更换配件的价格")
RECEIPTS = {
    "安装": ("已完成安装调试，试运行正常，已向客户讲解使用注意事项。", "安装完成，管路已做保温处理，现场已清理干净。"),
    "维修": ("检查发现元器件老化，已更换，试机正常。", "清洗后恢复正常，建议客户定期保养。",
             "更换故障配件后运行正常，旧件已交客户。", "调整参数并紧固接线，设备恢复正常运行。"),
    "巡检": ("设备运行正常，各项指标在正常范围内，已记录巡检数据。", "发现接线端子松动，已现场紧固，其余正常。"),
    "保养": ("已完成清洁保养，更换易损件，设备运行正常。", "已更换滤芯并做水质检测，结果合格。"),
    "回访": ("客户对服务满意，无其他需求。", "客户反馈设备运行良好，已预约下次保养时间。"),
}
NOTES = ("客户要求上门前半小时电话联系", "门禁需提前登记，已告知客户", "客户改约到下午两点以后", "已电话确认上门时间")
PAUSE_REASONS = ("等待备件到货", "客户临时有事，改约时间", "需要厂家技术支持")
REJECT_REASONS = ("时间冲突，今天无法上门", "不熟悉该型号设备，请安排其他同事", "人在外地出差，无法按时处理")
TRANSFER_NOTES = ("临时外出，转同组同事处理", "该客户由同事长期跟进，转其处理", "需要持证电工，转给同事")
CANCEL_REASONS = ("客户取消报修", "重复报单，已合并到其他工单", "客户已自行解决", "客户联系不上，暂缓处理")
REFUSE_NOTES = ("回访对象选择不当，请安排客户负责人回访", "该客户本月已回访，请勿重复安排")
CLOSE_NOTES = ("", "", "回执已核对，工单关闭", "客户确认完工")
REOPEN_REASON = "客户反馈问题复现，重新处理"

# the product types an order type is for (维修 and 回访: any)
SERVICED_KINDS = {"安装": {"空调", "净水器", "机械类", "电脑办公"}, "巡检": {"空调", "净水器", "机械类"},
                  "保养": {"空调", "净水器", "机械类"}}

# === outcomes ======================================================================================

ALL_TYPES = ("安装", "维修", "巡检", "保养", "回访")
WITH_ACCEPT = ("安装", "维修", "保养", "回访")
WITH_START = ("安装", "维修", "巡检")


@dataclass(frozen=True)
class Outcome:
    name: str
    share: float
    types: tuple = ALL_TYPES
    open: bool = True


# The status and flags an order is left in; finished and closed take what the others leave.
OUTCOMES = (
    Outcome("closed", 0.0, open=False),
    Outcome("finished", 0.0, open=False),
    Outcome("cancelled", 0.06, open=False),
    Outcome("pending", 0.035),
    Outcome("rejected", 0.015, ("安装", "维修", "保养")),
    Outcome("assigned", 0.04, WITH_ACCEPT),
    Outcome("approval_assign", 0.01, ("回访",)),
    Outcome("accepted", 0.04),
    Outcome("in_progress", 0.05, WITH_START),
    Outcome("paused", 0.02, ("安装", "维修", "巡检", "保养")),
    Outcome("approval_finish", 0.015, ("安装",)),
)
CLOSED_SHARE = 0.53  # of the finished-or-closed orders


def allocate(total):
    """{outcome: count} summing to `total`; every outcome present once there are enough orders."""
    if total < len(OUTCOMES):
        return {outcome.name: int(index < total) for index, outcome in enumerate(OUTCOMES)}
    counts = {o.name: max(1, round(o.share * total)) for o in OUTCOMES if o.share}
    done = max(2, total - sum(counts.values()))
    counts["closed"] = max(1, round(done * CLOSED_SHARE))
    counts["finished"] = done - counts["closed"]
    excess = sum(counts.values()) - total
    counts["finished"] -= excess
    return counts


# === the people ====================================================================================

class Cast:
    """Who creates, dispatches, works on, approves and closes the orders of each service team."""

    def __init__(self, teams):
        users = list(User.objects.for_tenant().filter(is_active=True).prefetch_related("roles")
                     .select_related("work_status").order_by("pk"))
        by_role = {}
        for user in users:
            for role in user.roles.all():
                by_role.setdefault(role.system_key, []).append(user)
        self.people = {user.pk: user for user in users}
        self.manager = by_role["manager"][0]  # 普通管理员: approves 回访 assignments, closes, reopens
        self.director = by_role["director"][0]
        self.desk_admin = by_role["desk_admin"][0]  # 服务台主管: creates and dispatches
        self.desk_agent = by_role["desk_agent"][0]  # 服务台坐席: creates only
        self.teams = {}
        by_pk = {team.pk: team for team in teams.values()}
        for team in teams.values():
            if team.parent_id is None:
                continue
            leader_ids = set(team.leaders.values_list("pk", flat=True))
            member_ids = leader_ids | set(team.members.values_list("pk", flat=True))
            workers = [self.people[pk] for pk in sorted(member_ids)
                       if pk in self.people and permissions.has_perm(self.people[pk], "workorder.execute")]
            centre_ids = by_pk[team.parent_id].leaders.values_list("pk", flat=True)
            centre_leaders = [self.people[pk] for pk in sorted(centre_ids) if pk in self.people] or [self.manager]
            if workers:
                self.teams[team.pk] = TeamCast(team, workers, centre_leaders, leader_ids)

    def of(self, customer):
        return self.teams.get(customer.service_team_id) or next(iter(self.teams.values()))


@dataclass
class TeamCast:
    team: object
    engineers: list
    centre_leaders: list  # the service centre's administrators: dispatch, transfer, close, cancel
    leader_ids: set

    def available(self, now_open):
        """Engineers who may get orders; nobody on leave gets an order that is still open today."""
        people = [u for u in self.engineers if not (now_open and u.work_status and u.work_status.name == "休假中")]
        return people or self.engineers

    def weight(self, user):
        return 1 if user.pk in self.leader_ids else 2  # leaders take fewer orders


# === plans ========================================================================================

@dataclass
class Plan:
    index: int
    outcome: Outcome
    type_name: str
    seed: int
    stalled: bool = False  # an open order left untouched for days (overdue where its node has a timeout)
    anomaly: bool = False  # reports its start far from the address


def make_plans(total, rng):
    """The plans of `total` orders in a fixed order; their times are drawn when they are lived."""
    weights = {t.name: t.weight for t in demo_types(None)}
    counts = allocate(total)
    plans = []
    for outcome in OUTCOMES:
        for number in range(counts[outcome.name]):
            type_name = rng.choices(outcome.types, weights=[weights[name] for name in outcome.types])[0]
            plan = Plan(len(plans), outcome, type_name, rng.getrandbits(48))
            plan.stalled = outcome.open and (number == 0 or rng.random() < 0.12)
            plan.anomaly = rng.random() < 0.03 or (outcome.name == "in_progress" and number == 0)
            plans.append(plan)
    rng.shuffle(plans)  # outcomes mixed through the batches
    return plans


@dataclass
class Step:
    action: str
    gap: float  # minutes after the previous step
    options: dict = field(default_factory=dict)


class Script:
    """The steps of one order and their gaps, from its outcome and its type's flow."""

    def __init__(self, plan, order_type, rng, *, creator_dispatches, colleagues=True):
        self.plan, self.rng = plan, rng
        self.colleagues = colleagues  # someone to transfer to
        config = flow.normalize(order_type.flow)
        self.accept = flow.is_enabled(config, "accept")
        self.start = flow.is_enabled(config, "start")
        self.assign_approval = flow.approval_rule(config, "assign") is not None
        self.finish_approval = flow.approval_rule(config, "finish") is not None
        self.steps = [Step("create", 0, {"dispatch": False})]
        self.build(creator_dispatches)

    def add(self, action, low, high, **options):
        self.steps.append(Step(action, self.rng.uniform(low, high), options))

    def build(self, creator_dispatches):
        outcome, rng = self.plan.outcome.name, self.rng
        if outcome == "pending" or (outcome == "cancelled" and rng.random() < 0.4):
            if outcome == "cancelled":
                self.add("cancel", 30, 2880)
            return
        # 保存并派单: a creator who may assign usually dispatches at once
        self.steps[0].options["dispatch"] = creator_dispatches and rng.random() < 0.8
        self.assignment(first=True)
        if outcome == "approval_assign":
            return
        if outcome == "rejected":
            self.add("reject", 10, 120)
            return
        if self.accept and rng.random() < 0.05:
            self.add("reject", 10, 120)
            self.assignment()
        if outcome in ("assigned", "cancelled"):
            if outcome == "cancelled":
                self.add("cancel", 30, 1440)
            return
        self.working(outcome)

    def assignment(self, first=False):
        """Assign (unless the creator dispatched at once), through the 回访 approval when the flow has it."""
        if not (first and self.steps[0].options["dispatch"]):
            self.add("assign", 10, 240)
        if not self.assign_approval or self.plan.outcome.name == "approval_assign":
            return
        if self.rng.random() < 0.15:
            self.add("refuse", 20, 300)
            self.add("assign", 30, 240)
        self.add("approve", 10, 300)

    def working(self, outcome):
        rng = self.rng
        if self.accept:
            self.add("accept", 5, 100)
        if self.colleagues and rng.random() < 0.04:
            self.add("transfer", 30, 600, by_assignee=rng.random() < 0.7)
            if self.accept:
                self.add("accept", 5, 60)
        if outcome == "accepted" or (outcome == "paused" and not self.start):
            if outcome == "paused":
                self.add("pause", 30, 600)
            return
        if rng.random() < 0.1:
            self.add("note", 5, 120)
        if self.start:
            self.add("start", 600, 3600, anomaly=self.plan.anomaly)  # the planned visit, hours to days later
        if outcome in ("in_progress", "paused"):
            if outcome == "paused":
                self.add("pause", 30, 120)
            return
        if rng.random() < 0.06:
            self.add("pause", 30, 120)
            self.add("resume", 600, 4320)
        self.completion(outcome, first_visit=not self.start)
        if outcome == "closed":
            if rng.random() < 0.03:
                self.add("reopen", 1440, 4320)
                self.completion(outcome, first_visit=False)
            self.add("close", 600, 10080)

    def completion(self, outcome, first_visit):
        low, high = (120, 480) if self.plan.type_name == "安装" else (40, 300)
        if first_visit:  # no start step: the visit itself is hours to days away
            low, high = low + 600, high + 3600
        self.add("complete", low, high, anomaly=self.plan.anomaly and not self.start)
        if self.finish_approval and outcome != "approval_finish":
            self.add("approve", 20, 720)


@dataclass
class Timing:
    created: object
    moments: list  # one per step


OFFICE_HOURS = (8, 20)  # people act between 8:00 and 20:00 local time


def schedule(plan, script, rng, now):
    """When each step happens: done orders anywhere in the 90 days, open ones recently — or, stalled,
    days ago — always ending before now, every step in office hours. A story that does not fit starts
    earlier; one that cannot start earlier has its gaps shrunk (and may then run into the evening)."""
    gaps = [step.gap for step in script.steps]
    total = timedelta(minutes=sum(gaps))
    window_start = now - timedelta(days=HISTORY_DAYS)
    if plan.outcome.open:  # counted back from its last step, shortly (or, stalled, days) before now
        idle = timedelta(days=rng.uniform(1.5, 6)) if plan.stalled else timedelta(minutes=rng.uniform(10, 120))
        end = now - idle
        created = office_moment_before(end - total * rng.uniform(1, 1.2), rng)
    else:
        end = now - timedelta(minutes=rng.uniform(30, 600))
        recent = plan.outcome.name == "finished" and rng.random() < 0.6  # closing lags behind finishing
        start = now - timedelta(days=30 if recent else HISTORY_DAYS)
        created = working_moment(rng, start + (max(start, end - total) - start) * rng.random())
    if created < window_start:  # moved to an earlier hour or off a weekend
        created = in_office_hours(window_start + timedelta(hours=rng.uniform(1, 12)), rng)
    for _attempt in range(6):
        moments = place(created, gaps, rng)
        overflow = moments[-1] - end
        if overflow <= timedelta(0):
            return Timing(created, moments)
        earlier = office_moment_before(created - overflow - timedelta(minutes=rng.uniform(5, 60)), rng)
        if earlier < window_start:
            break
        created = earlier
    created = max(window_start, min(created, end - timedelta(minutes=len(gaps))))
    factor = (end - created) / total if total else 1
    return Timing(created, place(created, [gap * factor for gap in gaps], rng, office_hours=False))


def place(created, gaps, rng, office_hours=True):
    """The moments of steps `gaps` minutes apart, each moved forward into office hours if need be."""
    moments, at = [], created
    for gap in gaps:
        if gap:
            at = at + timedelta(minutes=max(gap, 0.5))
            if office_hours:
                at = in_office_hours(at, rng)
        moments.append(at)
    return moments


def in_office_hours(moment, rng):
    local = timezone.localtime(moment)
    opens, closes = OFFICE_HOURS
    if opens <= local.hour < closes:
        return moment
    day = local.date() + timedelta(days=1 if local.hour >= closes else 0)
    return local_moment(day, opens, 0) + timedelta(minutes=rng.uniform(10, 120))


def office_moment_before(moment, rng):
    """`moment`, or the end of the office day before it when it falls outside office hours."""
    local = timezone.localtime(moment)
    opens, closes = OFFICE_HOURS
    if opens <= local.hour < closes:
        return moment
    day = local.date() - timedelta(days=1 if local.hour < opens else 0)
    return local_moment(day, closes - 1, 0) + timedelta(minutes=rng.uniform(0, 59))


def working_moment(rng, moment):
    """`moment` moved into office hours of its day, weekends half as likely."""
    day = timezone.localtime(moment).date()
    if day.weekday() >= 5 and rng.random() < 0.5:
        day -= timedelta(days=day.weekday() - 4)
    return local_moment(day, rng.randint(OFFICE_HOURS[0], OFFICE_HOURS[1] - 1), rng.randint(0, 59))


# === living an order through the services ================================================================

class OrderLife:
    """One order's steps, each through the services at its moment on the history clock."""

    def __init__(self, demo, plan):
        self.demo, self.plan = demo, plan
        self.rng = random.Random(plan.seed)
        self.order_type = demo.types[plan.type_name]
        self.customer = demo.pick_customer(self.rng)
        self.crew = demo.cast.of(self.customer)
        self.engineers = self.crew.available(plan.outcome.open)
        self.product = demo.pick_product(self.rng, self.customer, plan.type_name)
        self.order, self.rejected_by = None, None
        self.creator = self.pick_creator()
        may_assign = permissions.has_perm(self.creator, "workorder.assign")
        self.dispatcher = self.creator if may_assign else self.pick_dispatcher()
        self.script = Script(plan, self.order_type, self.rng, creator_dispatches=may_assign,
                             colleagues=len(self.engineers) > 1)
        self.timing = schedule(plan, self.script, self.rng, demo.now)

    # --- people -------------------------------------------------------------------------------
    def pick_creator(self):
        cast, roll = self.demo.cast, self.rng.random()
        if roll < 0.40:
            return cast.desk_agent
        if roll < 0.65:
            return cast.desk_admin
        if roll < 0.82:
            return self.rng.choice(self.crew.centre_leaders)
        if roll < 0.88:
            return cast.manager
        return self.rng.choice(self.crew.engineers)

    def pick_dispatcher(self):
        roll = self.rng.random()
        if roll < 0.55:
            return self.rng.choice(self.crew.centre_leaders)
        return self.demo.cast.desk_admin if roll < 0.85 else self.demo.cast.manager

    def pick_engineer(self, *, other_than=()):
        """An engineer of the team, leaders less often, not one of `other_than` (who holds or declined the
        order; in that order of importance: the last ones are let go when nobody else is left)."""
        excluded = [user.pk for user in other_than if user is not None]
        while True:
            people = [u for u in self.engineers if u.pk not in excluded]
            if people or not excluded:
                break
            excluded.pop()
        return self.rng.choices(people, weights=[self.crew.weight(u) for u in people])[0]

    def administrator(self):
        return self.rng.choice(self.crew.centre_leaders) if self.rng.random() < 0.6 else self.demo.cast.manager

    # --- the story ----------------------------------------------------------------------------
    def live(self):
        clock = self.demo.clock
        for step, moment in zip(self.script.steps, self.timing.moments, strict=True):
            clock.set(moment)
            self.order = getattr(self, f"do_{step.action}")(**step.options)
        return self.order

    def do_create(self, dispatch):
        rng, kind = self.rng, self.plan.type_name
        consulting = kind in ("维修", "回访") and rng.random() < 0.15
        assignee = self.pick_engineer() if dispatch else None
        collaborators = []
        if kind == "安装" and rng.random() < 0.3 and len(self.engineers) > 1:
            collaborators = [self.pick_engineer(other_than=[assignee]).pk]
        return order_services.create_work_order(
            actor=self.creator, order_type=self.order_type, customer=self.customer, product=self.product,
            priority=self.priority(), service_type=self.demo.service_type(kind, self.product, rng),
            service_content=self.demo.contents[CONSULTATION if consulting else self.content_of(kind)],
            planned_at=self.planned_at(), description=self.description(consulting), collaborator_ids=collaborators,
            assignee=assignee)

    def content_of(self, kind):
        """One of the type's 服务内容, chosen by the customer and product rather than drawn from the random
        sequence, which every later choice of the seed depends on."""
        contents = self.demo.type_specs[kind].contents
        return contents[(self.customer.pk + (self.product.pk if self.product else 0)) % len(contents)]

    def do_assign(self):
        return order_actions.assign(actor=self.dispatcher, order=self.order,
                               assignee=self.pick_engineer(other_than=[self.rejected_by]))

    def do_approve(self):
        approval, approver = self.pending_approval()
        return approval_services.approve(actor=approver, approval=approval)

    def do_refuse(self):
        approval, approver = self.pending_approval()
        return approval_services.refuse(actor=approver, approval=approval, note=self.rng.choice(REFUSE_NOTES))

    def do_accept(self):
        return order_actions.accept(actor=self.assignee(), order=self.order)

    def do_reject(self):
        self.rejected_by = self.assignee()
        return order_actions.reject(actor=self.rejected_by, order=self.order, reason=self.rng.choice(REJECT_REASONS))

    def do_transfer(self, by_assignee):
        actor = self.assignee() if by_assignee else self.rng.choice(self.crew.centre_leaders)
        return order_actions.transfer(actor=actor, order=self.order, assignee=self.pick_engineer(
            other_than=[self.assignee(), self.rejected_by]), note=self.rng.choice(TRANSFER_NOTES))

    def do_start(self, anomaly):
        return order_actions.start(actor=self.assignee(), order=self.order, **self.position(anomaly))

    def do_pause(self):
        return order_actions.pause(actor=self.assignee(), order=self.order, reason=self.rng.choice(PAUSE_REASONS))

    def do_resume(self):
        return order_actions.resume(actor=self.assignee(), order=self.order)

    def do_note(self):
        author = self.assignee() if self.rng.random() < 0.5 else self.creator
        order_services.add_note(actor=author, order=self.order, content=self.rng.choice(NOTES))
        return self.order  # a note leaves the order as it is

    def do_complete(self, anomaly):
        content = self.rng.choice(RECEIPTS[self.plan.type_name])
        engineer, position = self.assignee(), self.position(anomaly)
        lines = self.demo.receipt_lines.of(self.order, engineer, self.plan.type_name, self.plan.seed)
        try:
            return order_actions.complete(actor=engineer, order=self.order, content=content, **position, **lines)
        except ValidationFailed:  # what the kit held went to an order lived before: a receipt without lines
            return order_actions.complete(actor=engineer, order=self.order, content=content, **position)

    def do_close(self):
        closer = self.administrator() if self.rng.random() < 0.9 else self.demo.cast.director
        return order_actions.close(actor=closer, order=self.order, note=self.rng.choice(CLOSE_NOTES))

    def do_cancel(self):
        return order_actions.cancel(actor=self.administrator(), order=self.order, reason=self.rng.choice(CANCEL_REASONS))

    def do_reopen(self):
        return order_actions.reopen(actor=self.demo.cast.manager, order=self.order, reason=REOPEN_REASON)

    # --- values -------------------------------------------------------------------------------
    def assignee(self):
        """The assignee as the cast's own object: its permissions are loaded once per run, not per step."""
        return self.demo.cast.people[self.order.assignee_id]

    def pending_approval(self):
        """(approval, its first approver) of the order's open request."""
        approval = Approval.objects.filter(order=self.order, state=Approval.State.PENDING).first()
        approver_id = approval.approvers.order_by("pk").values_list("pk", flat=True).first()
        return approval, self.demo.cast.people[approver_id]

    def planned_at(self):
        """The visit: when the work starts (or is done, without a start step), give or take half an hour."""
        visit = next((moment for step, moment in zip(self.script.steps, self.timing.moments, strict=True)
                      if step.action in ("start", "complete")), None)
        if visit is None:  # not that far yet: the visit is still ahead
            visit = in_office_hours(self.timing.created + timedelta(hours=self.rng.uniform(12, 72)), self.rng)
        planned = visit + timedelta(minutes=self.rng.randint(-40, 10))
        return max(planned, self.timing.created + timedelta(minutes=30)).replace(second=0, microsecond=0)

    def position(self, anomaly):
        """Where the engineer reports from: on site, or several kilometres off for a location anomaly."""
        if self.order.latitude is None:
            return {}
        low, high = FAR if anomaly else NEAR
        return {name: shifted(getattr(self.order, name), self.rng.choice((-1, 1)) * self.rng.uniform(low, high))
                for name in ("latitude", "longitude")}

    def priority(self):
        weights = (10, 50, 28, 12) if self.plan.type_name == "维修" else (20, 65, 12, 3)
        return self.rng.choices([p.value for p in Priority], weights=weights)[0]

    def description(self, consulting):
        product = self.product.name if self.product else "设备"
        if consulting:
            return self.rng.choice(CONSULTATIONS).format(product=product)
        if self.plan.type_name == "维修":
            kind = self.demo.kind_of(self.product) if self.product else None
            fault = self.rng.choice(FAULTS.get(kind) or ("设备故障，无法正常使用",))
            return f"{product}{fault}，客户来电报修" if self.product else f"{fault}，客户来电报修"
        return self.rng.choice(DESCRIPTIONS[self.plan.type_name]).format(product=product)


# === the demo ======================================================================================

class Demo:
    """The seeding run: setup, the customers and products to draw from, and the clock."""

    def __init__(self, actor, teams, customers, products, clock):
        self.actor, self.clock = actor, clock
        self.now = clock.at
        self.cast = Cast(teams)
        manager_role = Role.objects.get(system_key="manager")
        self.type_specs = {spec.name: spec for spec in demo_types(manager_role.pk)}
        self.customers = [c for c in customers if c.service_team_id in self.cast.teams]
        self.customer_weights = [_customer_weight(c) for c in self.customers]
        self.products = {}
        for product in products:
            if product.customer_id:
                self.products.setdefault(product.customer_id, []).append(product)
        self.types, self.options, self.contents = {}, {}, {}
        self.receipt_lines = receipt_demo.ReceiptLines()  # the parts demo seeded the stock and service items

    def set_up(self):
        """Option lists, the five types and the location check (what is missing), 91 days ago."""
        self.clock.set(self.now - timedelta(days=HISTORY_DAYS + 1))
        existing = {(o.kind, o.name): o for o in ServiceOption.objects.all()}
        for kind, names in ((ServiceOption.Kind.SERVICE_TYPE, SERVICE_TYPES),
                            (ServiceOption.Kind.SERVICE_CONTENT, SERVICE_CONTENTS)):
            for name in names:
                option = existing.get((kind, name)) or type_services.save_service_option(
                    actor=self.actor, kind=kind, name=name)
                (self.options if kind == ServiceOption.Kind.SERVICE_TYPE else self.contents)[name] = option
        types = {t.name: t for t in WorkOrderType.objects.filter(name__in=list(self.type_specs))}
        if len(types) < len(self.type_specs):
            company_settings.update_settings(actor=self.actor, values=LOCATION_CHECK,
                                            permission="workorder_settings.manage")
        for spec in self.type_specs.values():
            types[spec.name] = types.get(spec.name) or type_services.save_type(
                actor=self.actor, name=spec.name, color=spec.color, flow=spec.flow,
                timeout_reminder=spec.timeout_reminder)
        self.types = types

    def pick_customer(self, rng):
        return rng.choices(self.customers, weights=self.customer_weights)[0]

    def pick_product(self, rng, customer, type_name):
        kinds = SERVICED_KINDS.get(type_name)
        owned = [p for p in self.products.get(customer.pk, ()) if kinds is None or self.kind_of(p) in kinds]
        share = 0.5 if type_name == "回访" else 0.85
        return rng.choice(owned) if owned and rng.random() < share else None

    @staticmethod
    def kind_of(product):
        return product.product_type.name if product.product_type else None

    def service_type(self, type_name, product, rng):
        if type_name in ("安装", "回访"):
            return self.options["免费"]
        if type_name == "巡检":
            return self.options["免费" if rng.random() < 0.7 else "保内免费"]
        in_warranty = product is not None and product.warranty_end and product.warranty_end >= self.clock.at.date()
        return self.options["保内免费" if in_warranty else "保外收费"]


def _customer_weight(customer):
    grade = {"A": 3, "B": 2, "C": 1}.get((customer.fields or {}).get("grade"), 1)
    status = {"active": 1, "potential": 0.3, "inactive": 0.2}.get(customer.status, 1)
    return grade * status


def seed(actor, *, teams, customers, products, scale=1.0):
    """Set up and create the demo work orders (those missing); returns how many were created."""
    target = scaled(TARGET_ORDERS, scale)
    existing = WorkOrder.objects.count()
    if existing >= target or not customers:
        return 0
    plans = make_plans(target, random.Random(SEED + 3))[existing:]
    clock = HistoryClock()
    demo = Demo(actor, teams, customers, products, clock)
    with history(clock):
        demo.set_up()
    for start in range(0, len(plans), BATCH_SIZE):
        with history(clock):
            for plan in plans[start:start + BATCH_SIZE]:
                OrderLife(demo, plan).live()
    with jobs_inline():
        mark_overdue(demo.now)
    with history(clock):
        report_positions(demo)
        read_old_notifications(demo)
    return len(plans)


def shifted(coordinate, degrees):
    """A coordinate moved by `degrees`, as the services take it (a string with six decimals)."""
    return str((Decimal(coordinate) + Decimal(str(degrees))).quantize(Decimal("0.000001")))


def mark_overdue(now):
    """The periodic timeout check, at the real time: stalled open orders become overdue."""
    while timeout_services.process_timeouts(now=now):
        pass


def report_positions(demo):
    """Each engineer at work reported a position near their team in the last hours (map dispatch reads it)."""
    rng = random.Random(SEED + 4)
    for crew in demo.cast.teams.values():
        for user in crew.available(now_open=True):
            demo.clock.set(demo.now - timedelta(minutes=rng.randint(5, 180)))
            team = crew.team
            if team.latitude is None:
                continue
            location_services.report_location(user=user, latitude=shifted(team.latitude, rng.uniform(-0.03, 0.03)),
                                     longitude=shifted(team.longitude, rng.uniform(-0.03, 0.03)))


def read_old_notifications(demo):
    """People read their notices: everything older than two days is marked read (at the real time)."""
    demo.clock.set(demo.now)
    cutoff = demo.now - timedelta(days=2)
    old = Notification.objects.filter(read_at=None, created_at__lt=cutoff).values_list("user_id", "pk")
    by_user = {}
    for user_id, pk in old:
        by_user.setdefault(user_id, []).append(pk)
    for user in User.objects.for_tenant().filter(pk__in=list(by_user)):
        messaging_services.mark_read(user=user, ids=by_user[user.pk])
