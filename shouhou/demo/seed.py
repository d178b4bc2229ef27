"""The demo company that `make run` serves and whose logins the README lists (`manage.py seed_demo`).

Idempotent: each step creates only what is missing (the company by its code, teams by name under their
parent, users by phone), so a second run changes nothing. Everything is created through the services, as
an administrator would, so timelines, logs and outbox events exist. Later issues add their own steps
(customers, products, work orders …) after `seed_team_leaders` in `seed_all`; each app's demo data is
a module of this package (customers, products, reminders, workorders), which imports the apps.
"""

import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError  # seed_company refuses a company without its owner
from django.db import transaction
from django.test import RequestFactory
from django.utils.translation import gettext as _

from shouhou.accounts import services as account_services
from shouhou.accounts.models import Role, Team, User, WorkStatus
from shouhou.accounts.roles import SYSTEM_ROLE_KEYS
from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.system import services as system_services

from . import customers as customer_demo
from . import dispatch as dispatch_demo
from . import dispatch_rules as dispatch_rule_demo
from . import fees as fees_demo
from . import parts as parts_demo
from . import payments as payment_demo
from . import plans as plan_demo
from . import products as product_demo
from . import reports as report_demo
from . import settlement as settlement_demo
from . import visits as visit_demo
from . import workorders as workorder_demo

DEMO_SLUG = "demo"
DEMO_PASSWORD = "shouhou-demo"
DEMO_EMAIL_DOMAIN = "demo.shouhou.test"

COMPANY = {"name": "演示科技有限公司", "short_name": "演示科技"}
COMPANY_INFO = {
    "phone": "400-820-8820",
    "email": f"service@{DEMO_EMAIL_DOMAIN}",
    "address": "上海市浦东新区张江高科技园区碧波路 690 号",
    "profile": "演示科技有限公司为华东、华北、华南的客户提供工业设备的安装、维修和定期保养服务，"
               "在上海、杭州、北京、天津、广州、深圳设有服务团队，7×24 小时受理报修。",
}


@dataclass(frozen=True)
class DemoTeam:
    name: str
    parent: str | None
    service_phone: str
    area: str
    address: str
    latitude: str
    longitude: str
    leaders: tuple = ()


@dataclass(frozen=True)
class DemoUser:
    name: str
    login: str  # pinyin: the e-mail's local part
    roles: tuple
    teams: tuple = ()
    job_title: str = ""
    work_status: str = "工作中"

    @property
    def email(self):
        return f"{self.login}@{DEMO_EMAIL_DOMAIN}"


# Parents before their sub-teams.
TEAMS = [
    DemoTeam("华东服务中心", None, "021-61230000", "上海市、浙江省、江苏省", "上海市黄浦区南京东路 300 号",
             "31.236301", "121.484911", leaders=("周杰",)),
    DemoTeam("上海一组", "华东服务中心", "021-61230001", "上海市浦东新区、闵行区", "上海市浦东新区张江路 88 号",
             "31.203200", "121.590100", leaders=("李强",)),
    DemoTeam("上海二组", "华东服务中心", "021-61230002", "上海市徐汇区、长宁区、静安区", "上海市徐汇区漕溪北路 18 号",
             "31.188300", "121.437100", leaders=("胡军",)),
    DemoTeam("杭州组", "华东服务中心", "0571-87650000", "浙江省杭州市、嘉兴市", "浙江省杭州市西湖区文三路 90 号",
             "30.278500", "120.141200", leaders=("高峰",)),
    DemoTeam("华北服务中心", None, "010-65880000", "北京市、天津市、河北省", "北京市朝阳区建国路 88 号",
             "39.908700", "116.459800", leaders=("徐明",)),
    DemoTeam("北京组", "华北服务中心", "010-65880001", "北京市", "北京市海淀区中关村大街 27 号",
             "39.983400", "116.316300", leaders=("罗斌",)),
    DemoTeam("天津组", "华北服务中心", "022-23300000", "天津市、河北省廊坊市", "天津市和平区南京路 189 号",
             "39.118300", "117.196400", leaders=("谢鹏",)),
    DemoTeam("华南服务中心", None, "020-38880000", "广东省、广西壮族自治区、海南省", "广东省广州市天河区天河路 385 号",
             "23.132400", "113.327300", leaders=("孙浩",)),
    DemoTeam("广州组", "华南服务中心", "020-38880001", "广东省广州市、佛山市", "广东省广州市越秀区中山五路 219 号",
             "23.127000", "113.268700", leaders=("唐亮",)),
    DemoTeam("深圳组", "华南服务中心", "0755-86660000", "广东省深圳市、东莞市", "广东省深圳市南山区深南大道 9988 号",
             "22.540500", "113.953400", leaders=("董辉",)),
]

