"""Every reference a work order takes from outside is resolved through the actor's data scope, in the
services (core.references), so every surface answers alike: the console, the phone and the API.

Rows: (reference, surface). For each, an object within the actor's scope is accepted, and an object of
the same company outside it is refused, changes nothing, and gets exactly the answer a missing id gets.
The actor is a 团队管理员 (data scope "team") of 一组, with 选择人员时隐藏非团队内成员 on (so colleagues
outside his teams are outside his choice too).
"""

import datetime as dt
import json

import pytest
from django.urls import reverse

from shouhou.core.testing import api_client_for, client_for, make_team, make_user
from shouhou.customers.models import Address, Contact
from shouhou.products.models import Product
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import types as type_services
from shouhou.workorders.tests.conftest import make_customer
from shouhou.workorders.tests.test_services import set_setting

MISSING = 987654321
REFERENCES = ["customer", "contact", "address", "product", "assignee", "collaborator", "team"]
SURFACES = ["console", "phone", "api"]


class Scene:
    def __init__(self, tenant, owner):
        self.tenant, self.owner = tenant, owner
        self.team, self.other_team = make_team(tenant, name="一组"), make_team(tenant, name="二组")
        self.actor = make_user(tenant, roles=("team_admin",), teams=[self.team], name="组长")
        self.mate = make_user(tenant, roles=("engineer",), teams=[self.team], name="组员")
        self.outsider = make_user(tenant, roles=("engineer",), teams=[self.other_team], name="外组工程师")
        self.customer = make_customer(tenant, service_team=self.team)
        self.foreign = make_customer(tenant, service_team=self.other_team, name="外组客户")
        self.order_type = type_services.save_type(actor=owner, name="一组类型", team_ids=[self.team.pk])
        self.foreign_type = type_services.save_type(actor=owner, name="二组类型", team_ids=[self.other_team.pk])
        set_setting(tenant, "team.hide_non_members", True)
        self.pending = order_services.create_work_order(actor=self.actor, order_type=self.order_type,
                                                  customer=self.customer)  # the console assigns it
        self.inside = self._objects(self.customer, self.mate, self.order_type, creator=self.actor)
        self.outside = self._objects(self.foreign, self.outsider, self.foreign_type, creator=owner)

    def _objects(self, customer, user, order_type, *, creator):
        contact = Contact.objects.create(tenant=self.tenant, customer=customer, name="李四", phone="13911112222")
        address = Address.objects.create(tenant=self.tenant, customer=customer, city="上海", detail="南京路2号")
        product = Product.objects.create(tenant=self.tenant, name="空调", number=f"P{customer.pk}",
                                         customer=customer, created_by=creator)
        return {"customer": customer.pk, "contact": contact.pk, "address": address.pk, "product": product.pk,
                "assignee": user.pk, "collaborator": user.pk, "team": order_type.pk}


@pytest.fixture
def scene(tenant, owner):
    return Scene(tenant, owner)


def order_values(scene, reference, value):
    """The order's references (ids), all within scope except `reference`, which is `value`."""
    values = {"customer": scene.customer.pk, "type": scene.order_type.pk}
    if reference == "team":
        values["type"] = value
    elif reference != "customer":
        values[reference] = value
    elif value != scene.customer.pk:
        values["customer"] = value
    return values


# --- the surfaces: each posts the order and returns (accepted, answer) ------------------------------------

def console(scene, reference, values):
    client = client_for(scene.actor)
    if reference == "assignee":
        order = WorkOrder.objects.get(pk=scene.pending.pk)
        response = client.post(reverse("workorders:action_assign", args=[order.pk]), {
            "assignee": values["assignee"], "expected_version": order.version})
        return response.status_code in (200, 204, 302) and not _form_errors(response), _answer(response)
    data = {"order_type": values["type"], "customer": values["customer"], "priority": "normal",
            **{name: values[name] for name in ("contact", "address", "product") if name in values}}
    if "collaborator" in values:
        data["collaborator_ids"] = [values["collaborator"]]
    response = client.post(reverse("workorders:create"), data)
    return response.status_code == 302, _answer(response)


def phone(scene, reference, values):
    data = {"order_type": values["type"], "customer": values["customer"], "priority": "normal",
            "planned_at": (dt.datetime.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            **{name: values[name] for name in ("contact", "address", "product", "assignee") if name in values}}
    if "assignee" in values:
        data["dispatch"] = "1"
    if "collaborator" in values:
        data["collaborator_ids"] = [values["collaborator"]]
    response = client_for(scene.actor).post(reverse("mobile:create"), data)
    return response.status_code == 302, _answer(response)


def api(scene, reference, values):
    body = {"order_type_id": values["type"], "customer_id": values["customer"],
            **{f"{name}_id": values[name] for name in ("contact", "address", "product", "assignee") if name in values}}
    if "collaborator" in values:
        body["collaborator_ids"] = [values["collaborator"]]
    response = api_client_for(scene.actor).post("/api/v1/work-orders", json.dumps(body),
                                                 content_type="application/json")
    return response.status_code == 201, (response.status_code, response.json())


def _form_errors(response):
    form = (response.context or {}).get("form") if response.context is not None else None
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()} if form else {}


