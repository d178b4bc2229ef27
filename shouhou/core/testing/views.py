"""Uniform tests of console pages, by declaration (in the manner of NetBox's ViewTestCases).

A model's page test class declares what its pages are and inherits the tests of each capability it has:

    class TestCustomerPages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage,
                            views.DataScope):
        model = Customer
        refused = ("customer.",)                  # the denied user lacks these (a trailing dot: the module)
        scoped_module = "customer"                # with views.DataScope: out-of-scope objects are 404
        list_url, detail_url, create_url = "customers:list", "customers:detail", "customers:create"
        edit_url, delete_url = "customers:edit", "customers:delete"

        def make(self, f):                        # f: the app factories (core/testing/factories.py)
            return f.customers.customer(name=self.unique("客户"))

        def form_data(self, f): return {"name": "新客户", ...}
        def bad_form_data(self, f): return {"name": ""}
        def edit_data(self, f, obj): return {**self.form_data(f), "name": "改名"}
        def edited(self, obj): return obj.name == "改名"

Each capability tests the happy path and its refusals: the denied user gets 403 (a list may instead
leave the row out: `list_denied = "hidden"`; object pages may answer 404), another company's object is
404 and never listed, an out-of-scope object likewise (`DataScope` with `scoped_module`), and bad input
is refused with nothing changed. Refusals are checked against a snapshot of the model's rows.

Each test gets the `surface` fixture (core/testing/surface.py): two companies, their owners and factories.
"""

from django.urls import reverse
from django.utils.http import urlencode

from .surface import snapshot, unique

HTMX = {"HTTP_HX_REQUEST": "true"}
REFUSED = (403, 404)


class ConsoleSurface:
    """Declarations shared by every console capability (override in the model's class)."""

    model = None
    refused: tuple = ()  # permission codes (or "module.") the denied user lacks
    htmx = False  # forms and their posts are sent as htmx does (dialogs answered as fragments)
    form_pages = True  # False: create/edit are POST-only, their form sits on the list page
    label_attr = "name"

    def make(self, f):
        """One object of `model`, made through factories `f` (a label from `unique` shows it in pages)."""
        raise NotImplementedError

    def url_args(self, obj):
        return [obj.pk]

    def label(self, obj):
        return str(getattr(obj, self.label_attr))

    unique = staticmethod(unique)

    def headers(self):
        return HTMX if self.htmx else {}

    def get(self, client, url):
        """A form or dialog, asked for the way its page asks (htmx when `htmx`)."""
        return client.get(url, **self.headers())

    def page(self, client, url):
        """A whole page (list, detail), as a browser asks for it."""
        return client.get(url)

    def post(self, client, url, data):
        return client.post(url, data, **self.headers())

    def mine(self, surface):
        return self.make(surface.mine)

    def theirs(self, surface):
        return surface.theirs_make(self.make)

    def out_of_scope(self, surface):
        """An object the scoped user may not see: the owner's, by default."""
        return self.mine(surface)

    def assert_refused(self, response, allowed=REFUSED):
        assert response.status_code in allowed, (response.status_code, response.get("Location"))


def _text(response):
    return response.content.decode()


class ListPage(ConsoleSurface):
    """The list shows the company's rows, never another company's (nor out-of-scope ones), and refuses
    (403) or leaves out the rows for a user without the permission."""

    list_url = None
    list_denied = 403  # or "hidden" (the page renders without the row), or 200 (every member may read it)
    list_search = None  # a paged list's search parameter ("q"): the row is looked for by its label

    def list_address(self, obj):
        address = reverse(self.list_url)
        return f"{address}?{urlencode({self.list_search: self.label(obj)})}" if self.list_search else address

    def test_list_shows_own_rows_and_not_other_companys(self, surface):
        obj, foreign = self.mine(surface), self.theirs(surface)
        response = self.page(surface.client(), self.list_address(obj))
        assert response.status_code == 200
        assert self.label(obj) in _text(response)
        assert self.label(foreign) not in _text(response)

    def test_list_refused_without_permission(self, surface):
        obj = self.mine(surface)
        response = self.page(surface.client(surface.denied_user(self.refused)), self.list_address(obj))
        if self.list_denied == "hidden":
            assert response.status_code == 200 and self.label(obj) not in _text(response)
        elif self.list_denied == 200:  # every member of the company may read it
            assert response.status_code == 200 and self.label(obj) in _text(response)
        else:
            assert response.status_code == self.list_denied


class DetailPage(ConsoleSurface):
    """The detail page shows the object; another company's object and an out-of-scope one are 404."""

    detail_url = None

    def detail_address(self, obj):
        return reverse(self.detail_url, args=self.url_args(obj))

    def test_detail_renders_and_other_companys_is_404(self, surface):
        obj, foreign = self.mine(surface), self.theirs(surface)
        response = self.page(surface.client(), self.detail_address(obj))
        assert response.status_code == 200
        assert self.label(obj) in _text(response)
        assert self.page(surface.client(), self.detail_address(foreign)).status_code == 404

    def test_detail_refused_without_permission(self, surface):
        obj = self.mine(surface)
        self.assert_refused(self.page(surface.client(surface.denied_user(self.refused)), self.detail_address(obj)))


