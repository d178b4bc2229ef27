"""Isolation-walk declarations for accounts (see core/testing/isolation.py)."""

from shouhou.core.testing import make_team, make_user
from shouhou.core.testing.isolation import populator, route_params


@populator
def accounts_data(tenant, owner, marker):
    team = make_team(tenant, name=f"{marker}团队", leaders=[owner])
    make_team(tenant, name=f"{marker}子团队", parent=team)
    make_user(tenant, name=f"{marker}工程师", roles=("engineer",), teams=[team])


@populator
def accounts_import_job(tenant, owner, marker):
    from shouhou.core.jobs import DataJob

    DataJob.objects.create(kind=DataJob.Kind.IMPORT, key="accounts.users", status=DataJob.Status.DONE,
                           filename=f"{marker}.xlsx", total=1, processed=1, created_by=owner)


for _name in ("user_detail", "user_edit", "user_password"):
    route_params(f"accounts:{_name}", pk="accounts.User")
for _name in ("team_detail", "team_edit", "team_delete", "team_add_members", "team_remove_member"):
    route_params(f"accounts:{_name}", pk="accounts.Team")
for _name in ("role_permissions", "role_edit", "role_delete", "role_reset", "role_members", "role_add_members",
              "role_remove_member"):
    route_params(f"accounts:{_name}", pk="accounts.Role")
for _name in ("users_import_job", "users_import_status", "users_import_commit", "users_import_errors"):
    route_params(f"accounts:{_name}", job_id="core.DataJob")


@populator
def accounts_skills(tenant, owner, marker):
    from .skills import save_skill, set_user_skills

    skill = save_skill(actor=owner, name=f"{marker}技能")
    set_user_skills(actor=owner, user=owner, skill_ids=[skill.pk])


for _name in ("skill_edit", "skill_delete", "skill_move"):
    route_params(f"accounts:{_name}", pk="accounts.Skill")
