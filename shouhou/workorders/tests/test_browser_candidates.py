"""Browser (headless Chromium): the assign dialog shows the ranked candidates (派单推荐) — nearest and least
loaded first, with distance, today's/week's load, clash and reasons — and assigns from the ranking; the
phone's transfer picker shows the same ranking. Screenshots: test-artifacts/workorders-assign-ranked.png,
mobile-transfer-ranked.png."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shouhou.accounts.factories import AccountsFactory
from shouhou.browser_fixtures import login, shot
from shouhou.core.testing import DEMO_PASSWORD, make_user
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import locations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDER_AT = (31.230416, 121.473701)


def _place(user, km):
    locations.report_location(user=user, latitude=str(ORDER_AT[0] + km / 111.195), longitude=str(ORDER_AT[1]))


def test_assign_from_the_ranking(page, phone, world, tenant, owner, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the screenshots in Chinese; the asserts read structure, not words
    skill = AccountsFactory(owner).skill(name="空调维修", users=[world.engineer, world.engineer2])
    third = make_user(tenant, roles=("engineer",), teams=[world.team], name="工程师丙")
    AccountsFactory(owner).skill(name="高压电工证", users=[third])
    order_type = world.make_type(required_skill_ids=[skill.pk])
    planned = timezone.now() + timedelta(days=1)
    order = world.make_order(order_type, planned_at=planned)
    _place(world.engineer, 9.4)
    _place(world.engineer2, 2.1)
    busy = world.make_order(planned_at=planned + timedelta(hours=1))
    order_actions.assign(actor=world.dispatcher, order=busy, assignee=world.engineer2)

    login(page, world.dispatcher.phone, DEMO_PASSWORD)
    page.goto(f"/work-orders/{order.pk}/")
    page.click("a[data-action=assign]")
    page.wait_for_selector(".modal .ranked-candidate")
    labels = page.locator(".modal .ranked-candidate").all_inner_texts()
    assert any("工程师甲" in text for text in labels) and not any("工程师丙" in text for text in labels)
    assert page.locator(f".modal [data-user='{world.engineer2.pk}'] .text-danger").count() == 1  # the clash
    assert page.locator(".modal .ranked-candidate .candidate-distance").count() == 2
    shot(page, "workorders-assign-ranked")
    page.click(f".modal [data-user='{world.engineer.pk}'] input")
    page.click(".modal button[type=submit]")
    page.wait_for_selector(".modal .ranked-candidate", state="detached")
    page.wait_for_load_state("networkidle")
    order.refresh_from_db()
    assert order.assignee_id == world.engineer.pk
    assert not page.js_errors

    login(phone, world.engineer.phone, DEMO_PASSWORD)
    phone.goto(f"/m/orders/{order.pk}/transfer/")
    assert phone.locator(f"[data-user='{world.engineer2.pk}']").count() == 1
    shot(phone, "mobile-transfer-ranked")