# One holder per system role; they get phones 13800000000 … 13800000009 in SYSTEM_ROLES order.
ROLE_HOLDERS = {
    "admin": DemoUser("张伟", "zhangwei", ("admin",), job_title="总经理"),
    "manager": DemoUser("王芳", "wangfang", ("manager",), job_title="运营经理"),
    "engineer": DemoUser("李强", "liqiang", ("engineer",), ("上海一组",), "高级服务工程师"),
    "visitor": DemoUser("刘洋", "liuyang", ("visitor",), job_title="客户回访专员"),
    "director": DemoUser("陈静", "chenjing", ("director",), job_title="服务总监"),
    "finance": DemoUser("杨敏", "yangmin", ("finance",), job_title="结算专员"),
    "warehouse": DemoUser("赵磊", "zhaolei", ("warehouse",), job_title="备件库管员"),
    "desk_admin": DemoUser("黄丽", "huangli", ("desk_admin",), job_title="服务台主管"),
    "team_admin": DemoUser("周杰", "zhoujie", ("team_admin",), ("华东服务中心",), "华东服务中心经理"),
    "desk_agent": DemoUser("吴婷", "wuting", ("desk_agent",), job_title="服务台坐席", work_status="非常忙碌"),
}

# Everyone else, from 13800000010 on: the other two centre managers and the field engineers.
OTHER_STAFF = [
    DemoUser("徐明", "xuming", ("team_admin",), ("华北服务中心",), "华北服务中心经理"),
    DemoUser("孙浩", "sunhao", ("team_admin",), ("华南服务中心",), "华南服务中心经理"),
    DemoUser("马超", "machao", ("engineer",), ("上海一组",), "服务工程师"),
    DemoUser("朱磊", "zhulei", ("engineer",), ("上海一组",), "服务工程师", "非常忙碌"),
    DemoUser("胡军", "hujun", ("engineer",), ("上海二组",), "高级服务工程师"),
    DemoUser("郭涛", "guotao", ("engineer",), ("上海二组",), "服务工程师"),
    DemoUser("何勇", "heyong", ("engineer",), ("上海二组",), "服务工程师", "休假中"),
    DemoUser("高峰", "gaofeng", ("engineer",), ("杭州组",), "高级服务工程师"),
    DemoUser("林俊", "linjun", ("engineer",), ("杭州组",), "服务工程师"),
    DemoUser("罗斌", "luobin", ("engineer",), ("北京组",), "高级服务工程师"),
    DemoUser("郑凯", "zhengkai", ("engineer",), ("北京组",), "服务工程师", "非常忙碌"),
    DemoUser("梁宇", "liangyu", ("engineer",), ("北京组",), "服务工程师"),
    DemoUser("谢鹏", "xiepeng", ("engineer",), ("天津组",), "高级服务工程师"),
    DemoUser("宋杰", "songjie", ("engineer",), ("天津组",), "服务工程师", "勿扰模式"),
    DemoUser("唐亮", "tangliang", ("engineer",), ("广州组",), "高级服务工程师"),
    DemoUser("韩雪", "hanxue", ("engineer",), ("广州组",), "服务工程师"),
    DemoUser("冯刚", "fenggang", ("engineer",), ("广州组",), "服务工程师"),
    DemoUser("董辉", "donghui", ("engineer",), ("深圳组",), "高级服务工程师"),
    DemoUser("程龙", "chenglong", ("engineer",), ("深圳组",), "服务工程师", "非常忙碌"),
    DemoUser("曹阳", "caoyang", ("engineer",), ("深圳组",), "服务工程师"),
]

