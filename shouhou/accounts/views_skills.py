"""技能设置 (issue 10): the company's list of skills, shown whole in its order with a rename form per row,
the add row, ↑/↓ and delete — the console kit's table page (core/generic_views.py), like product types."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.forms import ConsoleForm
from shouhou.core.generic_views import ObjectActionView, ObjectDeleteView, ObjectEditView, ObjectTableView
from shouhou.core.permissions import get_visible_or_404, has_perm

from . import skills


class SkillForm(ConsoleForm):
    name = forms.CharField(label=gettext_lazy("Skill name"), max_length=30)


class SkillsView(ObjectTableView):
    """The skills in their order, how many people have each, each with its rename form, and the add row."""

    permission = "account.view"
    template = "accounts/skills.html"

    def get_context(self, request, *, add_form=None, row_error=None):
        rows = []
        for skill in skills.skills_with_counts():
            form = row_error[1] if row_error and row_error[0] == skill.pk else SkillForm(
                initial={"name": skill.name}, prefix=f"k{skill.pk}")
            rows.append({"skill": skill, "form": form, "count": skill.user_count})
        return {"rows": rows, "add_form": add_form or SkillForm(prefix="new"),
                "can_manage": has_perm(request.user, "system.settings")}


def _skill(request, pk):
    return get_visible_or_404(skills.skills(), pk=pk)


class SkillAddView(ObjectEditView):
    permission = "system.settings"
    page = SkillsView

    def get_form(self, request, obj):
        return SkillForm(request.POST, prefix="new")

    def page_forms(self, request, form, obj):
        return {"add_form": form}

    def save(self, request, form, obj):
        return skills.save_skill(actor=request.user, name=form.cleaned_data["name"], request=request)

    def success_message(self, request, form, saved, created):
        return _("Skill added.")

    def success_url(self, request, saved, created):
        return reverse("accounts:skills")


class SkillEditView(SkillAddView):
    def get_object(self, request, pk):
        return _skill(request, pk)

    def get_form(self, request, skill):
        return SkillForm(request.POST, prefix=f"k{skill.pk}")

    def page_forms(self, request, form, skill):
        return {"row_error": (skill.pk, form)}

    def save(self, request, form, skill):
        return skills.save_skill(actor=request.user, skill=skill, name=form.cleaned_data["name"], request=request)

    def success_message(self, request, form, saved, created):
        return _("Skill saved.")


class SkillDeleteView(ObjectDeleteView):
    permission = "system.settings"

    def get_object(self, request, pk):
        return _skill(request, pk)

    def delete(self, request, skill):
        skills.delete_skill(actor=request.user, skill=skill, request=request)

    def success_message(self, request, skill):
        return _("Skill %(name)s deleted.") % {"name": skill.name}

    def success_url(self, request, skill):
        return reverse("accounts:skills")

    failure_url = success_url


class SkillMoveView(ObjectActionView):
    permission = "system.settings"

    def get_object(self, request, pk):
        return _skill(request, pk)

    def act(self, request, skill):
        offset = -1 if request.POST.get("direction") == "up" else 1
        skills.move_skill(actor=request.user, skill=skill, offset=offset, request=request)

    def success_url(self, request, skill):
        return reverse("accounts:skills")
