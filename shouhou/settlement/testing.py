"""Isolation-walk declarations for settlement (see core/testing/isolation.py): a settled order of a type with
结算 on, so the walk sees a Settlement row of each company. The pages take ids in the query (?ids=), the
phone's settle page is declared in mobile/testing.py."""

from shouhou.core.testing.isolation import populator


@populator
def settlement_data(tenant, owner, marker):
    from shouhou.settlement.factories import SettlementFactory

    factory = SettlementFactory(owner)
    factory.settled(adjustment="-1", reason=f"{marker}结算优惠",
                    order_type=factory.settling_type(name=f"{marker}结算类型"))
