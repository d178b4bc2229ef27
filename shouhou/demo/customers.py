"""The demo company's customers (issue 3, "Demo data"), and the history clock the demo modules share.

    seed(actor, teams={name: Team}, scale=1.0) -> [Customer]

About 300 shops and companies in the cities of the demo teams (上海 · 杭州 · 北京 · 天津 · 广州 · 深圳), each
with contacts, a located address, owners from its service team and values for the custom fields 客户等级,
合同金额 and 签订日期 — all made through `services.create_customer`, backdated with `HistoryClock` to when
they became customers. A fixed random seed makes every run choose the same data; customers are known by
name, so a second run creates only the ones missing.
"""

import random
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from shouhou.core import forms_engine, outbox, permissions
from shouhou.core.models import OutboxEvent
from shouhou.customers import services
from shouhou.customers.models import Customer
from shouhou.reminders.models import ReminderRule

from . import reminders as reminder_demo

SEED = 2026
REAL_NOW = timezone.now  # the function the models' `default=timezone.now` captured at import


# === the history clock ==================================================================================

class HistoryClock:
    """A settable "now" for writing history through the services.

    Inside `running()`, `timezone.now()` — which the services, `auto_now` fields and `_now()` helpers
    call — returns `self.at`, and so does every field whose default is `timezone.now` (those captured
    the real function when the models were defined, so they are redirected one by one).
    """

    def __init__(self, at=None):
        self.at = at or REAL_NOW()

    def now(self):
        return self.at

    def set(self, at):
        self.at = at
        return at

    def advance(self, minutes):
        self.at += timedelta(minutes=minutes)
        return self.at

    @contextmanager
    def running(self):
        with ExitStack() as stack:
            stack.enter_context(mock.patch("django.utils.timezone.now", self.now))
            for model in apps.get_models():
                for field in model._meta.concrete_fields:
                    if field.default is REAL_NOW:
                        stack.enter_context(mock.patch.object(field, "_get_default", self.now))
            yield self


@contextmanager
def jobs_inline():
    """Run queued jobs in-process while seeding. Every service call emits outbox events; queueing each one
    costs milliseconds (a SQLite write per task) and would deliver them minutes later, so the demo
    history is delivered as it is written instead."""
    before = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = before


def deliver_events(clock):
    """Deliver the events written so far, each at the moment it happened, so what their handlers make (the
    notifications) carries that time; the after-commit delivery then finds them done."""
    pending = OutboxEvent.objects.filter(delivered_at=None).order_by("created_at").values_list("pk", "created_at")
    for event_id, moment in list(pending):
        clock.set(moment)
        outbox.deliver(event_id)


@contextmanager
def history(clock):
    """One step of seeding: jobs in-process, the clock running, one transaction whose events are delivered
    before it commits."""
    with jobs_inline(), clock.running(), transaction.atomic():
        yield clock
        deliver_events(clock)


def scaled(count, scale):
    """`count` times `scale`, at least one when the scale is above zero."""
    return max(1, round(count * scale)) if scale > 0 else 0


