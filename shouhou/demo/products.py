"""The demo company's products (issue 3, "Demo data"), made through the product services.

    seed(actor, customers=[Customer], scale=1.0) -> [Product]

About 600 products of five types (空调 · 净水器 · 电脑办公 · 机械类 · 手机数码) with serial numbers, purchase and
installation dates and warranty ends (many already expired), custom values for 颜色 and 功率(W), a few
templates that some products are made from, mostly at the demo customers. Each product is backdated to a
few weeks after its customer joined. A fixed random seed makes every run choose the same products;
they are known by serial number, so a second run creates only the ones missing.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from shouhou.demo.customers import SEED, HistoryClock, add_custom_fields, history, local_moment, scaled
from shouhou.products import queries, services
from shouhou.products.models import Product, ProductTemplate, ProductType

TARGET_PRODUCTS = 600
COLOR, POWER = "color", "power_w"
COLORS = ("白色", "黑色", "银色", "灰色", "金色")
CUSTOM_FIELDS = [
    {"key": COLOR, "label": "颜色", "kind": "select", "show_in_list": True,
     "options": [{"value": color, "label": color} for color in COLORS]},
    {"key": POWER, "label": "功率(W)", "kind": "number", "rules": {"min": 0, "decimals": 0, "unit": "W"}},
]


@dataclass(frozen=True)
class Model:
    name: str
    maker: str  # serial-number prefix
    power: tuple  # watts, low and high
    colors: tuple
    warranty_months: int
    template: str = ""  # the number of the template products of this model are made from


@dataclass(frozen=True)
class Kind:
    code: str  # product-number prefix
    weight: int
    installed: float  # share with an installation date
    places: tuple
    models: tuple


CATALOGUE = {
    "空调": Kind("KT", 30, 1.0, ("办公区", "会议室", "大堂", "机房", "后厨", "前台"), (
        Model("格力 云佳 KFR-35GW 挂式空调", "GR", (900, 1400), ("白色",), 36, "GREE-KFR35"),
        Model("美的 酷省电 KFR-72LW 柜式空调", "MD", (1800, 2600), ("白色", "金色"), 36),
        Model("大金 FTXR236 变频空调", "DK", (700, 1200), ("白色",), 60),
        Model("海尔 KFR-50LW 柜式空调", "HE", (1500, 2000), ("白色", "金色"), 36),
        Model("格力 GMV 多联机室外机", "GR", (8000, 15000), ("灰色",), 24),
    )),
    "净水器": Kind("JS", 20, 1.0, ("茶水间", "后厨", "前台", "会议室"), (
        Model("美的 MRO1891 反渗透净水器", "MD", (36, 60), ("白色", "银色"), 24, "MIDEA-RO1891"),
        Model("沁园 KRL5006 净水器", "QY", (30, 50), ("白色",), 12),
        Model("A.O.史密斯 AR600 净水器", "AO", (40, 80), ("白色", "黑色"), 24),
        Model("3M 商用直饮净水机", "3M", (300, 800), ("银色",), 12),
    )),
    "电脑办公": Kind("DN", 25, 0.5, ("财务室", "办公区", "前台", "总经理办公室", "打印间"), (
        Model("联想 ThinkPad T14 笔记本电脑", "LN", (65, 65), ("黑色",), 12, "LENOVO-T14"),
        Model("惠普 LaserJet Pro M404dn 激光打印机", "HP", (470, 550), ("白色",), 12),
        Model("戴尔 OptiPlex 7010 台式电脑", "DL", (180, 260), ("黑色",), 36),
        Model("理光 MP 2014 数码复印机", "RC", (1300, 1550), ("白色", "灰色"), 12),
        Model("爱普生 CB-X50 投影仪", "EP", (290, 320), ("白色",), 24),
    )),
    "机械类": Kind("JX", 15, 1.0, ("一号车间", "二号车间", "仓库", "设备间", "地下室"), (
        Model("阿特拉斯·科普柯 GA37 螺杆空压机", "AC", (37000, 37000), ("灰色",), 18, "ATLAS-GA37"),
        Model("林德 E20 电动叉车", "LD", (8000, 12000), ("灰色", "黑色"), 12),
        Model("格兰富 CR10 立式多级离心泵", "GF", (2200, 5500), ("银色",), 24),
        Model("西门子 1LE0 三相异步电动机", "SM", (5500, 15000), ("灰色",), 24),
        Model("康明斯 C150D5 柴油发电机组", "CM", (120000, 120000), ("灰色",), 12),
    )),
    "手机数码": Kind("SM", 10, 0.3, ("前台", "监控室", "办公区", "门店"), (
        Model("华为 Mate 60 Pro 手机", "HW", (88, 88), ("黑色", "白色", "金色"), 12),
        Model("小米 14 手机", "XM", (90, 90), ("黑色", "白色"), 12),
        Model("苹果 iPad Air 平板电脑", "AP", (20, 20), ("银色", "灰色"), 12),
        Model("海康威视 DS-2CD3T47 网络摄像机", "HK", (8, 12), ("白色",), 24),
        Model("大疆 Mini 4 Pro 无人机", "DJ", (30, 40), ("灰色",), 12),
    )),
}
TEMPLATE_DESCRIPTIONS = {
    "GREE-KFR35": "标准挂机安装含 3 米铜管，整机保修三年。",
    "MIDEA-RO1891": "厨下式反渗透净水器，滤芯建议每 6 个月更换。",
    "LENOVO-T14": "公司标配办公笔记本，整机保修一年。",
    "ATLAS-GA37": "螺杆空压机，每 2000 小时保养一次。",
}
CUSTOMER_WEIGHT = {"A": 3, "B": 2, "C": 1}  # product counts follow the customer grade


@dataclass
class ProductSpec:
    serial: str
    kind: str
    model: Model
    customer: object  # Customer or None (in stock)
    number: str
    from_template: bool
    purchase_date: date
    install_date: date | None
    location: str
    fields: dict
    created_at: datetime


class ProductFactory:
    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.serials = set()

    def specs(self, customers, count):
        weights = [CUSTOMER_WEIGHT.get((c.fields or {}).get("grade"), 1) for c in customers]
        kinds = list(CATALOGUE)
        specs = []
        for index in range(count):
            customer = self.rng.choices(customers, weights=weights)[0] if customers and self.rng.random() > 0.05 \
                else None
            kind = self.rng.choices(kinds, weights=[CATALOGUE[k].weight for k in kinds])[0]
            specs.append(self.product(index, kind, customer))
        return specs

    def product(self, index, kind_name, customer):
        rng, kind = self.rng, CATALOGUE[kind_name]
        model = rng.choice(kind.models)
        created = self.entered(customer)
        purchase = created.date() - timedelta(days=rng.randint(0, 60) if rng.random() < 0.4 else rng.randint(60, 1500))
        installed = rng.random() < kind.installed
        fields = {POWER: self.power(model)}
        if model.colors:
            fields[COLOR] = rng.choice(model.colors)
        return ProductSpec(
            serial=self.serial(model, purchase), kind=kind_name, model=model, customer=customer,
            number=f"{kind.code}-{index + 1:05d}", from_template=bool(model.template) and rng.random() < 0.6,
            purchase_date=purchase, install_date=purchase + timedelta(days=rng.randint(1, 15)) if installed else None,
            location=rng.choice(kind.places), fields=fields, created_at=created)

    def entered(self, customer):
        """Recorded a few weeks after the customer joined, and before the 90 days of work orders."""
        latest = local_moment(self.today - timedelta(days=91), 17)
        start = customer.created_at if customer is not None else latest - timedelta(days=400)
        moment = start + timedelta(days=self.rng.randint(0, 30), minutes=self.rng.randint(10, 300))
        return min(moment, latest)

    def serial(self, model, purchased):
        while True:
            serial = f"{model.maker}{purchased:%y%m}{self.rng.getrandbits(28):07X}"
            if serial not in self.serials:
                self.serials.add(serial)
                return serial

    def power(self, model):
        low, high = model.power
        watts = self.rng.randint(low, high)
        return watts if watts < 100 else round(watts, -1)


def seed(actor, *, customers, scale=1.0):
    """The demo product types, templates and products (missing ones created); returns the products."""
    today = timezone.localdate()
    specs = ProductFactory(random.Random(SEED + 2), today).specs(customers, scaled(TARGET_PRODUCTS, scale))
    existing = {p.serial_number: p for p in Product.objects.filter(serial_number__in=[s.serial for s in specs])
                .select_related("product_type")}
    clock = HistoryClock()
    products = []
    with history(clock):
        if specs:
            clock.set(min(spec.created_at for spec in specs) - timedelta(days=1))
        add_custom_fields(actor=actor, target=queries.FORM_TARGET, fields=CUSTOM_FIELDS, permission="product.settings")
        types = _product_types(actor)
        templates = _templates(actor, types)
        for spec in sorted(specs, key=lambda s: s.created_at):
            product = existing.get(spec.serial)
            if product is None:
                clock.set(spec.created_at)
                product = _create(actor, spec, types, templates)
            products.append(product)
    return products


def _product_types(actor):
    """{name: ProductType}, the five demo types added when missing."""
    types = {t.name: t for t in ProductType.objects.filter(name__in=list(CATALOGUE))}
    for name in CATALOGUE:
        if name not in types:
            types[name] = services.create_product_type(actor=actor, name=name)
    return types


def _templates(actor, types):
    """{number: ProductTemplate} of the models that have one (added when missing)."""
    wanted = [(kind, model) for kind, spec in CATALOGUE.items() for model in spec.models if model.template]
    templates = {t.number: t for t in ProductTemplate.objects.filter(number__in=[m.template for _k, m in wanted])}
    for kind, model in wanted:
        if model.template not in templates:
            low, high = model.power
            templates[model.template] = services.create_template(
                actor=actor, name=model.name, number=model.template, product_type_id=types[kind].pk,
                warranty_months=model.warranty_months, description=TEMPLATE_DESCRIPTIONS[model.template],
                fields={COLOR: model.colors[0], POWER: (low + high) // 2})
    return templates


def _create(actor, spec, types, templates):
    customer = spec.customer
    values = dict(
        serial_number=spec.serial, customer_id=customer.pk if customer else None, purchase_date=spec.purchase_date,
        install_date=spec.install_date, location=spec.location, fields=spec.fields,
        latitude=_coordinate(customer, "latitude"), longitude=_coordinate(customer, "longitude"))
    if spec.from_template:
        # the number and the warranty end come from the template (its prefix and months)
        return services.create_from_template(actor=actor, template_id=templates[spec.model.template].pk, **values)
    start = spec.install_date or spec.purchase_date
    return services.create_product(
        actor=actor, name=spec.model.name, number=spec.number, product_type_id=types[spec.kind].pk,
        warranty_end=services.add_months(start, spec.model.warranty_months), **values)


def _coordinate(customer, name):
    value = getattr(customer, name, None) if customer is not None else None
    return None if value is None else Decimal(value)
