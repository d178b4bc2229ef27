"""The provider sends the same payment's notification several times at once (its retries, or a replay beside
the genuine one): the payment is marked paid once, one timeline entry, one event; a replayed nonce is refused.
Real threads with their own PostgreSQL connections."""

import threading

import pytest
from django.db import connection

from shouhou.core.models import Activity, OutboxEvent
from shouhou.payments import services
from shouhou.payments.adapters import sandbox
from shouhou.payments.models import Payment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: the row lock and the nonce's unique index are what this proves"),
]


def test_concurrent_notifications_mark_the_payment_paid_once(settings, factories):
    settings.PAYMENTS_SANDBOX = True
    factories.payments.enable()
    payment = factories.payments.request()
    same_transaction = [sandbox.notification(payment, transaction_id="SBTXCONC") for _ in range(3)]
    messages = [*same_transaction, same_transaction[0]]  # three retries, and one of them replayed
    barrier = threading.Barrier(len(messages))
    results = []

    def deliver(headers, body):
        try:
            barrier.wait()
            results.append(services.handle_notification(provider="sandbox", headers=headers, body=body)[0])
        except services.NotificationRefused as exc:
            results.append(exc.code)
        except Exception as exc:  # the outcome is what the test checks
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=message) for message in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, results)) == ["200", "200", "200", "replayed"], results
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.transaction_id == "SBTXCONC" and payment.version == 2
    assert OutboxEvent.objects.filter(name="payment.paid").count() == 1
    assert Activity.objects.filter(object_id=str(payment.order_id), verb="was paid").count() == 1
