"""The demo company's spare parts, warehouses, stock, requisitions and service items (issue 11), made
through the parts services.

    seed(actor, users={name: User}, scale=1.0)

About 200 parts in 10 categories (the compressors and boards serial-tracked), 4 warehouses (总仓, two
regional ones managed by the keeper 赵磊, one 不良品库), stock with safety levels and some rows below
them, engineers holding parts (every engineer a kit for the demo orders' receipts, demo/receipts.py),
requisitions in every state and 30 service items, all two days before the orders' history begins. A fixed random seed
chooses the same data each run; parts are known by number, so a second run adds nothing.
"""

import random
from datetime import timedelta
from decimal import Decimal

from shouhou.core import permissions
from shouhou.demo import receipts as receipt_demo
from shouhou.demo.customers import REAL_NOW, SEED, HistoryClock, history, scaled
from shouhou.parts import services
from shouhou.parts.models import Part, PartCategory, ServiceItem, StockRequest, Warehouse

TARGET_PARTS = 200
CATEGORIES = {
    "压缩机": ("台", ["旋转式压缩机", "涡旋压缩机", "变频压缩机"], True),
    "电路板": ("块", ["主控板", "显示板", "变频驱动板", "电源板"], True),
    "电机": ("个", ["室内风机", "室外风机", "步进电机"], False),
    "传感器": ("个", ["温度传感器", "压力传感器", "水位传感器"], False),
    "滤芯": ("支", ["PP棉滤芯", "活性炭滤芯", "RO反渗透膜", "后置活性炭"], False),
    "阀门": ("个", ["电磁阀", "四通阀", "膨胀阀", "进水阀"], False),
    "线材": ("米", ["电源线", "信号线", "连接铜管"], False),
    "遥控与面板": ("个", ["遥控器", "操作面板", "显示屏"], False),
    "耗材": ("瓶", ["冷媒R32", "冷媒R410A", "清洗剂", "润滑油"], False),
    "紧固件": ("包", ["螺丝套装", "膨胀螺栓", "减震垫"], False),
}
BRANDS = ("格力", "美的", "海尔", "大金", "奥克斯")
WAREHOUSES = [("总仓", "spare", "上海"), ("华东区域库", "regional", "杭州"), ("华南区域库", "regional", "广州"),
              ("不良品库", "defective", "上海")]
SERVICE_ITEMS = [
    ("上门检测", "检测", "次", 50), ("空调清洗", "清洗", "台", 120), ("加冷媒", "维修", "次", 180),
    ("更换压缩机工时", "维修", "次", 300), ("更换主板工时", "维修", "次", 150), ("移机", "安装", "台", 260),
    ("空调安装", "安装", "台", 200), ("净水器安装", "安装", "台", 100), ("滤芯更换", "保养", "次", 30),
    ("管路改造", "安装", "米", 45), ("高空作业费", "附加", "次", 100), ("远程费", "附加", "公里", 2),
    ("夜间服务费", "附加", "次", 80), ("电脑系统重装", "维修", "次", 80), ("打印机保养", "保养", "台", 90),
    ("数据恢复", "维修", "次", 300), ("设备巡检", "检测", "台", 60), ("电路检修", "维修", "次", 120),
    ("焊接补漏", "维修", "处", 80), ("真空抽空", "维修", "次", 60), ("拆旧机", "安装", "台", 50),
    ("支架安装", "安装", "套", 80), ("水质检测", "检测", "次", 40), ("整机保养", "保养", "台", 150),
    ("风机更换工时", "维修", "次", 100), ("传感器更换工时", "维修", "次", 60), ("阀门更换工时", "维修", "次", 90),
    ("软件升级", "维修", "次", 30), ("培训指导", "附加", "小时", 100), ("紧急上门", "附加", "次", 150),
]


def seed(actor, *, users, scale=1.0):
    if scale <= 0:
        return
    rng = random.Random(SEED + 11)
    # one step of history, before the orders' history begins (their receipts use the engineers' kits): the
    # stock events (requests, 库存提醒) are delivered before it commits, so a second run finds nothing pending
    # and changes nothing
    from shouhou.demo.workorders import HISTORY_DAYS

    with history(HistoryClock(REAL_NOW() - timedelta(days=HISTORY_DAYS + 2))):
        categories = {name: _category(actor, name) for name in CATEGORIES}
        parts = _parts(actor, rng, categories, max(scaled(TARGET_PARTS, scale), 20))
        keeper = users.get("赵磊")
        warehouses = {name: _warehouse(actor, name, kind, region, keeper) for name, kind, region in WAREHOUSES}
        if not _has_stock():
            _stock(actor, rng, parts, warehouses)
            _people(actor, rng, parts, warehouses, users)
            engineers = sorted((user for user in users.values() if permissions.has_perm(user, "workorder.execute")),
                               key=lambda user: user.pk)
            receipt_demo.stock_engineers(actor, engineers, rng)
        _service_items(actor)


def _category(actor, name):
    return PartCategory.objects.filter(name=name).first() or services.create_category(actor=actor, name=name)


