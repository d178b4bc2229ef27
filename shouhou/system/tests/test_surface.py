"""Surface tests of system pages by declaration (core/testing/views.py, api.py).

Covers: WorkStatus — console list (work information page), add, rename, delete (POST-only, on that page);
API list (every member reads it). Tenant (the company) — console edit of one's own company (no list or
detail: a company sees only itself). SystemLog — console list (read-only).
"""

from django.urls import reverse

from shouhou.accounts.models import WorkStatus
from shouhou.core.audit import SystemLog
from shouhou.core.models import Tenant
from shouhou.core.testing import api, views


class TestWorkStatusPages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = WorkStatus
    refused = ("system.settings",)
    form_pages = False
    list_url, create_url = "system:work_info", "system:work_status_add"
    edit_url, delete_url = "system:work_status_edit", "system:work_status_delete"

    def make(self, f):
        return f.accounts.work_status(name=self.unique("状态"))

    def form_data(self, f):
        return {"new-name": self.unique("新状态"), "new-color": "#123456"}

    def created(self, surface, data):
        return WorkStatus.objects.filter(name=data["new-name"]).first()

    def bad_form_data(self, f):
        return {"new-name": "", "new-color": "red"}

    def edit_data(self, f, obj):
        return {f"s{obj.pk}-name": "改名状态", f"s{obj.pk}-color": "#654321"}

    def bad_edit_data(self, f, obj):
        return {f"s{obj.pk}-name": "", f"s{obj.pk}-color": "red"}

    def edited(self, obj):
        return obj.name == "改名状态" and obj.color == "#654321"


class TestWorkStatusAPI(api.ListEndpoint):
    model = WorkStatus
    endpoint = "/api/v1/work-statuses"
    refused = ("system.",)
    list_denied = 200

    def make(self, f):
        return f.accounts.work_status()


COMPANY_FORM = {"name": "改名公司", "short_name": "改名", "email": "", "phone": "", "address": "", "profile": ""}


class TestCompanyPage(views.EditPage):
    """The company page edits the signed-in user's own company; there is no other company's address to try,
    so the other-company test checks that saving leaves the other company as it was."""

    model = Tenant
    refused = ("system.settings",)
    edit_url = "system:company"

    def make(self, f):
        return f.tenant

    def url_args(self, obj):
        return []

    def edit_data(self, f, obj):
        return COMPANY_FORM

    def bad_edit_data(self, f, obj):
        return {**COMPANY_FORM, "name": "", "email": "not an e-mail"}

    def edited(self, obj):
        return obj.name == "改名公司" and obj.short_name == "改名"

    def test_edit_of_other_company_is_404(self, surface):
        foreign = self.theirs(surface)
        response = surface.client().post(reverse(self.edit_url), COMPANY_FORM)
        assert response.status_code < 400
        assert Tenant.objects.get(pk=foreign.pk).name == foreign.name


class TestSystemLogPages(views.ListPage):
    model = SystemLog
    refused = ("system.logs",)
    list_url = "system:logs"
    label_attr = "action"

    def make(self, f):
        return f.system.log(action=self.unique("表面日志"), kind=SystemLog.Kind.LOGIN)  # the first tab
