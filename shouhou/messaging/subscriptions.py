"""订阅 (SYS-05): following a list of the console. A module registers its topic with `register_topic`
(key, label); users subscribe and unsubscribe through `subscribe` / `unsubscribe` (their own
subscription only); the module asks `subscribers(topic)` whom to tell, and tells them with
messaging.services.notify in its own outbox handler (so a notice is delivered once per event)."""

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core.errors import ValidationFailed
from shouhou.core.permissions import require

from .models import Subscription

_topics = {}  # {key: (label, permission code needed to subscribe)}


def register_topic(key, label, *, perm):
    """Let users subscribe to `key` (at most 50 characters); `perm` is what they need to see the list."""
    if len(key) > 50:
        raise ValueError(f"topic {key!r} is longer than 50 characters")
    _topics[key] = (label, perm)


def topics():
    return dict(_topics)


def _topic(key):
    if key not in _topics:
        raise ValidationFailed(details={"topic": [_("Unknown subscription.")]})
    return _topics[key]


@transaction.atomic
def subscribe(*, actor, topic, each_new=False):
    """订阅: the actor follows `topic` (again: his choice of `each_new` is updated)."""
    _label, perm = _topic(topic)
    require(actor, perm)
    subscription, _created = Subscription.objects.update_or_create(
        user=actor, topic=topic, defaults={"each_new": bool(each_new)})
    return subscription


@transaction.atomic
def unsubscribe(*, actor, topic):
    """取消订阅: nothing to undo is not an error."""
    _topic(topic)
    Subscription.objects.filter(user=actor, topic=topic).delete()


def subscription_of(user, topic):
    """The user's subscription to `topic`, or None."""
    return Subscription.objects.filter(user=user, topic=topic).first()


def subscribers(topic, *, each_new=False):
    """The active users following `topic` (only those who asked for each new item when `each_new`)."""
    from shouhou.accounts.models import User

    rows = Subscription.objects.filter(topic=topic)
    if each_new:
        rows = rows.filter(each_new=True)
    return list(User.objects.filter(is_active=True, pk__in=rows.values("user_id")).order_by("pk"))
