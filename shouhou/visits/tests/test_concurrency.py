"""Four customers' browsers submitting one survey link at the same moment (a double tap, a forwarded
link): exactly one answer is stored, the others are told it was answered. Real threads with their own
PostgreSQL connections."""

import threading

import pytest
from django.db import connection

from shouhou.visits import services, tokens
from shouhou.visits.factories import ANSWER
from shouhou.visits.models import Survey, Visit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: the survey's row lock (SELECT … FOR UPDATE) is what this test proves"),
]


def test_one_link_is_answered_once_under_concurrent_submissions(tenant, owner, factories):
    survey = factories.visits.survey()
    token = tokens.token_for(survey.nonce)
    barrier = threading.Barrier(4)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(services.submit_survey(token=token, answer=ANSWER))
        except Exception as exc:  # the outcome is what the test checks
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stored = [r for r in results if isinstance(r, Visit)]
    refused = [r for r in results if isinstance(r, services.SurveyGone)]
    assert len(stored) == 1 and len(refused) == 3, results
    assert Visit.objects.filter(kind="auto").count() == 1
    assert Survey.objects.get(pk=survey.pk).visit_id == stored[0].pk