def local_moment(day, hour, minute=0):
    """An aware datetime on `day` at the given local time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


# === places =================================================================================================

@dataclass(frozen=True)
class City:
    province: str
    city: str
    short: str
    latitude: float
    longitude: float
    districts: dict  # district -> streets


SHANGHAI = City("上海市", "上海市", "上海", 31.2304, 121.4737, {
    "浦东新区": ("张江路", "世纪大道", "陆家嘴环路", "川沙路", "金桥路", "锦绣路"),
    "闵行区": ("七莘路", "沪闵路", "虹井路", "莘松路", "都市路"),
    "徐汇区": ("漕溪北路", "天钥桥路", "宜山路", "虹桥路", "田林路"),
    "长宁区": ("延安西路", "天山路", "仙霞路", "中山西路"),
    "静安区": ("南京西路", "愚园路", "共和新路", "江场路"),
})
HANGZHOU = City("浙江省", "杭州市", "杭州", 30.2741, 120.1551, {
    "西湖区": ("文三路", "教工路", "天目山路", "古墩路"),
    "拱墅区": ("莫干山路", "湖墅南路", "上塘路"),
    "上城区": ("解放路", "庆春路", "秋涛路"),
    "滨江区": ("江南大道", "滨盛路", "长河路"),
    "余杭区": ("文一西路", "五常大道"),
})
BEIJING = City("北京市", "北京市", "北京", 39.9042, 116.4074, {
    "海淀区": ("中关村大街", "学院路", "知春路", "西三环北路"),
    "朝阳区": ("建国路", "朝阳北路", "酒仙桥路", "望京街"),
    "东城区": ("东直门南大街", "王府井大街", "崇文门外大街"),
    "西城区": ("西直门内大街", "金融大街", "德胜门外大街"),
    "丰台区": ("丰台北路", "南三环西路", "马家堡东路"),
})
TIANJIN = City("天津市", "天津市", "天津", 39.0842, 117.2010, {
    "和平区": ("南京路", "南马路", "营口道"),
    "河西区": ("友谊路", "解放南路", "黑牛城道"),
    "南开区": ("鞍山西道", "白堤路", "红旗南路"),
    "河东区": ("十一经路", "六纬路"),
    "滨海新区": ("第三大街", "响螺湾路", "新港路"),
})
GUANGZHOU = City("广东省", "广州市", "广州", 23.1291, 113.2644, {
    "天河区": ("天河路", "体育西路", "黄埔大道", "中山大道"),
    "越秀区": ("中山五路", "东风东路", "环市东路"),
    "海珠区": ("新港中路", "江南大道中", "工业大道"),
    "白云区": ("白云大道", "机场路", "广州大道北"),
    "番禺区": ("市桥街", "迎宾路", "汉溪大道"),
})
SHENZHEN = City("广东省", "深圳市", "深圳", 22.5431, 114.0579, {
    "南山区": ("深南大道", "科技园路", "南海大道", "后海大道"),
    "福田区": ("福华路", "益田路", "彩田路", "华强北路"),
    "罗湖区": ("人民南路", "东门中路", "宝安南路"),
    "宝安区": ("宝安大道", "新安路", "创业一路"),
    "龙岗区": ("龙岗大道", "布吉路", "坂田五和大道"),
})

# service team -> (city, its districts, customers at full size); 300 in all
TEAM_AREAS = {
    "上海一组": (SHANGHAI, ("浦东新区", "闵行区"), 50),
    "上海二组": (SHANGHAI, ("徐汇区", "长宁区", "静安区"), 50),
    "杭州组": (HANGZHOU, tuple(HANGZHOU.districts), 40),
    "北京组": (BEIJING, tuple(BEIJING.districts), 50),
    "天津组": (TIANJIN, tuple(TIANJIN.districts), 35),
    "广州组": (GUANGZHOU, tuple(GUANGZHOU.districts), 40),
    "深圳组": (SHENZHEN, tuple(SHENZHEN.districts), 35),
}
SPREAD = 0.15  # degrees around the city centre

# === names ====================================================================================================

BRANDS = ("恒瑞", "华信", "鼎盛", "金桥", "宏达", "瑞丰", "嘉禾", "博远", "中联", "同创", "天成", "海纳", "正泰", "安信",
          "汇通", "佳和", "凯旋", "明德", "新元", "东方", "盛世", "锦程", "永安", "康达", "宝利", "信诚", "联创", "万和",
          "星河", "德润", "华美", "益民", "百川", "长青", "和顺", "福瑞", "润泽", "启航", "腾飞", "云帆")
INDUSTRIES = ("科技", "机械设备", "电子", "精密制造", "医疗器械", "物流", "贸易", "建材", "酒店管理", "物业管理", "食品",
              "印务", "环保科技", "信息技术", "餐饮管理", "教育咨询", "实业", "商贸", "包装材料", "汽车配件")
SHOPS = ("便利店", "超市", "餐厅", "大酒店", "大药房", "口腔诊所", "幼儿园", "健身中心", "咖啡馆", "烘焙坊", "火锅店",
         "眼镜店", "美容院", "五金店", "汽车维修厂")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
GIVEN_NAMES = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
               "秀兰", "霞", "平", "刚", "建华", "文", "华", "红", "建国", "志强", "海燕", "晓东", "丹", "鹏", "宇", "浩",
               "欣怡", "子轩", "雨涵", "俊杰", "思远", "晓梅")
COMPANY_POSITIONS = ("总经理", "行政主管", "采购经理", "设备主管", "工程部经理", "办公室主任", "后勤主管")
SHOP_POSITIONS = ("店长", "老板", "值班经理", "后厨主管")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "139", "150", "151", "152", "155", "156", "157",
                   "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188",
                   "189", "191", "198", "199")
TAGS = ("重点客户", "连锁门店", "长期合作", "政府单位", "VIP")
BUILDINGS = ("A座", "B座", "C座", "1号楼", "2号楼", "科技大厦", "商务中心")

# === custom fields (客户等级 · 合同金额 · 签订日期) ====================================================================

GRADE, AMOUNT, SIGNED = "grade", "contract_amount", "signed_on"
CUSTOM_FIELDS = [
    {"key": GRADE, "label": "客户等级", "kind": "select", "show_in_list": True, "searchable": True,
     "options": [{"value": "A", "label": "A"}, {"value": "B", "label": "B"}, {"value": "C", "label": "C"}]},
    {"key": AMOUNT, "label": "合同金额", "kind": "number", "show_in_list": True,
     "rules": {"min": 0, "decimals": 2, "unit": "元"}},
    {"key": SIGNED, "label": "签订日期", "kind": "date"},
]
GRADE_WEIGHTS = {"A": 25, "B": 45, "C": 30}
AMOUNT_RANGES = {"A": (200_000, 2_000_000), "B": (50_000, 300_000), "C": (5_000, 60_000)}  # yuan


def add_custom_fields(*, actor, target, fields, permission):
    """Append the demo's custom fields to a form once: fields whose key the form has are left alone."""
    schema = forms_engine.get_schema(target)
    present = {field.key for field in schema.parsed.fields} | {field.key for field in schema.parsed.retired}
    missing = [field for field in fields if field["key"] not in present]
    if not missing:
        return schema
    return forms_engine.save_schema(actor=actor, target=target, fields=[*schema.fields, *missing],
                                    permission=permission)


