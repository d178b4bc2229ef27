"""Uniform tests of API endpoints, by declaration (in the manner of NetBox's APIViewTestCases).

A model's API test class declares its endpoint, the JSON of a valid and an invalid create and update,
and the permissions the denied user lacks, and inherits the tests of each operation it has:

    class TestCustomerAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint,
                          api.DeleteEndpoint, api.DataScope):
        model = Customer
        endpoint = "/api/v1/customers"
        refused = ("customer.",)
        scoped_module = "customer"

        def make(self, f): return f.customers.customer()
        def create_data(self, f): return {"name": "新客户", ...}
        def bad_create_data(self, f): return {"name": ""}
        def update_data(self, f, obj): return {"name": "改名"}
        def updated(self, obj): return obj.name == "改名"

Every operation checks its answer, another company's object (404 and never listed; a collection nested
under another company's record is 404 too), the denied user
(403, or a list without the row: `list_denied = "hidden"`), and bad JSON (400 `validation_error` or
another 4xx refusal) with nothing changed.
"""

import json

from .surface import snapshot, unique


class APISurface:
    model = None
    endpoint = None  # the collection, "/api/v1/customers"
    refused: tuple = ()
    id_key = "id"
    unique = staticmethod(unique)

    def make(self, f):
        raise NotImplementedError

    def collection(self, obj):
        """The list (and create) address of `obj`'s collection: nested endpoints override it."""
        return self.endpoint

    def item(self, obj):
        return f"{self.collection(obj)}/{obj.pk}"

    def mine(self, surface):
        return self.make(surface.mine)

    def theirs(self, surface):
        return surface.theirs_make(self.make)

    def out_of_scope(self, surface):
        return self.mine(surface)

    def ids(self, response):
        assert response.status_code == 200, response.content
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        return {row[self.id_key] for row in rows}


def send(client, method, address, data=None):
    if data is None:
        return getattr(client, method)(address)
    return getattr(client, method)(address, json.dumps(data), content_type="application/json")


def _assert_refusal(response, statuses):
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert "code" in response.json(), "API errors answer in the JSON envelope"


class ListEndpoint(APISurface):
    list_denied = 403  # or "hidden" (answered without the row), or 200 (every member may read it)

    def list_address(self, obj):
        return self.collection(obj)

    def test_list_has_own_rows_and_not_other_companys(self, surface):
        obj, foreign = self.mine(surface), self.theirs(surface)
        ids = self.ids(surface.api().get(self.list_address(obj)))
        assert obj.pk in ids and foreign.pk not in ids
        if self.list_address(foreign) != self.list_address(obj):  # nested under another company's record
            _assert_refusal(surface.api().get(self.list_address(foreign)), (404,))

    def test_list_refused_without_permission(self, surface):
        obj = self.mine(surface)
        response = surface.api(surface.denied_user(self.refused)).get(self.list_address(obj))
        if self.list_denied == "hidden":
            assert obj.pk not in self.ids(response)
        elif self.list_denied == 200:  # every member of the company may read it
            assert obj.pk in self.ids(response)
        else:
            _assert_refusal(response, (self.list_denied,))


class GetEndpoint(APISurface):
    def test_get_answers_the_object_and_other_companys_is_404(self, surface):
        obj, foreign = self.mine(surface), self.theirs(surface)
        response = surface.api().get(self.item(obj))
        assert response.status_code == 200, response.content
        assert response.json()[self.id_key] == obj.pk
        _assert_refusal(surface.api().get(self.item(foreign)), (404,))

    def test_get_refused_without_permission(self, surface):
        obj = self.mine(surface)
        _assert_refusal(surface.api(surface.denied_user(self.refused)).get(self.item(obj)), (403, 404))


