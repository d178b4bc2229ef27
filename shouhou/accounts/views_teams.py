"""Console pages for teams (团队管理, ACC-06): the team tree and list, team form, detail with members,
and the two team toggles stored as company settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, When
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import company_settings, timeline
from shouhou.core.dialogs import can
from shouhou.core.generic_views import ObjectDeleteView, ObjectEditView, ObjectListView, ObjectView
from shouhou.core.http import back
from shouhou.core.lists import Column, StandardList
from shouhou.core.permissions import get_visible_or_404, has_perm, require

from . import queries, services
from .forms import MembersForm, TeamForm
from .models import Team

TEAM_TOGGLES = [
    ("team.dispatch_by_team", gettext_lazy("Dispatch by service team"),
     gettext_lazy("On: a work order whose customer has a service team can only be assigned or transferred to "
                  "the members and leaders of that team and its sub-teams, and the assignee picker lists only "
                  "them. Orders of customers without a service team are dispatched as usual.")),
    ("team.hide_non_members", gettext_lazy("Hide people outside the team when picking people"),
     gettext_lazy("On: the assignee and collaborator pickers of work orders list only the user and the members "
                  "of the user's own teams and their sub-teams. People whose work-order data scope is All still "
                  "see everyone, and people already on an order stay listed.")),
]


class TeamList(StandardList):
    key = "teams"
    title = pgettext_lazy("navigation", "Teams")
    template = "accounts/team_list.html"
    sidebar_template = "accounts/_team_tree.html"
    toolbar_template = "accounts/_team_toolbar.html"
    search_fields = ["name", "area", "address", "service_phone"]
    search_placeholder = gettext_lazy("Team name, area, location or phone")
    export_perm = "team.view"
    default_sort = "sort_order"

    def __init__(self, request):
        super().__init__(request)
        self.tree = queries.team_tree(request.user)
        self.depth = {team.pk: depth for team, depth in self.tree}
        self.may_manage = has_perm(request.user, "team.manage")
        self.columns = [
            Column("name", gettext_lazy("Team name"), value=self.name_cell, html=True, sortable=True,
                   export=lambda t: t.name, link=lambda t: reverse("accounts:team_detail", args=[t.pk])),
            Column("parent", gettext_lazy("Parent team"), value=lambda t: t.parent.name if t.parent_id else "",
                   default=False),
            Column("leaders", gettext_lazy("Team leaders"), value=lambda t: "、".join(u.name for u in t.leaders.all())),
            Column("service_phone", gettext_lazy("Phone")),
            Column("area", gettext_lazy("Area of responsibility"), css="col-wide"),
            Column("address", pgettext_lazy("team", "Location"), css="col-wide", default=False),
            Column("member_count", gettext_lazy("Members"), sortable=True, kind="count"),
            Column("actions", gettext_lazy("Actions"), value=self.actions_cell, html=True, css="col-actions"),
        ]

    def base_queryset(self, request):
        require(request.user, "team.view")
        qs = queries.teams(request.user).select_related("parent")
        selected = self.params.get("tree_team", "")
        if selected.isdigit():
            qs = qs.filter(pk__in=Team.descendant_ids({int(selected)}))
        return qs

    def ordered(self, qs, state):
        """Tree order (each team followed by its sub-teams) unless the user sorts by a column."""
        self.in_tree_order = not state.sort
        if state.sort or not self.tree:
            return super().ordered(qs, state)
        position = Case(*[When(pk=team.pk, then=index) for index, (team, _depth) in enumerate(self.tree)],
                        default=len(self.tree), output_field=IntegerField())
        return qs.order_by(position, "pk")

    def name_cell(self, team):
        indent = self.depth.get(team.pk, 0) if getattr(self, "in_tree_order", True) else 0
        icon = "bi-diagram-3" if indent == 0 else "bi-arrow-return-right"
        return format_html('<span class="tree-indent" style="--depth: {}"><i class="bi {} text-muted"></i> {}</span>',
                           indent, icon, team.name)

    def actions_cell(self, team):
        return render_to_string("accounts/_team_actions.html", {"team": team, "may_manage": self.may_manage},
                                request=self.request)

    def visible_columns(self, state):
        columns = super().visible_columns(state)
        if getattr(self, "exporting", False):
            return [c for c in columns if c.key != "actions"]
        return columns

    def export_rows(self):
        self.exporting = True
        return super().export_rows()

    def extra_context(self, request):
        return {
            "tree": self.tree,
            "selected_team": self.params.get("tree_team", ""),
            "toggles": [{"key": key, "label": label, "help": help_text, "value": company_settings.get(key)}
                        for key, label, help_text in TEAM_TOGGLES],
            "can": can(request.user, "team.manage"),
        }


class TeamListView(ObjectListView):
    list_class = TeamList


@login_required
@require_POST
def team_settings(request):
    """The two ACC-06 toggles; an unchecked switch is not posted, so absent means off."""
    values = {key: request.POST.get(key) == "on" for key, _label, _help in TEAM_TOGGLES}
    changes = company_settings.update_settings(actor=request.user, values=values, request=request,
                                              permission="team.manage")
    if changes:
        messages.success(request, _("Team settings saved."))
    return back(request, reverse("accounts:teams"))


def _team(request, pk):
    require(request.user, "team.view")
    return get_visible_or_404(queries.teams(request.user).select_related("parent"), pk=pk)


class TeamView(ObjectView):
    template = "accounts/team_detail.html"

    def get_object(self, request, pk):
        return _team(request, pk)

    def get_context(self, request, team):
        members = list(team.members.select_related("work_status").prefetch_related("roles").order_by("name"))
        leader_ids = set(team.leaders.values_list("pk", flat=True))
        candidates = queries.pickable_users(request.user).exclude(pk__in=[m.pk for m in members]).order_by("name")
        return {
            "team": team,
            "ancestors": team.ancestors(),
            "members": members,
            "leader_ids": leader_ids,
            "children": list(queries.teams(request.user).filter(parent=team)),
            "add_form": MembersForm(users=candidates),
            "entries": timeline.entries_for(team, 50),
            "can": can(request.user, "team.manage", "account.view"),
        }


class TeamEditView(ObjectEditView):
    """A team's page form (new, new sub-team with ?parent=, or edit); saved, it goes to the team."""

    permission = "team.manage"
    template = "accounts/team_form.html"
    form_class = TeamForm

    def get_object(self, request, pk=None):
        return _team(request, pk) if pk is not None else None

    def parent(self, request, team):
        parent_id = request.GET.get("parent", "")
        return _team(request, int(parent_id)) if team is None and parent_id.isdigit() else None

    def form_kwargs(self, request, team):
        if team is not None:
            return {"actor": request.user, "team": team}
        return {"actor": request.user, "parent": self.parent(request, team)}

    def save(self, request, form, team):
        data = form.cleaned_data
        return services.save_team(
            actor=request.user, team=team, request=request, name=data["name"], parent_id=data["parent_id"],
            leader_ids=data["leader_ids"], member_ids=data["member_ids"], service_phone=data["service_phone"],
            area=data["area"], address=data["address"], latitude=data["latitude"], longitude=data["longitude"],
        )

    def success_message(self, request, form, team, created):
        if created:
            return _("Team %(name)s created.") % {"name": team.name}
        return _("Team %(name)s saved.") % {"name": form.cleaned_data["name"]}

    def success_url(self, request, team, created):
        return reverse("accounts:team_detail", args=[team.pk])

    def get_context(self, request, form, team):
        parent = self.parent(request, team)
        title = _("Edit team") if team else (_("New sub-team") if parent else _("New team"))
        return {"form": form, "team": team, "parent": parent, "title": title}


class TeamDeleteView(ObjectDeleteView):
    def get_object(self, request, pk):
        return _team(request, pk)

    def delete(self, request, team):
        services.delete_team(actor=request.user, team=team, request=request)

    def success_message(self, request, team):
        return _("Team %(name)s deleted.") % {"name": team.name}

    def success_url(self, request, team):
        return reverse("accounts:teams")

    def failure_url(self, request, team):
        return reverse("accounts:team_detail", args=[team.pk])


@login_required
@require_POST
def team_add_members(request, pk):
    team = _team(request, pk)
    candidates = queries.pickable_users(request.user).exclude(teams=team)
    form = MembersForm(request.POST, users=candidates)
    if form.is_valid():
        services.add_team_members(actor=request.user, team=team, user_ids=form.cleaned_data["user_ids"])
        messages.success(request, _("Members added."))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("accounts:team_detail", pk=team.pk)


@login_required
@require_POST
def team_remove_member(request, pk, user_id):
    team = _team(request, pk)
    services.remove_team_member(actor=request.user, team=team, user_id=user_id)
    messages.success(request, _("Member removed."))
    return redirect("accounts:team_detail", pk=team.pk)
