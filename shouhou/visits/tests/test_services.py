"""Return visits: the manual visit through the 回访 node (on/off), the SMS survey's token (single use,
expiry, forged, re-sent once), answer validation, another company's order."""

import datetime as dt

import pytest
from django.utils import timezone

from shouhou.core.errors import Conflict, NotFound, ValidationFailed
from shouhou.messaging.sms import ConsoleSmsGateway
from shouhou.visits import figures, queries, services, tokens
from shouhou.visits.factories import ANSWER
from shouhou.visits.models import Survey, Visit
from shouhou.workorders import order_facts
from shouhou.workorders.models import Status

pytestmark = pytest.mark.django_db


def token_of(survey):
    return tokens.token_for(Survey.objects.get(pk=survey.pk).nonce)


def test_manual_visit_with_the_node_on_sets_visited(owner, factories):
    order = factories.visits.finished()
    order = services.record_visit(actor=owner, order=order, answer=ANSWER)
    order.refresh_from_db()
    assert order.status == Status.VISITED
    visit = Visit.objects.get(order=order, kind="manual")
    assert (visit.level, visit.tags, visit.engineer_id, visit.visited_by_id) == ("good", ["速度快"], owner.pk, owner.pk)
    assert visit.scores == {"服务态度": 5, "服务效率": 4, "服务质量": 5}
    with pytest.raises(Conflict):  # the table: 已回访 is past the node
        services.record_visit(actor=owner, order=order, answer=ANSWER)


def test_manual_visit_with_the_node_off_keeps_the_status(owner, factories):
    order = factories.visits.finished(order_type=factories.visits.visit_type(visit=False, auto_visit=False))
    services.record_visit(actor=owner, order=order, answer=ANSWER)
    order.refresh_from_db()
    assert order.status == Status.FINISHED
    assert Visit.objects.filter(order=order, kind="manual").count() == 1
    with pytest.raises(Conflict):
        services.record_visit(actor=owner, order=order, answer=ANSWER)


def test_an_unfinished_order_cannot_be_visited(owner, factories):
    order = factories.workorders.assigned(order_type=factories.visits.visit_type(visit=False))
    with pytest.raises(Conflict):
        services.record_visit(actor=owner, order=order, answer=ANSWER)
    assert not Visit.objects.exists()


@pytest.mark.parametrize("answer, key", [
    ({**ANSWER, "level": "great"}, "level"),
    ({**ANSWER, "level": None}, "level"),
    ({**ANSWER, "scores": {"服务态度": 6, "服务效率": 4, "服务质量": 5}}, "scores.服务态度"),
    ({**ANSWER, "scores": {"服务态度": 5}}, "scores"),
    ({**ANSWER, "scores": {"服务态度": 5, "服务效率": 4, "服务质量": 5, "价格": 3}}, "scores.价格"),
    ({**ANSWER, "tags": ["不存在的标签"]}, "tags"),
    ({**ANSWER, "note": "坏\x00字"}, "note"),
    ({**ANSWER, "note": "长" * 501}, "note"),
    ({**ANSWER, "extra": 1}, "extra"),
])
def test_bad_answers_are_refused_and_change_nothing(owner, factories, answer, key):
    order = factories.visits.finished()
    with pytest.raises(ValidationFailed) as caught:
        services.record_visit(actor=owner, order=order, answer=answer)
    assert key in caught.value.details
    order.refresh_from_db()
    assert order.status == Status.FINISHED and not Visit.objects.exists()


def test_finishing_texts_the_survey_and_the_token_answers_once(owner, factories, django_capture_on_commit_callbacks):
    ConsoleSmsGateway.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = factories.visits.finished()
    survey = Survey.objects.get(order=order)
    token = token_of(survey)
    assert any(token in content for _phone, content in ConsoleSmsGateway.sent)
    assert order_facts.fact("survey_url", order) == f"/s/{token}"
    assert survey.nonce not in (token.split(".")[1],)  # the signature is not stored
    visit = services.submit_survey(token=token, answer=ANSWER)
    assert visit.kind == "auto" and visit.level == "good"
    with pytest.raises(services.SurveyGone):
        services.submit_survey(token=token, answer=ANSWER)
    assert Visit.objects.filter(order=order, kind="auto").count() == 1


