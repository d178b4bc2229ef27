"""Isolation-walk declarations for return visits (see core/testing/isolation.py)."""

from shouhou.core.testing.isolation import populator, public_route, route_params

ORDER = "workorders.WorkOrder"
CUSTOMER = "customers.Customer"


@populator
def visits_data(tenant, owner, marker):
    """A finished order of a type with both visit nodes on, visited by hand and surveyed (Visit, Survey rows)."""
    from shouhou.visits.factories import ANSWER, VisitsFactory

    factory = VisitsFactory(owner)
    order = factory.finished()
    factory.survey(order=order)
    factory.visit(order=order, answer=ANSWER)


for name in ("visit", "resend", "for_order"):
    route_params(f"visits:{name}", pk=ORDER)
route_params("visits:for_customer", pk=CUSTOMER)
route_params("api:visits_visit_order", order_id=ORDER)
public_route("survey:page", "api:visits_get_survey", "api:visits_answer_survey")  # the token is the key
route_params("visits:for_user", pk="accounts.User")
