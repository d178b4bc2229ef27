"""Surface tests of users, teams and roles by declaration (core/testing/views.py, api.py).

Covers: User — console list, detail, create, edit, data scope; API list, get, create, update, data scope (accounts are disabled or
deleted in bulk, checked in test_views.py). Team — console list, detail, create, edit, delete; API list,
get, create, update, delete. Role — console list, detail (its permissions page), create, edit, delete;
API list, get, create, update, delete.
"""

from shouhou.accounts.models import Role, Team, User
from shouhou.core.testing import api, views


class TestUserPages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DataScope):
    model = User
    refused = ("account.",)
    scoped_module = "account"
    list_url, detail_url, create_url, edit_url = "accounts:users", "accounts:user_detail", "accounts:user_create", \
        "accounts:user_edit"

    def make(self, f):
        return f.accounts.user(name=self.unique("表面用户"))

    def form_data(self, f):
        return {"name": self.unique("新建用户"), "phone": f"135000{self.unique('')}"}

    def bad_form_data(self, f):
        return {"name": "", "phone": "12"}

    def edit_data(self, f, obj):
        return {"name": "改名用户", "phone": obj.phone}

    def bad_edit_data(self, f, obj):
        return {"name": "", "phone": obj.phone}

    def edited(self, obj):
        return obj.name == "改名用户"


class TestUserAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DataScope):
    model = User
    endpoint = "/api/v1/users"
    refused = ("account.",)
    scoped_module = "account"

    def make(self, f):
        return f.accounts.user()

    def create_data(self, f):
        return {"name": "接口用户", "phone": f"135000{self.unique('')}"}

    def bad_create_data(self, f):
        return {"name": "接口用户", "phone": "12"}

    def update_data(self, f, obj):
        return {"name": "接口改名用户"}

    def bad_update_data(self, f, obj):
        return {"name": ""}

    def updated(self, obj):
        return obj.name == "接口改名用户"


class TestTeamPages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = Team
    refused = ("team.",)
    list_url, detail_url, create_url = "accounts:teams", "accounts:team_detail", "accounts:team_create"
    edit_url, delete_url = "accounts:team_edit", "accounts:team_delete"

    def make(self, f):
        return f.accounts.team(name=self.unique("表面团队"))

    def form_data(self, f):
        return {"name": self.unique("新建团队"), "service_phone": "021-1"}

    def bad_form_data(self, f):
        return {"name": "", "latitude": "200"}

    def edit_data(self, f, obj):
        return {"name": "改名团队"}

    def bad_edit_data(self, f, obj):
        return {"name": obj.name, "latitude": "200"}

    def edited(self, obj):
        return obj.name == "改名团队"


class TestTeamAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DeleteEndpoint):
    model = Team
    endpoint = "/api/v1/teams"
    refused = ("team.",)

    def make(self, f):
        return f.accounts.team()

    def create_data(self, f):
        return {"name": self.unique("接口团队")}

    def bad_create_data(self, f):
        return {"name": "接口团队", "latitude": 200}

    def update_data(self, f, obj):
        return {"name": "接口改名团队"}

    def bad_update_data(self, f, obj):
        return {"name": ""}

    def updated(self, obj):
        return obj.name == "接口改名团队"


class TestRolePages(views.ListPage, views.DetailPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = Role
    refused = ("role.",)
    htmx = True
    list_search = "q"
    list_url, detail_url, create_url = "accounts:roles", "accounts:role_permissions", "accounts:role_create"
    edit_url, delete_url = "accounts:role_edit", "accounts:role_delete"

    def make(self, f):
        return f.accounts.role(name=self.unique("表面角色"))

    def form_data(self, f):
        return {"name": self.unique("新建角色"), "description": "说明"}

    def bad_form_data(self, f):
        return {"name": "", "description": "x" * 501}

    def edit_data(self, f, obj):
        return {"name": "改名角色", "description": ""}

    def bad_edit_data(self, f, obj):
        return {"name": "", "description": ""}

    def edited(self, obj):
        return obj.name == "改名角色"


class TestRoleAPI(api.ListEndpoint, api.GetEndpoint, api.CreateEndpoint, api.UpdateEndpoint, api.DeleteEndpoint):
    model = Role
    endpoint = "/api/v1/roles"
    refused = ("role.",)

    def make(self, f):
        return f.accounts.role()

    def create_data(self, f):
        return {"name": self.unique("接口角色"), "permissions": ["customer.view"]}

    def bad_create_data(self, f):
        return {"name": "接口角色", "permissions": ["no.such"]}

    def update_data(self, f, obj):
        return {"name": "接口改名角色"}

    def bad_update_data(self, f, obj):
        return {"name": ""}

    def updated(self, obj):
        return obj.name == "接口改名角色"