# === the customers ===============================================================================================

@dataclass
class CustomerSpec:
    name: str
    team: str
    status: str
    tags: list
    contacts: list
    address: dict
    fields: dict
    owner_count: int
    created_at: datetime


class CustomerFactory:
    """Draws demo customers from one random stream, so the same run always yields the same customers."""

    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.names = set()

    def specs(self, scale):
        specs = []
        for team, (city, districts, count) in TEAM_AREAS.items():
            specs += [self.customer(team, city, districts) for _ in range(scaled(count, scale))]
        return specs

    def customer(self, team, city, districts):
        rng = self.rng
        district = rng.choice(districts)
        street = rng.choice(city.districts[district])
        is_shop = rng.random() < 0.4
        name = self.unique_name(city, street, is_shop)
        grade = rng.choices(list(GRADE_WEIGHTS), weights=list(GRADE_WEIGHTS.values()))[0]
        return CustomerSpec(
            name=name, team=team,
            status=rng.choices(list(Customer.Status.values), weights=[85, 10, 5])[0],
            tags=rng.sample(TAGS, k=rng.choice((0, 0, 1, 1, 2))),
            contacts=[self.contact(is_shop) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))],
            address=self.address(city, district, street, is_shop),
            fields=self.custom_values(grade),
            owner_count=rng.choice((1, 1, 1, 2)),
            created_at=self.joined(),
        )

    def unique_name(self, city, street, is_shop):
        while True:
            if is_shop:
                name = f"{self.rng.choice(BRANDS)}{self.rng.choice(SHOPS)}（{street}店）"
            else:
                suffix = "股份有限公司" if self.rng.random() < 0.2 else "有限公司"
                name = f"{city.short}{self.rng.choice(BRANDS)}{self.rng.choice(INDUSTRIES)}{suffix}"
            if name not in self.names:
                self.names.add(name)
                return name

    def contact(self, is_shop):
        rng = self.rng
        return {"name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES), "phone": self.mobile(),
                "position": rng.choice(SHOP_POSITIONS if is_shop else COMPANY_POSITIONS)}

    def mobile(self):
        return f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10 ** 8):08d}"

    def address(self, city, district, street, is_shop):
        rng = self.rng
        detail = f"{street}{rng.randint(1, 999)}号"
        if is_shop:
            detail += f"{rng.randint(1, 3)}层{rng.randint(101, 128)}铺"
        else:
            detail += f"{rng.choice(BUILDINGS)}{rng.randint(2, 28)}楼"
        return {"province": city.province, "city": city.city, "district": district, "detail": detail,
                "latitude": self.near(city.latitude), "longitude": self.near(city.longitude)}

    def near(self, centre):
        """A coordinate within SPREAD degrees of the centre, denser towards it."""
        offset = max(-SPREAD, min(SPREAD, self.rng.gauss(0, SPREAD / 2)))
        return str(Decimal(str(centre + offset)).quantize(Decimal("0.000001")))

    def custom_values(self, grade):
        rng = self.rng
        values = {GRADE: grade}
        if rng.random() < 0.7:
            low, high = AMOUNT_RANGES[grade]
            values[AMOUNT] = round(rng.uniform(low, high), -2)
            values[SIGNED] = (self.today - timedelta(days=rng.randint(100, 1100))).isoformat()
        return values

    def joined(self):
        """When the customer was entered: before the demo's 90 days of work orders, mostly the last year."""
        days = 92 + int(abs(self.rng.gauss(0, 250)))
        return local_moment(self.today - timedelta(days=min(days, 1100)), self.rng.randint(9, 17),
                            self.rng.randint(0, 59))


