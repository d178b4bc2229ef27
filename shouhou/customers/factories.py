"""Test data of customers (customers, contacts, addresses, notes), built through the services of this app.
Reminders have their own factory (shouhou/reminders/factories.py)."""

import itertools

_seq = itertools.count(1)

SHANGHAI = {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "张江路 100 号",
            "latitude": "31.230416", "longitude": "121.473701"}


class CustomersFactory:
    def __init__(self, actor):
        self.actor = actor

    def customer(self, *, name=None, contacts=None, addresses=None, geocode=False, **values):
        """A customer with one contact and the Shanghai address unless given (no geocoding call)."""
        from shouhou.customers import services

        n = next(_seq)
        if contacts is None:
            contacts = [{"name": f"联系人{n}", "phone": f"139{n:08d}"}]
        if addresses is None:
            addresses = [dict(SHANGHAI)]
        return services.create_customer(actor=self.actor, name=name or f"测试客户{n}", contacts=contacts,
                                        addresses=addresses, geocode=geocode, **values)

    def contact(self, *, customer=None, name=None, phone=None, **values):
        from shouhou.customers import contact_services

        n = next(_seq)
        return contact_services.add_contact(actor=self.actor, customer=customer or self.customer(),
                                            name=name or f"联系人{n}", phone=phone or f"138{n:08d}", **values)

    def address(self, *, customer=None, detail=None, **values):
        from shouhou.customers import contact_services

        values = {**SHANGHAI, "detail": detail or f"测试路 {next(_seq)} 号", **values}
        return contact_services.add_address(actor=self.actor, customer=customer or self.customer(), geocode=False,
                                            **values)

    def note(self, *, customer=None, content=None):
        from shouhou.customers import services

        return services.add_note(actor=self.actor, customer=customer or self.customer(),
                                 content=content or f"测试备注{next(_seq)}")
