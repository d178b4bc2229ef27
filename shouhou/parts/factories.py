"""Test data of spare parts, built through parts.services (never Model.objects.create)."""

import itertools

_seq = itertools.count(1)


class PartsFactory:
    def __init__(self, actor):
        self.actor = actor

    def category(self, *, name=None, parent=None):
        from shouhou.parts import services

        return services.create_category(actor=self.actor, name=name or f"测试类别{next(_seq)}",
                                        parent_id=getattr(parent, "pk", None))

    def part(self, *, name=None, number=None, **values):
        from shouhou.parts import services

        n = next(_seq)
        values.setdefault("cost_price", "10.00")
        values.setdefault("sale_price", "15.00")
        return services.create_part(actor=self.actor, name=name or f"测试备件{n}", number=number or f"BJ{n:05d}",
                                    **values)

    def warehouse(self, *, name=None, managers=(), **values):
        from shouhou.parts import services

        return services.create_warehouse(actor=self.actor, name=name or f"测试仓库{next(_seq)}",
                                         manager_ids=[user.pk for user in managers], **values)

    def stock(self, warehouse, part, quantity, serials=None):
        """Put `quantity` of `part` into `warehouse` (入库)."""
        from shouhou.parts import services

        line = {"part_id": part.pk, "quantity": str(quantity)}
        if serials:
            line["serials"] = list(serials)
        return services.stock_in(actor=self.actor, warehouse_id=warehouse.pk, lines=[line])

    def requisition(self, *, warehouse=None, part=None, quantity=1, note=""):
        """A pending requisition by the factory's actor (stock put in first when none is given)."""
        from shouhou.parts import services

        warehouse = warehouse or self.warehouse()
        part = part or self.part()
        return services.create_requisition(actor=self.actor, warehouse_id=warehouse.pk,
                                           lines=[{"part_id": part.pk, "quantity": str(quantity)}], note=note)

    def service_item(self, *, name=None, number=None, **values):
        from shouhou.parts import services

        n = next(_seq)
        return services.create_service_item(actor=self.actor, name=name or f"测试服务{n}",
                                            number=number or f"FW{n:05d}", **values)

    def pricing_rule(self, *, name=None, **values):
        """A pricing rule (收费标准), by default: parts free in warranty."""
        from shouhou.parts import services

        values.setdefault("applies_to", "parts")
        values.setdefault("warranty", "in")
        values.setdefault("effect", "free")
        return services.create_pricing_rule(actor=self.actor, name=name or f"测试规则{next(_seq)}", **values)
