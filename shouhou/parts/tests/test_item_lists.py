"""SVC-02: the service items' units and categories are company lists, several added at once; the
service-item form picks from them (plus an item's current value); removing one keeps the items as they are."""

import pytest
from django.urls import reverse

from shouhou.core.errors import NotFound, PermissionDenied, ValidationFailed
from shouhou.core.testing import client_for
from shouhou.parts import services

pytestmark = pytest.mark.django_db


def stored(kind):
    """The list as stored (the page wrote it through its own copy of the company)."""
    from shouhou.core.tenancy import require_tenant

    require_tenant().refresh_from_db()
    return services.service_item_list(kind)


def test_several_names_are_added_at_once_without_duplicates(f, owner):
    added = services.add_service_item_options(actor=owner, kind="unit", names="次\n小时，台、次\n  \n")
    assert added == ["次", "小时", "台"]
    assert services.add_service_item_options(actor=owner, kind="unit", names="台,米") == ["米"]
    assert services.service_item_list("unit") == ["次", "小时", "台", "米"]
    assert services.service_item_list("category") == []
    services.remove_service_item_option(actor=owner, kind="unit", name="小时")
    assert services.service_item_list("unit") == ["次", "台", "米"]


def test_bad_names_are_refused_and_nothing_changes(f, owner, engineer):
    with pytest.raises(ValidationFailed) as caught:
        services.add_service_item_options(actor=owner, kind="unit", names="次\n" + "长" * 21)
    assert "names" in caught.value.details and services.service_item_list("unit") == []
    with pytest.raises(ValidationFailed):
        services.add_service_item_options(actor=owner, kind="category", names=" ,，\n")
    with pytest.raises(NotFound):
        services.add_service_item_options(actor=owner, kind="colour", names="红")
    with pytest.raises(NotFound):
        services.remove_service_item_option(actor=owner, kind="unit", name="不存在")
    with pytest.raises(PermissionDenied):
        services.add_service_item_options(actor=engineer, kind="unit", names="次")


def test_the_lists_page_adds_and_removes_and_the_form_picks_from_the_lists(f, owner, engineer):
    client = client_for(owner)
    url = reverse("parts:item_lists")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "category", "category-names": "上门服务\n远程服务"})
    assert response.status_code == 302
    assert stored("category") == ["上门服务", "远程服务"]
    bad = client.post(url, {"kind": "unit", "unit-names": "坏\x01"})
    assert bad.status_code == 400 and stored("unit") == []
    client.post(url, {"kind": "unit", "unit-names": "次"})
    item = f.parts.service_item(category="旧分类", unit="次")
    form = client.get(reverse("parts:item_edit", args=[item.pk])).context["form"]
    assert [value for value, _label in form.fields["category"].choices] == ["", "上门服务", "远程服务", "旧分类"]
    assert [value for value, _label in form.fields["unit"].choices] == ["", "次"]
    assert client.post(url, {"kind": "category", "remove": "上门服务"}).status_code == 302
    assert stored("category") == ["远程服务"]
    assert client.post(url, {"kind": "nowhere", "remove": "x"}).status_code == 404
    assert client_for(engineer).post(url, {"kind": "unit", "unit-names": "次"}).status_code == 403
    assert client_for(engineer).get(url).status_code == 200  # may view the lists (service_item.view)
