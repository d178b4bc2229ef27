"""Isolation-walk declarations for payments (see core/testing/isolation.py), found there as `<app>.testing`."""

from shouhou.core.testing.isolation import populator, public_route, route_params

PAYMENT = "payments.Payment"
ORDER = "workorders.WorkOrder"


@populator
def payments_data(tenant, owner, marker):
    """A finished order paid in cash (with its photo), partly refunded: Payment and Refund have rows."""
    from shouhou.payments import services
    from shouhou.payments.factories import PaymentsFactory

    factory = PaymentsFactory(owner)
    factory.enable()
    payment = factory.offline(reference=f"{marker}收据")
    services.refund(actor=owner, payment=payment, amount="1.00", reason=f"{marker}退款")


route_params("payments:refund", pk=PAYMENT)
for name in ("order_section", "request", "offline"):
    route_params(f"payments:{name}", pk=ORDER)
for name in ("get_payment", "refund_payment"):
    route_params(f"api:payments_{name}", payment_id=PAYMENT)
# the providers' callback (signature-checked) and the sandbox's payer page (its merchant order number)
public_route("api:payments_notify", "payments_public:sandbox_pay")
