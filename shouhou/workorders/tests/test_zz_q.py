from django.db import connection
from django.test.utils import CaptureQueriesContext
from shouhou.core.testing import client_for

def test_queries(world):
    t = world.make_type()
    for _ in range(12):
        world.make_order(t)
    c = client_for(world.owner)
    c.get("/work-orders/list/")
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/work-orders/list/")
    print("list queries", len(ctx.captured_queries))
    o = world.in_progress(order_type=t)
    c.get(f"/work-orders/{o.pk}/")
    with CaptureQueriesContext(connection) as ctx:
        c.get(f"/work-orders/{o.pk}/")
    print("detail queries", len(ctx.captured_queries))
