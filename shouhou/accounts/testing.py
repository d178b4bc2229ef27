"""Isolation-walk declarations for accounts (see core/testing/isolation.py)."""

from shouhou.core.testing import make_team, make_user
from shouhou.core.testing.isolation import populator


@populator
def accounts_data(tenant, owner, marker):
    team = make_team(tenant, name=f"{marker}团队", leaders=[owner])
    make_team(tenant, name=f"{marker}子团队", parent=team)
    make_user(tenant, name=f"{marker}工程师", roles=("engineer",), teams=[team])
