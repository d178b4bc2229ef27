"""Test data of accounts, built through accounts.services (never Model.objects.create).

A factory is bound to the acting user; everything it makes belongs to that user's company. Tests get
one from the `factories` fixture of the root conftest.py (`factories.accounts.user(...)`).
"""

import itertools

from shouhou.core.testing import DEMO_PASSWORD

_seq = itertools.count(1)


class AccountsFactory:
    def __init__(self, actor):
        self.actor = actor

    def user(self, *, name=None, roles=("engineer",), teams=(), password=DEMO_PASSWORD, **values):
        """An active user with system role keys (or Role objects) and teams, as the account page makes one."""
        from shouhou.accounts import services
        from shouhou.accounts.models import Role

        n = next(_seq)
        role_ids = [role.pk if isinstance(role, Role) else Role.objects.get(system_key=role).pk for role in roles]
        values.setdefault("phone", f"136{n:08d}")
        return services.create_user(actor=self.actor, name=name or f"测试用户{n}", password=password,
                                    role_ids=role_ids, team_ids=[team.pk for team in teams], **values)

    def team(self, *, name=None, parent=None, leaders=(), members=None, **values):
        from shouhou.accounts import services

        member_ids = None if members is None else [user.pk for user in members]
        return services.save_team(actor=self.actor, name=name or f"测试团队{next(_seq)}",
                                  parent_id=getattr(parent, "pk", None), leader_ids=[user.pk for user in leaders],
                                  member_ids=member_ids, **values)

    def role(self, *, name=None, permission_codes=(), scopes=None, description=""):
        """A custom role holding exactly `permission_codes`, with `scopes` per scoped module."""
        from shouhou.accounts import services

        return services.save_role(actor=self.actor, name=name or f"测试角色{next(_seq)}", description=description,
                                  permission_codes=list(permission_codes), scopes=scopes or {})

    def user_with(self, permission_codes, *, scopes=None, name=None):
        """A user whose only role grants `permission_codes` (and `scopes`)."""
        return self.user(name=name, roles=[self.role(permission_codes=permission_codes, scopes=scopes)])

    def work_status(self, *, name=None, color="#52c41a"):
        from shouhou.accounts import services

        return services.save_work_status(actor=self.actor, name=name or f"测试状态{next(_seq)}", color=color)

    def skill(self, *, name=None, users=()):
        """A skill of the company's list (accounts/skills.py), given to `users`."""
        from shouhou.accounts import skills

        skill = skills.save_skill(actor=self.actor, name=name or f"测试技能{next(_seq)}")
        for user in users:
            skills.set_user_skills(actor=self.actor, user=user,
                                   skill_ids=[*skills.skill_ids_of(user), skill.pk])
        return skill