def _answer(response):
    """What the user is told: the status and the form's errors (the page itself shows the posted ids)."""
    return response.status_code, _form_errors(response)


def _without(body, posted_id):
    return json.dumps(body, ensure_ascii=False, default=str).replace(f" {posted_id} ", " <id> ")


SURFACE = {"console": console, "phone": phone, "api": api}


def _state():
    return sorted(WorkOrder.objects.values_list("pk", "assignee_id", "customer_id", "product_id", "status"))


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("reference", REFERENCES)
def test_a_reference_outside_the_actors_scope_is_refused_like_a_missing_one(scene, reference, surface):
    post = SURFACE[surface]
    inside = scene.inside[reference]
    accepted, answer = post(scene, reference, order_values(scene, reference, inside))
    assert accepted, answer

    before = _state()
    refused, outside_answer = post(scene, reference, order_values(scene, reference, scene.outside[reference]))
    assert not refused and outside_answer[0] in (400, 404), outside_answer
    assert _state() == before  # nothing created, nothing assigned
    _missing, missing_answer = post(scene, reference, order_values(scene, reference, MISSING))
    # a form may repeat the posted id ("Select a valid choice. 4 is not …"): the answers are compared without it
    assert outside_answer[0] == missing_answer[0]
    assert _without(outside_answer[1], scene.outside[reference]) == _without(missing_answer[1], MISSING)
    text = json.dumps(outside_answer, ensure_ascii=False, default=str)
    assert "外组客户" not in text and "外组工程师" not in text  # nothing of the refused object leaks


def test_the_services_refuse_what_no_surface_may_choose(scene):
    """The same rule without any view: the service itself resolves every reference."""
    from shouhou.core.errors import ValidationFailed

    before = _state()
    for reference in REFERENCES:
        values = order_values(scene, reference, scene.outside[reference])
        kwargs = {"actor": scene.actor, "order_type": values["type"], "customer": values["customer"],
                  "contact": values.get("contact"), "address": values.get("address"),
                  "product": values.get("product"), "assignee": values.get("assignee"),
                  "collaborator_ids": [values["collaborator"]] if "collaborator" in values else ()}
        with pytest.raises(ValidationFailed):
            order_services.create_work_order(**kwargs)
    assert _state() == before


@pytest.mark.parametrize("kind", ["customer", "product"])
def test_custom_reference_fields_resolve_through_the_editors_scope(scene, kind):
    """A custom field of kind customer/product (forms engine) accepts only what the editor may use."""
    from shouhou.core import forms_engine
    from shouhou.core.errors import ValidationFailed

    schema = forms_engine.get_schema(scene.order_type.form_target)
    type_services.save_type_form(actor=scene.owner, order_type=scene.order_type, fields=[
        *schema.fields, {"key": "ref", "label": "关联", "kind": kind}])

    def create(value):
        return order_services.create_work_order(actor=scene.actor, order_type=scene.order_type, customer=scene.customer,
                                          fields={"ref": value})

    assert create(scene.inside[kind]).fields["ref"] == scene.inside[kind]
    before = _state()
    answers = []
    for value in (scene.outside[kind], MISSING):
        with pytest.raises(ValidationFailed) as refused:
            create(value)
        answers.append(refused.value.as_dict())
    assert answers[0] == answers[1] and _state() == before
    # a system write (no editor) still checks the company only, as before
    assert forms_engine.validate_values(forms_engine.get_schema(scene.order_type.form_target),
                                        {"ref": scene.outside[kind]}, partial=True) == {"ref": scene.outside[kind]}


@pytest.mark.parametrize("value", [2**70, "99999999999999999999999", "abc", True, -1, 0, "1.5"])
def test_ids_that_are_no_ids_are_refused_like_missing_ones(scene, value):
    """core.references bounds ids: nothing above a bigint reaches the database (SQLite would overflow)."""
    from shouhou.core import references
    from shouhou.core.errors import ValidationFailed
    from shouhou.customers import services as customer_services
    from shouhou.customers.queries import visible_customers

    with pytest.raises(ValidationFailed) as refused:
        references.resolve(scene.actor, visible_customers, value, field="customer")
    assert refused.value.details == {"customer": [references.NOT_USABLE]}
    with pytest.raises(ValidationFailed) as refused:
        order_services.create_work_order(actor=scene.actor, order_type=scene.order_type, customer=value)
    assert "customer" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:
        customer_services.create_customer(actor=scene.owner, name="新客户", service_team_id=value)
    assert "service_team" in refused.value.details
