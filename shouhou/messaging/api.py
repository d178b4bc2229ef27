"""REST API of 订阅 (SYS-05, issue 10): the caller's own subscriptions to the registered topics
(messaging.subscriptions.register_topic; e.g. `workorders.pool`, the work-order pool).

GET /api/v1/subscriptions            every topic the caller may follow, with his subscription
POST /api/v1/subscriptions           {topic, each_new}: subscribe (again: each_new is updated)
DELETE /api/v1/subscriptions?topic=  unsubscribe (nothing to undo is not an error)
"""

from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import permissions
from shouhou.core.api_types import Flag
from shouhou.core.api_utils import ERRORS

from . import subscriptions
from .models import Subscription

router = Router(tags=["subscriptions"])

Topic = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$",
                             description="a registered topic, e.g. workorders.pool (工单池); unknown: 400")]


class SubscriptionOut(Schema):
    topic: str
    label: str = Field(description="the topic's name in the caller's language")
    subscribed: bool
    each_new: bool = Field(description="told of each new item too (always told when something waits too long)")


class SubscriptionsOut(Schema):
    items: list[SubscriptionOut]


class SubscriptionIn(Schema):
    topic: Topic
    each_new: Flag = False


class TopicQuery(Schema):
    topic: Topic


def _out(topic, label, subscription):
    return {"topic": topic, "label": str(label), "subscribed": subscription is not None,
            "each_new": bool(subscription and subscription.each_new)}


@router.get("/subscriptions", response={200: SubscriptionsOut, **ERRORS})
def list_subscriptions(request):
    """Every topic the caller may follow (he holds its permission), subscribed or not, in topic order."""
    user = request.auth
    mine = {row.topic: row for row in Subscription.objects.filter(user=user)}
    return {"items": [_out(topic, label, mine.get(topic))
                      for topic, (label, perm) in sorted(subscriptions.topics().items())
                      if permissions.has_perm(user, perm)]}


@router.post("/subscriptions", response={200: SubscriptionOut, **ERRORS})
def subscribe(request, payload: SubscriptionIn):
    """订阅: 400 for an unknown topic, 403 without the permission to see its list."""
    subscription = subscriptions.subscribe(actor=request.auth, topic=payload.topic, each_new=payload.each_new)
    return _out(payload.topic, subscriptions.topics()[payload.topic][0], subscription)


@router.delete("/subscriptions", response={204: None, **ERRORS})
def unsubscribe(request, filters: Query[TopicQuery]):
    """取消订阅 the caller's own subscription to `topic` (400 for an unknown topic)."""
    subscriptions.unsubscribe(actor=request.auth, topic=filters.topic)
    return Status(204, None)