# A few sign-ins so the login log is not empty: (phone index, path, user agent, IP).
LOGIN_HISTORY = [
    (0, "/accounts/login/", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36", "116.228.88.10"),
    (8, "/accounts/login/", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Version/17.5 Safari/605.1.15",
     "116.228.88.23"),
    (2, "/m/login/", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148", "223.104.5.17"),
    (1, "/api/v1/auth/login", "python-requests/2.32.3", "116.228.88.41"),
]


def demo_phone(index):
    return f"1380000{index:04d}"


def demo_users():
    """[(phone, DemoUser)]: the role holders in SYSTEM_ROLES order, then the other staff."""
    people = [ROLE_HOLDERS[key] for key in SYSTEM_ROLE_KEYS] + OTHER_STAFF
    return [(demo_phone(index), person) for index, person in enumerate(people)]


def set_demo_password(users):
    """Demo accounts only: Django's validators refuse `shouhou-demo` (too like the demo e-mail addresses),
    so it is stored without them. One hash serves the whole batch, which keeps seeding fast."""
    if users:
        User.objects.filter(pk__in=[user.pk for user in users]).update(password=make_password(DEMO_PASSWORD))


# --- steps --------------------------------------------------------------------------------------

def seed_company():
    """The demo company with its super administrator: (tenant, owner, created now)."""
    tenant = Tenant.objects.filter(slug=DEMO_SLUG).first()
    if tenant is not None:
        owner = User.objects.filter(tenant=tenant, is_tenant_owner=True).order_by("pk").first()
        if owner is None:
            raise CommandError(_("Company %(slug)s has no super administrator.") % {"slug": DEMO_SLUG})
        if not tenant.is_demo or tenant.expires_at is not None:  # seeded before the flag existed
            system_services.make_demo_company(tenant)
        return tenant, owner, False
    admin = ROLE_HOLDERS["admin"]
    tenant, owner = system_services.sign_up(
        **COMPANY, slug=DEMO_SLUG, contact_phone=demo_phone(0), admin_name=admin.name, admin_email=admin.email,
        admin_password=secrets.token_urlsafe(24),  # replaced by the demo password below
    )
    system_services.make_demo_company(tenant)  # before anything could send an SMS
    with tenant_context(tenant):
        set_demo_password([owner])
        account_services.update_user(actor=owner, user=owner, job_title=admin.job_title)
        system_services.update_company(actor=owner, **COMPANY_INFO)
    return tenant, owner, True


def seed_teams(owner):
    """{name: Team} for the demo tree; missing teams are created (leaders come after the users)."""
    teams = {}
    for spec in TEAMS:
        parent = teams.get(spec.parent)
        team = Team.objects.filter(parent=parent, name=spec.name).first()
        if team is None:
            team = save_team(owner, spec, parent=parent)
        teams[spec.name] = team
    return teams


def save_team(owner, values, *, parent, team=None, leaders=()):
    """Create a demo team from `values` (its DemoTeam), or save `team` again with `values` (the team itself)
    and its `leaders`: the one place that names the attributes a demo team is given."""
    return account_services.save_team(
        actor=owner, team=team, name=values.name, parent_id=parent.pk if parent else None,
        leader_ids=[user.pk for user in leaders], service_phone=values.service_phone, area=values.area,
        address=values.address, latitude=values.latitude, longitude=values.longitude,
    )


def seed_users(owner, teams):
    """{name: User} for every demo user; missing ones are created with their roles, teams and work status."""
    roles = {role.system_key: role for role in Role.objects.exclude(system_key="")}
    statuses = {status.name: status for status in WorkStatus.objects.all()}
    users, created = {}, []
    for phone, spec in demo_users():
        user = User.objects.for_tenant().filter(phone=phone).first()
        if user is None:
            user = account_services.create_user(
                actor=owner, name=spec.name, phone=phone, email=spec.email, job_title=spec.job_title,
                role_ids=[roles[key].pk for key in spec.roles], team_ids=[teams[name].pk for name in spec.teams],
            )
            status = statuses.get(spec.work_status)
            if status is not None and status != user.work_status:
                account_services.set_work_status(user=user, status_id=status.pk)
            created.append(user)
        users[spec.name] = user
    set_demo_password(created)
    return users


def seed_team_leaders(owner, teams, users):
    """Leaders for teams that have none yet (they are also made members)."""
    for spec in TEAMS:
        team = teams[spec.name]
        if not spec.leaders or team.leaders.exists():
            continue
        save_team(owner, team, parent=teams.get(spec.parent), team=team,
                  leaders=[users[name] for name in spec.leaders])


def seed_login_history():
    factory = RequestFactory()
    for index, path, agent, ip in LOGIN_HISTORY:
        request = factory.post(path, HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
        account_services.login(request=request, username=demo_phone(index), password=DEMO_PASSWORD)


def seed_business_data(owner, teams, scale):
    """Customers, products, reminder rules and work orders (issues 3 and 4), each adding what is missing.
    They commit in batches of their own: ~2,000 work orders are too many for one transaction."""
    if scale <= 0:
        return
    customers = customer_demo.seed(owner, teams=teams, scale=scale)
    products = product_demo.seed(owner, customers=customers, scale=scale)
    customer_demo.seed_reminders(owner, customers=customers, products=products)
    # parts, stock and pricing rules before the orders: their receipts use the engineers' parts (issue 11)
    parts_demo.seed(owner, users={user.name: user for user in User.objects.for_tenant()}, scale=scale)
    fees_demo.seed(owner, users={user.name: user for user in User.objects.for_tenant()})
    workorder_demo.seed(owner, teams=teams, customers=customers, products=products, scale=scale)
    dispatch_demo.seed(owner)
    plan_demo.seed(owner, customers=customers, products=products)
    settlement_demo.seed(owner, customers=customers)  # 结算 (issue 12)
    dispatch_rule_demo.seed(owner, teams=teams)
    report_demo.seed(owner)
    payment_demo.seed(owner, customers=customers)
    visit_demo.seed(owner)  # 回访: manual visits and SMS surveys on finished orders (issue 12)


def demo_scale():
    """The share of the full demo data to make: settings.DEMO_SEED_SCALE (the tests make a sliver), else 1."""
    return float(getattr(settings, "DEMO_SEED_SCALE", 1.0))


def seed_all(scale=None):
    """Run the company steps in one transaction, then the business data; returns the demo tenant.
    `scale` sizes the business data (1 = ~300 customers, ~600 products, ~2,000 work orders)."""
    with transaction.atomic():
        tenant, owner, created = seed_company()
        with tenant_context(tenant):
            teams = seed_teams(owner)
            users = seed_users(owner, teams)
            seed_team_leaders(owner, teams, users)
            if created:
                seed_login_history()
    with tenant_context(tenant):
        seed_business_data(owner, teams, demo_scale() if scale is None else scale)
    return tenant


# --- output -------------------------------------------------------------------------------------

def display_width(text):
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text, width):
    return text + " " * (width - display_width(text))


def login_rows(tenant):
    """[(phone, name, roles, teams)] of the company's users, by phone."""
    with tenant_context(tenant):
        users = User.objects.for_tenant().order_by("phone", "pk").prefetch_related("roles", "teams")
        return [
            (user.phone or user.email, user.name, "、".join(role.name for role in user.roles.all()),
             "、".join(team.name for team in user.teams.all()) or "—")
            for user in users
        ]