def test_the_survey_node_off_sends_nothing(owner, factories, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = factories.visits.finished(order_type=factories.visits.visit_type(auto_visit=False))
    assert not Survey.objects.filter(order=order).exists()
    assert order_facts.fact("survey_url", order) is None


def test_an_expired_survey_is_closed(owner, factories):
    survey = factories.visits.survey()
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(services.SurveyGone):
        services.submit_survey(token=token_of(survey), answer=ANSWER)
    assert not Visit.objects.exists()


def test_forged_and_malformed_tokens_are_not_found(owner, factories):
    survey = factories.visits.survey()
    token = token_of(survey)
    for bad in (token[:-1] + ("0" if token[-1] != "0" else "1"), survey.nonce, "x", "", token + "a"):
        with pytest.raises(NotFound):
            services.find_survey(bad)


def test_resend_once_makes_a_new_link_and_kills_the_old(owner, factories):
    survey = factories.visits.survey()
    old = token_of(survey)
    services.resend_survey(actor=owner, order=survey.order)
    new = token_of(survey)
    assert new != old
    with pytest.raises(NotFound):
        services.find_survey(old)
    with pytest.raises(Conflict):
        services.resend_survey(actor=owner, order=survey.order)
    services.submit_survey(token=new, answer=ANSWER)


def test_an_answered_survey_is_not_resent(owner, factories):
    survey = factories.visits.survey()
    services.submit_survey(token=token_of(survey), answer=ANSWER)
    with pytest.raises(Conflict):
        services.resend_survey(actor=owner, order=survey.order)


def test_survey_questions_follow_the_settings(owner, factories):
    services.save_settings(actor=owner, levels={"good": "好", "fair": "中", "bad": "差"}, dimensions="速度, 态度",
                           positive_tags=["准时"], negative_tags=["迟到"], survey_questions=["level", "tags"],
                           expiry_days=3)
    survey = factories.visits.survey()
    assert survey.expires_at - survey.sent_at == dt.timedelta(days=3)
    with pytest.raises(ValidationFailed) as caught:
        services.submit_survey(token=token_of(survey), answer={"level": "good", "scores": {"速度": 5}})
    assert "scores" in caught.value.details
    visit = services.submit_survey(token=token_of(survey), answer={"level": "bad", "tags": ["迟到"]})
    assert (visit.level, visit.tags) == ("bad", ["迟到"])


def test_bad_settings_are_refused(tenant, owner):
    with pytest.raises(ValidationFailed) as caught:
        services.save_settings(actor=owner, levels={"good": "", "fair": "一般", "bad": "不满意"}, dimensions="a",
                               positive_tags="x", negative_tags="x", survey_questions=[], expiry_days=0)
    assert {"levels.good", "negative_tags", "survey_questions", "expiry_days"} <= set(caught.value.details)


def test_another_companys_order_is_not_found(tenant, owner, factories_for, other_company):
    theirs = factories_for(other_company[1])
    with theirs.active():
        order = theirs.visits.finished()
    with pytest.raises(NotFound):
        services.record_visit(actor=owner, order=order, answer=ANSWER)
    with pytest.raises(NotFound):
        queries.get_visit_order(owner, order.pk)


def test_satisfaction_figures(owner, factories):
    factories.visits.visit()
    factories.visits.visit(answer={**ANSWER, "level": "bad"})
    factories.visits.visit(answer={**ANSWER, "level": "fair"})
    rows = figures.satisfaction(owner, by="engineer")
    assert rows == [{"key": owner.pk, "name": owner.name, "total": 3, "good": 1, "fair": 1, "bad": 1,
                     "good_rate": 0.3333, "bad_rate": 0.3333}]
    assert figures.satisfaction(owner, by="month")[0]["total"] == 3
    assert figures.satisfaction(owner, by="type")[0]["total"] == 1


def test_satisfaction_figures_per_team_and_kind(tenant, owner, factories):
    from shouhou.core.testing import make_team

    team = make_team(tenant, name="维修一组", members=[owner])
    factories.visits.visit()
    factories.visits.visit(answer={**ANSWER, "level": "bad"})
    assert figures.satisfaction(owner, by="team") == [{"key": team.pk, "name": "维修一组", "total": 2, "good": 1,
                                                       "fair": 0, "bad": 1, "good_rate": 0.5, "bad_rate": 0.5}]
    assert figures.satisfaction(owner, by="team", kind="auto") == []
