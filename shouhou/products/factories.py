"""Test data of products (product types, templates, products), built through products.services."""

import itertools

_seq = itertools.count(1)


class ProductsFactory:
    def __init__(self, actor):
        self.actor = actor

    def product_type(self, *, name=None):
        from shouhou.products import services

        return services.create_product_type(actor=self.actor, name=name or f"测试类型{next(_seq)}")

    def template(self, *, name=None, number=None, **values):
        from shouhou.products import services

        n = next(_seq)
        return services.create_template(actor=self.actor, name=name or f"测试模板{n}", number=number or f"TPL{n:05d}",
                                        **values)

    def product(self, *, name=None, number=None, customer=None, **values):
        """A product (of `customer` when given) with a number of its own."""
        from shouhou.products import services

        n = next(_seq)
        if customer is not None:
            values["customer_id"] = customer.pk
        return services.create_product(actor=self.actor, name=name or f"测试产品{n}", number=number or f"P{n:05d}",
                                       **values)
