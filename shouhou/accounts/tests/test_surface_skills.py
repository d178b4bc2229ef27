"""Surface tests of skills (技能, issue 10) by declaration (core/testing/views.py, api.py): console list, add,
rename, delete (POST-only, on the list page); API list."""

from shouhou.accounts.models import Skill
from shouhou.core.testing import api, views


class TestSkillPages(views.ListPage, views.CreatePage, views.EditPage, views.DeletePage):
    model = Skill
    refused = ("system.settings", "account.view")
    form_pages = False
    list_url, create_url = "accounts:skills", "accounts:skill_add"
    edit_url, delete_url = "accounts:skill_edit", "accounts:skill_delete"

    def make(self, f):
        return f.accounts.skill(name=self.unique("表面技能"))

    def form_data(self, f):
        return {"new-name": self.unique("新建技能")}

    def created(self, surface, data):
        return Skill.objects.filter(name=data["new-name"]).first()

    def bad_form_data(self, f):
        return {"new-name": ""}

    def edit_data(self, f, obj):
        return {f"k{obj.pk}-name": "改名技能"}

    def bad_edit_data(self, f, obj):
        return {f"k{obj.pk}-name": "\x07"}

    def edited(self, obj):
        return obj.name == "改名技能"


class TestSkillAPI(api.ListEndpoint):
    model = Skill
    endpoint = "/api/v1/skills"
    refused = ()
    list_denied = 200

    def make(self, f):
        return f.accounts.skill()