def _parts(actor, rng, categories, count):
    made = []
    names = [(category, unit, kind, tracked) for category, (unit, kinds, tracked) in CATEGORIES.items()
             for kind in kinds]
    for index in range(count):
        category, unit, kind, tracked = names[index % len(names)]
        brand = BRANDS[(index // len(names)) % len(BRANDS)]
        number = f"BJ{index + 1:05d}"
        part = Part.objects.filter(number=number).first()
        if part is None:
            cost = Decimal(rng.choice([5, 8, 12, 25, 40, 80, 150, 300, 600, 1200]))
            part = services.create_part(
                actor=actor, number=number, name=f"{brand}{kind}", category_id=categories[category].pk,
                specification=f"{brand[:1]}{rng.randint(10, 99)}-{rng.choice('ABCDEFG')}{rng.randint(100, 999)}",
                unit=unit, cost_price=cost, sale_price=(cost * Decimal("1.5")).quantize(Decimal("0.01")),
                serial_tracked=tracked, in_mall=rng.random() < 0.3, enabled=rng.random() > 0.03)
        made.append(part)
    return made


def _warehouse(actor, name, kind, region, keeper):
    found = Warehouse.objects.filter(name=name).first()
    if found:
        return found
    managers = [keeper.pk] if keeper is not None and kind == "regional" else []
    return services.create_warehouse(actor=actor, name=name, kind=kind, region=region, manager_ids=managers)


def _has_stock():
    from shouhou.parts.models import StockMovement

    return StockMovement.objects.exists()


def _serials(part, count, start):
    return [f"{part.number}-{start + n:04d}" for n in range(count)]


def _stock(actor, rng, parts, warehouses):
    enabled = [part for part in parts if part.enabled]
    serial_next = {}
    for name in ("总仓", "华东区域库", "华南区域库"):
        warehouse, lines = warehouses[name], []
        chosen = enabled if name == "总仓" else rng.sample(enabled, k=max(1, len(enabled) // 3))
        for part in chosen:
            quantity = rng.randint(10, 40) if name == "总仓" else rng.randint(1, 10)
            line = {"part_id": part.pk, "quantity": quantity}
            if part.serial_tracked:
                quantity = min(quantity, 6)
                start = serial_next.get(part.pk, 1)
                line = {"part_id": part.pk, "quantity": quantity, "serials": _serials(part, quantity, start)}
                serial_next[part.pk] = start + quantity
            lines.append(line)
        for begin in range(0, len(lines), 200):
            services.stock_in(actor=actor, warehouse_id=warehouse.pk, lines=lines[begin:begin + 200], reason="期初入库")
        for part in rng.sample(chosen, k=max(1, len(chosen) // 5)):  # safety levels, some above on-hand
            services.set_safety_stock(actor=actor, warehouse_id=warehouse.pk, part_id=part.pk,
                                      safety_quantity=rng.randint(3, 25))
    defective = [part for part in enabled if not part.serial_tracked][:5]
    if defective:
        services.stock_in(actor=actor, warehouse_id=warehouses["不良品库"].pk, reason="旧件返还",
                          lines=[{"part_id": part.pk, "quantity": rng.randint(1, 3)} for part in defective])


def _people(actor, rng, parts, warehouses, users):
    """Engineers holding parts, and requisitions in every state."""
    main = warehouses["总仓"]
    plain = [part for part in parts if part.enabled and not part.serial_tracked]
    engineers = [user for name, user in users.items() if name in ("李强", "马超", "朱磊", "胡军", "郭涛", "高峰")]
    for engineer in engineers:
        services.allocate(actor=actor, warehouse_id=main.pk, holder_id=engineer.pk, reason="期初分配",
                          lines=[{"part_id": part.pk, "quantity": 1} for part in rng.sample(plain, k=3)])
    states = [StockRequest.Status.PENDING, StockRequest.Status.APPROVED, StockRequest.Status.PARTLY,
              StockRequest.Status.REFUSED, StockRequest.Status.WITHDRAWN, StockRequest.Status.PENDING]
    for index, (engineer, state) in enumerate(zip(engineers, states, strict=False)):
        chosen = rng.sample(plain, k=2)
        requisition = services.create_requisition(
            actor=engineer, warehouse_id=main.pk, note=f"工单备件申领 {index + 1}",
            lines=[{"part_id": part.pk, "quantity": 2} for part in chosen])
        if state == StockRequest.Status.APPROVED:
            services.approve_request(actor=actor, stock_request=requisition)
        elif state == StockRequest.Status.PARTLY:
            services.approve_request(actor=actor, stock_request=requisition,
                                     lines=[{"part_id": chosen[0].pk, "quantity": 1}])
        elif state == StockRequest.Status.REFUSED:
            services.refuse_request(actor=actor, stock_request=requisition, note="库存紧张，请下周再申领")
        elif state == StockRequest.Status.WITHDRAWN:
            services.withdraw_request(actor=engineer, stock_request=requisition)
    if engineers:
        held = engineers[0].part_levels.filter(quantity__gt=0).first()
        if held is not None:
            services.create_return(actor=engineers[0], warehouse_id=main.pk, note="多领退回",
                                   lines=[{"part_id": held.part_id, "quantity": 1}])


def _service_items(actor):
    for index, (name, category, unit, price) in enumerate(SERVICE_ITEMS, start=1):
        number = f"FW{index:04d}"
        if not ServiceItem.objects.filter(number=number).exists():
            services.create_service_item(actor=actor, number=number, name=name, category=category, unit=unit,
                                         sale_price=price, cost_price=Decimal(price) * Decimal("0.4"))