def seed(actor, *, teams, scale=1.0):
    """The demo customers (missing ones created) with the custom fields; returns them in creation order.

    The fields are added the day before the first customer, each customer when it joined."""
    specs = sorted(CustomerFactory(random.Random(SEED), timezone.localdate()).specs(scale), key=lambda s: s.created_at)
    existing = {customer.name: customer for customer in Customer.objects.filter(name__in=[s.name for s in specs])}
    owners = _owner_candidates(teams)
    rng = random.Random(SEED + 1)
    clock = HistoryClock()
    customers = []
    with history(clock):
        if specs:
            clock.set(specs[0].created_at - timedelta(days=1))
        add_custom_fields(actor=actor, target=services.FORM_TARGET, fields=CUSTOM_FIELDS,
                          permission="customer.settings")
        for spec in specs:
            pool = owners[spec.team]
            chosen = rng.sample(pool, k=min(spec.owner_count, len(pool)))
            customer = existing.get(spec.name)
            if customer is None:
                clock.set(spec.created_at)
                customer = services.create_customer(
                    actor=actor, name=spec.name, status=spec.status, service_team_id=teams[spec.team].pk,
                    owner_ids=[user.pk for user in chosen], tags=spec.tags, fields=spec.fields,
                    contacts=spec.contacts, addresses=[spec.address], geocode=False)
            customers.append(customer)
    return customers


def _owner_candidates(teams):
    """{team name: [engineers and leaders of the team]}, the people who may own its customers."""
    result = {}
    for name in TEAM_AREAS:
        team = teams[name]
        people = {user.pk: user for user in [*team.leaders.all(), *team.members.all()] if user.is_active}
        result[name] = sorted((user for user in people.values() if permissions.has_perm(user, "workorder.execute")),
                              key=lambda user: user.pk)
    return result


# === reminder rules ==================================================================================================

def seed_reminders(actor, *, customers, products):
    """The demo reminder rules (reminder_demo), attached to the A-grade customers and to the installed
    air conditioners and water purifiers; skipped once all the rules exist."""
    names = [rule["name"] for rule in reminder_demo.DEMO_RULES]
    if ReminderRule.objects.filter(name__in=names).count() == len(names):
        return []
    key_customers = [c for c in customers if (c.fields or {}).get(GRADE) == "A"]
    serviced = [p for p in products if p.install_date and p.product_type and p.product_type.name in ("空调", "净水器")]
    with history(HistoryClock()):
        return reminder_demo.seed_reminder_rules(actor=actor, customers=key_customers, products=serviced)