class CreateEndpoint(APISurface):
    def create_address(self, surface):
        return self.endpoint

    def create_data(self, f):
        raise NotImplementedError

    def bad_create_data(self, f):
        raise NotImplementedError

    def test_create_answers_201(self, surface):
        address = self.create_address(surface)
        before = self.model._base_manager.count()
        response = send(surface.api(), "post", address, self.create_data(surface.mine))
        assert response.status_code == 201, response.content
        created = self.model._base_manager.get(pk=response.json()[self.id_key])
        assert created.tenant_id == surface.tenant.pk
        assert self.model._base_manager.count() == before + 1

    def test_create_with_bad_input_is_400_and_changes_nothing(self, surface):
        address = self.create_address(surface)
        before = snapshot(self.model)
        response = send(surface.api(), "post", address, self.bad_create_data(surface.mine))
        _assert_refusal(response, (400,))
        assert snapshot(self.model) == before

    def test_create_refused_without_permission(self, surface):
        client = surface.api(surface.denied_user(self.refused))
        address, data = self.create_address(surface), self.create_data(surface.mine)
        before = snapshot(self.model)
        _assert_refusal(send(client, "post", address, data), (403,))
        assert snapshot(self.model) == before


class UpdateEndpoint(APISurface):
    update_method = "patch"

    def update_data(self, f, obj):
        raise NotImplementedError

    def bad_update_data(self, f, obj):
        raise NotImplementedError

    def updated(self, obj):
        """Whether `obj` (fresh from the database) shows the change `update_data` asked for."""
        raise NotImplementedError

    def test_update_saves(self, surface):
        obj = self.mine(surface)
        response = send(surface.api(), self.update_method, self.item(obj), self.update_data(surface.mine, obj))
        assert response.status_code == 200, response.content
        assert self.updated(self.model._base_manager.get(pk=obj.pk))

    def test_update_with_bad_input_is_400_and_changes_nothing(self, surface):
        obj = self.mine(surface)
        before = snapshot(self.model)
        response = send(surface.api(), self.update_method, self.item(obj), self.bad_update_data(surface.mine, obj))
        _assert_refusal(response, (400,))
        assert snapshot(self.model) == before

    def test_update_of_other_company_is_404(self, surface):
        obj, foreign = self.mine(surface), self.theirs(surface)
        before = snapshot(self.model)
        response = send(surface.api(), self.update_method, self.item(foreign), self.update_data(surface.mine, obj))
        _assert_refusal(response, (404,))
        assert snapshot(self.model) == before

    def test_update_refused_without_permission(self, surface):
        obj = self.mine(surface)
        client = surface.api(surface.denied_user(self.refused))
        before = snapshot(self.model)
        _assert_refusal(send(client, self.update_method, self.item(obj), self.update_data(surface.mine, obj)),
                        (403, 404))
        assert snapshot(self.model) == before


class DeleteEndpoint(APISurface):
    def gone(self, obj):
        return not self.model._base_manager.filter(pk=obj.pk).exists()

    def test_delete_answers_204(self, surface):
        obj = self.mine(surface)
        response = surface.api().delete(self.item(obj))
        assert response.status_code == 204, response.content
        assert self.gone(obj)

    def test_delete_of_other_company_is_404(self, surface):
        foreign = self.theirs(surface)
        before = snapshot(self.model)
        _assert_refusal(surface.api().delete(self.item(foreign)), (404,))
        assert snapshot(self.model) == before

    def test_delete_refused_without_permission(self, surface):
        obj = self.mine(surface)
        client = surface.api(surface.denied_user(self.refused))
        before = snapshot(self.model)
        _assert_refusal(client.delete(self.item(obj)), (403, 404))
        assert snapshot(self.model) == before


class DataScope(APISurface):
    """A user whose data scope of `scoped_module` is "own" does not find an object outside it in the list
    and gets 404 for it (whichever of list/get/update the class declares), with nothing changed."""

    scoped_module = None

    def test_outside_the_data_scope_is_unlisted_and_404(self, surface):
        obj = self.out_of_scope(surface)
        client = surface.api(surface.scoped_user(self.scoped_module))
        if isinstance(self, ListEndpoint):
            assert obj.pk not in self.ids(client.get(self.list_address(obj)))
        if isinstance(self, GetEndpoint):
            _assert_refusal(client.get(self.item(obj)), (404,))
        if isinstance(self, UpdateEndpoint):
            before = snapshot(self.model)
            _assert_refusal(send(client, self.update_method, self.item(obj), self.update_data(surface.mine, obj)),
                            (404,))
            assert snapshot(self.model) == before