class CreatePage(ConsoleSurface):
    """The create form renders, valid input makes one object, bad input and the denied user change nothing."""

    create_url = None

    def create_address(self, surface):
        return reverse(self.create_url)

    def form_data(self, f):
        raise NotImplementedError

    def bad_form_data(self, f):
        raise NotImplementedError

    def created(self, surface, data):
        """The object the valid form made (None when it made none)."""
        return self.model._base_manager.filter(tenant=surface.tenant, **{self.label_attr: data[self.label_attr]}).first()

    def test_create_form_renders_and_makes_one(self, surface):
        address, data = self.create_address(surface), self.form_data(surface.mine)
        if self.form_pages:  # else POST-only: the form sits on the list page
            assert self.get(surface.client(), address).status_code == 200
        before = self.model._base_manager.count()
        response = self.post(surface.client(), address, data)
        assert response.status_code < 400, response.status_code
        assert self.model._base_manager.count() == before + 1
        assert self.created(surface, data) is not None

    def test_create_with_bad_input_changes_nothing(self, surface):
        address, data = self.create_address(surface), self.bad_form_data(surface.mine)
        before = snapshot(self.model)
        response = self.post(surface.client(), address, data)
        assert response.status_code in (200, 302, 400, 422), response.status_code
        assert snapshot(self.model) == before

    def test_create_refused_without_permission(self, surface):
        client = surface.client(surface.denied_user(self.refused))
        address, data = self.create_address(surface), self.form_data(surface.mine)
        if self.form_pages:
            self.assert_refused(self.get(client, address), (403,))
        before = snapshot(self.model)
        self.assert_refused(self.post(client, address, data), (403,))
        assert snapshot(self.model) == before


class EditPage(ConsoleSurface):
    """The edit form renders and saves; bad input, the denied user and another company's object (404)
    change nothing."""

    edit_url = None

    def edit_address(self, obj):
        return reverse(self.edit_url, args=self.url_args(obj))

    def edit_data(self, f, obj):
        raise NotImplementedError

    def bad_edit_data(self, f, obj):
        raise NotImplementedError

    def edited(self, obj):
        """Whether `obj` (fresh from the database) shows the change `edit_data` asked for."""
        raise NotImplementedError

    def fresh(self, obj):
        return self.model._base_manager.get(pk=obj.pk)

    def test_edit_form_renders_and_saves(self, surface):
        obj = self.mine(surface)
        if self.form_pages:  # else POST-only: the form sits on the list page
            assert self.get(surface.client(), self.edit_address(obj)).status_code == 200
        response = self.post(surface.client(), self.edit_address(obj), self.edit_data(surface.mine, obj))
        assert response.status_code < 400, response.status_code
        assert self.edited(self.fresh(obj))

    def test_edit_with_bad_input_changes_nothing(self, surface):
        obj = self.mine(surface)
        before = snapshot(self.model)
        response = self.post(surface.client(), self.edit_address(obj), self.bad_edit_data(surface.mine, obj))
        assert response.status_code in (200, 302, 400, 422), response.status_code
        assert snapshot(self.model) == before

    def test_edit_of_other_company_is_404(self, surface):
        obj, foreign = self.mine(surface), self.theirs(surface)
        before = snapshot(self.model)
        client = surface.client()
        if self.form_pages:
            assert self.get(client, self.edit_address(foreign)).status_code == 404
        assert self.post(client, self.edit_address(foreign), self.edit_data(surface.mine, obj)).status_code == 404
        assert snapshot(self.model) == before

    def test_edit_refused_without_permission(self, surface):
        obj = self.mine(surface)
        client = surface.client(surface.denied_user(self.refused))
        data = self.edit_data(surface.mine, obj)
        before = snapshot(self.model)
        self.assert_refused(self.post(client, self.edit_address(obj), data))
        assert snapshot(self.model) == before


class DeletePage(ConsoleSurface):
    """Deleting removes the object; the denied user and another company's object (404) change nothing."""

    delete_url = None
    delete_data: dict = {}

    def delete_address(self, obj):
        return reverse(self.delete_url, args=self.url_args(obj))

    def gone(self, obj):
        return not self.model._base_manager.filter(pk=obj.pk).exists()

    def test_delete_removes(self, surface):
        obj = self.mine(surface)
        response = self.post(surface.client(), self.delete_address(obj), self.delete_data)
        assert response.status_code < 400, response.status_code
        assert self.gone(obj)

    def test_delete_of_other_company_is_404(self, surface):
        foreign = self.theirs(surface)
        before = snapshot(self.model)
        assert self.post(surface.client(), self.delete_address(foreign), self.delete_data).status_code == 404
        assert snapshot(self.model) == before

    def test_delete_refused_without_permission(self, surface):
        obj = self.mine(surface)
        client = surface.client(surface.denied_user(self.refused))
        before = snapshot(self.model)
        self.assert_refused(self.post(client, self.delete_address(obj), self.delete_data))
        assert snapshot(self.model) == before


class DataScope(ConsoleSurface):
    """A user whose data scope of `scoped_module` is "own" finds an object outside it absent from the list
    and 404 on its detail and edit pages (whichever of them the class declares), and changes nothing."""

    scoped_module = None

    def test_outside_the_data_scope_is_unlisted_and_404(self, surface):
        obj = self.out_of_scope(surface)
        client = surface.client(surface.scoped_user(self.scoped_module))
        if getattr(self, "list_url", None):
            response = self.page(client, self.list_address(obj))
            assert response.status_code == 200 and self.label(obj) not in _text(response)
        if getattr(self, "detail_url", None):
            assert self.page(client, self.detail_address(obj)).status_code == 404
        if getattr(self, "edit_url", None):
            before = snapshot(self.model)
            assert self.post(client, self.edit_address(obj), self.edit_data(surface.mine, obj)).status_code == 404
            assert snapshot(self.model) == before

