"""Issue 15 on the work-order pages: the history reads flag changes as sentences ("等待 王芳 审批", "工单已暂停")
instead of "审批中: ✗ → ✓"; the list shows 服务内容 only on a page where it tells something the type does not."""

from django.urls import reverse
from django.utils import translation

from shouhou.core import timeline
from shouhou.core.lists import remember
from shouhou.core.testing import client_for
from shouhou.workorders.models import Approval, ServiceOption
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import approvals as approval_services
from shouhou.workorders.services import types as type_services


def history(client, order):
    html = client.get(reverse("workorders:detail", args=[order.pk])).content.decode()
    return html[html.index('<ul class="timeline">'):]


def test_an_approval_request_reads_as_waiting_for_the_approver(world):
    order = world.make_order(world.make_type("approval_assign"))
    order = order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer)
    assert order.awaiting_approval
    text = history(client_for(world.owner), order)
    assert "Waiting for 审批人 to approve" in text
    assert "✗" not in text and "✓" not in text
    approval = Approval.objects.get(order=order, state="pending")
    approval_services.refuse(actor=world.approver, approval=approval, note="不合适")
    text = history(client_for(world.owner), order)
    assert "The approval was refused" in text and "✗" not in text


def test_pause_and_resume_read_as_sentences_in_chinese_too(world):
    order = world.in_progress()
    order = order_actions.pause(actor=world.engineer, order=order, reason="等备件")
    order = order_actions.resume(actor=world.engineer, order=order)
    entries = {entry.verb: entry for entry in timeline.entries_for(order)}
    assert timeline.lines(entries["paused"]) == [{"sentence": "The work order is paused"}]
    assert timeline.lines(entries["resumed"]) == [{"sentence": "The work order is resumed"}]
    with translation.override("zh-hans"):
        assert timeline.lines(entries["paused"]) == [{"sentence": "工单已暂停"}]
    # other changes keep their "label: old → new" line
    assigned = entries["assigned"]
    assert {line.get("label") for line in timeline.lines(assigned)} >= {str(c["label"]) for c in assigned.changes}


def test_the_mobile_history_reads_the_same(world):
    order = world.in_progress()
    order_actions.pause(actor=world.engineer, order=order, reason="等备件")
    html = client_for(world.engineer).get(reverse("mobile:order_detail", args=[order.pk])).content.decode()
    assert "The work order is paused" in html and "✗ → ✓" not in html


def test_service_content_is_left_out_of_a_page_where_it_repeats_the_type(world):
    order_type = world.make_type()
    same = type_services.save_service_option(actor=world.owner, kind=ServiceOption.Kind.SERVICE_CONTENT,
                                             name=order_type.name)
    world.make_order(order_type, service_content=same)
    world.make_order(order_type)  # none
    client = client_for(world.owner)
    url = reverse("workorders:list") + "?tab=all"
    assert "service_content" not in [c.key for c in client.get(url).context["columns"]]
    finer = type_services.save_service_option(actor=world.owner, kind=ServiceOption.Kind.SERVICE_CONTENT,
                                              name="更换滤芯")
    world.make_order(order_type, service_content=finer)
    assert "service_content" in [c.key for c in client.get(url).context["columns"]]
    # a column the user chose is shown whatever it holds
    remember(world.owner, "workorders", columns=["number", "service_content"])
    world.make_order(order_type, service_content=same)
    assert [c.key for c in client.get(url + "&q=nothing-matches").context["columns"]] == ["number", "service_content"]
