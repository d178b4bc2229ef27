"""The 备件 and 服务项目 on the demo orders' receipts (issue 11).

Before the orders are lived (demo/workorders.py), every engineer gets a personal kit from the 总仓
(`stock_engineers`, at the start of the history); each completion then lists what the job used, as an
engineer would on the receipt: the type's service items (安装费, 上门检测 and a repair's labour, 巡检,
保养), and for repairs, maintenance and some installations one or two parts the assignee holds (a
serial-tracked board by its serial number), with the faulty part returned now and then (旧件返还). The
completion prices the lines by the pricing rules (保内 / 保外 from the product), takes the parts out of
the personal stock with movements referencing the order, customer and product, writes the service
records and the order's 合计费用 — the same service call as on the phone.

The choices come from a random sequence of their own (the order's seed), so the rest of an order's
story does not depend on them; an engineer whose kit ran out completes without parts.
"""

import random

from shouhou.parts import services as part_services
from shouhou.parts.models import SerialUnit, ServiceItem, StockLevel, Warehouse
from shouhou.workorders.models import Receipt

KIT_CATEGORIES = ("滤芯", "耗材", "传感器", "阀门", "电机", "线材", "紧固件", "遥控与面板")
KIT_KINDS, KIT_UNITS, KIT_BOARDS = 8, 8, 2
SERVICES = {  # the type's items: always, then one of the optional ones (with its chance)
    "安装": (("空调安装",), ("高空作业费", "支架安装", "管路改造"), 0.35),
    "维修": (("上门检测",), ("更换主板工时", "风机更换工时", "传感器更换工时", "阀门更换工时", "电路检修", "加冷媒",
                          "焊接补漏"), 0.9),
    "巡检": (("设备巡检",), ("水质检测",), 0.2),
    "保养": (("整机保养",), ("滤芯更换", "空调清洗"), 0.5),
}
PART_CHANCE = {"维修": 0.7, "保养": 0.5, "安装": 0.25}
INSTALL_PARTS = ("线材", "紧固件")  # what an installation uses up


def stock_engineers(actor, engineers, rng):
    """Each engineer's personal kit from the 总仓 (what is missing of it): KIT_KINDS plain parts of
    KIT_CATEGORIES, KIT_UNITS each, and KIT_BOARDS serial-tracked units for every other engineer."""
    main = Warehouse.objects.filter(kind=Warehouse.Kind.SPARE).order_by("pk").first()
    if main is None:
        return
    levels = {level.part_id: level for level in StockLevel.objects.filter(warehouse=main, quantity__gt=0)
              .select_related("part", "part__category").order_by("part__number")}
    plain = [level for level in levels.values() if not level.part.serial_tracked and level.part.enabled
             and level.part.category is not None and level.part.category.name in KIT_CATEGORIES]
    boards = [level for level in levels.values() if level.part.serial_tracked and level.part.enabled]
    for index, engineer in enumerate(engineers):
        if StockLevel.objects.filter(holder=engineer, quantity__gt=0).count() >= KIT_KINDS:
            continue
        lines = []
        for level in rng.sample(plain, k=min(KIT_KINDS, len(plain))):
            quantity = min(KIT_UNITS, int(level.quantity - level.reserved) // 2)
            if quantity > 0:
                lines.append({"part_id": level.part_id, "quantity": quantity})
                level.quantity -= quantity
        if index % 2 == 0 and boards:
            board = boards[index // 2 % len(boards)]
            serials = list(SerialUnit.objects.filter(part=board.part, warehouse=main, state=SerialUnit.State.IN_STOCK)
                           .values_list("serial", flat=True)[:KIT_BOARDS])
            if serials:
                lines.append({"part_id": board.part_id, "quantity": len(serials), "serials": serials})
        if lines:
            part_services.allocate(actor=actor, warehouse_id=main.pk, holder_id=engineer.pk, lines=lines,
                                   reason="工程师随车备件")


class ReceiptLines:
    """What the demo's receipts list; the service items looked up once a run."""

    def __init__(self):
        self.items = {item.name: item for item in ServiceItem.objects.filter(enabled=True)}

    def of(self, order, engineer, type_name, seed):
        """{parts, service_items, old_parts} for `engineer`'s completion of `order` (empty: a receipt
        without lines)."""
        rng = random.Random(seed * 7 + 11)
        lines = {}
        services = self.services(type_name, order, rng)
        if services:
            lines["service_items"] = services
        if rng.random() < PART_CHANCE.get(type_name, 0):
            parts, old_parts = self.parts(engineer, type_name, rng)
            if parts:
                lines["parts"] = parts
            if old_parts:
                lines["old_parts"] = old_parts
        return lines

    def services(self, type_name, order, rng):
        spec = SERVICES.get(type_name)
        if spec is None:
            return []
        always, optional, chance = spec
        names = list(always)
        if type_name == "安装" and order.product is not None and order.product.product_type is not None \
                and order.product.product_type.name == "净水器":
            names = ["净水器安装"]
        if rng.random() < chance:
            names.append(rng.choice(optional))
        return [{"service_item_id": self.items[name].pk, "quantity": "1"} for name in names if name in self.items]

    def parts(self, engineer, type_name, rng):
        held = list(StockLevel.objects.filter(holder=engineer, quantity__gt=0).select_related("part", "part__category")
                    .order_by("part__number"))
        free = [level for level in held if level.quantity - level.reserved >= 1]
        if type_name == "安装":
            free = [level for level in free if level.part.category and level.part.category.name in INSTALL_PARTS]
        elif type_name == "保养":
            free = [level for level in free if not level.part.serial_tracked]
        if not free:
            return [], []
        parts, old_parts = [], []
        for level in rng.sample(free, k=min(len(free), rng.choice((1, 1, 2)))):
            line = {"part_id": level.part_id, "quantity": "1"}
            if level.part.serial_tracked:
                serial = self.free_serial(engineer, level.part)
                if serial is None:
                    continue
                line["serials"] = [serial]
            elif level.part.unit == "米" and level.quantity - level.reserved >= 3:
                line["quantity"] = "3"
            parts.append(line)
            if type_name == "维修" and not level.part.serial_tracked and rng.random() < 0.3:
                old_parts.append({"part_id": level.part_id, "quantity": "1"})
        return parts, old_parts

    @staticmethod
    def free_serial(engineer, part):
        """A unit the engineer holds that no draft of his open orders lists."""
        drafted = {serial for lines in Receipt.objects.filter(is_draft=True, order__assignee=engineer)
                   .values_list("lines", flat=True) for line in lines or () for serial in line.get("serials") or ()}
        serials = SerialUnit.objects.filter(part=part, holder=engineer, state=SerialUnit.State.HELD) \
            .values_list("serial", flat=True)
        return next((serial for serial in serials if serial not in drafted), None)
