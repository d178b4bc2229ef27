"""Scoped reads (CUS-08): own/team/all data scopes and the team partition; nearby customers (CUS-09);
search by name, number and any contact's phone; tag filters (SQLite and PostgreSQL alike)."""

import pytest

from shouhou.accounts.models import Role
from shouhou.core.company_settings import update_settings
from shouhou.core.geo import distance_km
from shouhou.core.permissions import forget
from shouhou.core.testing import make_team, make_user
from shouhou.customers import contact_services, queries

from .conftest import at, make_customer


def with_scope(user, scope):
    """Give `user` a role that views customers with this data scope."""
    role = Role.objects.create(name=f"客户{scope}-{user.pk}", permissions=["customer.view"], scopes={"customer": scope})
    user.roles.set([role])
    forget(user)
    return user


@pytest.fixture
def teams(tenant):
    east = make_team(tenant, name="华东")
    shanghai = make_team(tenant, name="上海组", parent=east)
    north = make_team(tenant, name="华北")
    return east, shanghai, north


@pytest.fixture
def customers(tenant, owner, teams):
    """Customers of the east team, its Shanghai sub-team, the north team, and one without a team."""
    east, shanghai, north = teams
    member = make_user(tenant, name="华东成员", teams=[east])
    return {
        "member": member,
        "east": make_customer(owner, name="华东客户", service_team_id=east.pk),
        "shanghai": make_customer(owner, name="上海客户", service_team_id=shanghai.pk),
        "north": make_customer(owner, name="华北客户", service_team_id=north.pk),
        "north_owned": make_customer(owner, name="华北我负责", service_team_id=north.pk, owner_ids=[member.pk]),
        "teamless_owned": make_customer(owner, name="无团队我负责", owner_ids=[member.pk]),
        "teamless": make_customer(owner, name="无团队客户"),
    }


def names(actor):
    return set(queries.visible_customers(actor).values_list("name", flat=True))


def test_all_scope_sees_every_customer(tenant, owner, customers):
    assert len(names(owner)) == 6
    assert len(names(with_scope(make_user(tenant), "all"))) == 6


def test_own_scope_with_partition_keeps_own_customers_of_own_teams(tenant, customers):
    member = with_scope(customers["member"], "own")
    assert names(member) == {"无团队我负责"}, "an owned customer of another team is hidden by the partition"
    update_settings(actor=customers["east"].created_by, values={"customer.partition_by_team": False},
                    permission="customer.settings")
    forget(member)
    assert names(member) == {"华北我负责", "无团队我负责"}


def test_team_scope_sees_the_team_tree_and_own_customers(tenant, owner, customers):
    member = with_scope(customers["member"], "team")
    assert names(member) == {"华东客户", "上海客户", "无团队我负责"}
    update_settings(actor=owner, values={"customer.partition_by_team": False}, permission="customer.settings")
    assert names(member) == {"华东客户", "上海客户", "华北我负责", "无团队我负责"}


def test_created_customers_are_own(tenant, owner, teams):
    engineer = make_user(tenant, roles=("engineer",), teams=[teams[2]])  # engineers: team scope, may create
    mine = make_customer(engineer, name="工程师建的")
    make_customer(owner, name="别人建的", service_team_id=teams[0].pk)
    assert names(engineer) == {"工程师建的"}
    assert queries.get_customer(engineer, mine.pk) == mine


def test_no_view_permission_sees_nothing(tenant, customers):
    nobody = make_user(tenant, roles=())
    assert names(nobody) == set()


def test_owned_by_is_my_customers(tenant, customers):
    member = with_scope(customers["member"], "all")
    assert set(queries.owned_by(member).values_list("name", flat=True)) == {"华北我负责", "无团队我负责"}


# --- nearby ---------------------------------------------------------------------------------------------

def test_nearby_is_sorted_by_distance_and_cut_at_the_radius(tenant, owner):
    centre = (31.230416, 121.473701)
    near = make_customer(owner, name="近", address=at(31.2400, 121.4800))       # ~1.2 km
    middle = make_customer(owner, name="中", address=at(31.2600, 121.5000))     # ~4 km
    far = make_customer(owner, name="远", address=at(31.3200, 121.5800))        # ~14 km
    corner = make_customer(owner, name="角", address=at(31.2750, 121.5270))     # in the 6 km box, ~7 km away
    make_customer(owner, name="北京", address=at(39.9042, 116.4074))
    found = queries.nearby_customers(owner, *centre, 6)
    assert [c.name for c, _d in found] == ["近", "中"]
    distances = [d for _c, d in found]
    assert distances == sorted(distances) and distances[-1] <= 6
    assert found[0][0].distance_km == round(distance_km(*centre, near.latitude, near.longitude), 2)
    assert corner not in [c for c, _d in found] and far not in [c for c, _d in found]
    assert [c.name for c, _d in queries.nearby_customers(owner, *centre, 20)][:4] == ["近", "中", "角", "远"]
    assert middle.pk in [c.pk for c, _d in queries.nearby_of(owner, near, 5)]
    assert near.pk not in [c.pk for c, _d in queries.nearby_of(owner, near, 5)], "not itself"


def test_nearby_respects_the_data_scope(tenant, owner, teams):
    make_customer(owner, name="可见", address=at(31.2400, 121.4800), service_team_id=teams[1].pk)
    make_customer(owner, name="不可见", address=at(31.2410, 121.4810), service_team_id=teams[2].pk)
    member = with_scope(make_user(tenant, teams=[teams[0]]), "team")
    assert [c.name for c, _d in queries.nearby_customers(member, 31.230416, 121.473701, 5)] == ["可见"]


def test_nearby_of_a_customer_without_coordinates_is_empty(tenant, owner):
    update_settings(actor=owner, values={"customer.address_required": False}, permission="customer.settings")
    lost = make_customer(owner, address=None)
    assert queries.nearby_of(owner, lost, 50) == []


# --- search and tags ---------------------------------------------------------------------------------------

def test_search_by_name_number_and_any_contacts_phone(tenant, owner):
    star = make_customer(owner, name="星辰科技", contacts=[{"name": "甲", "phone": "13811112222"}])
    contact_services.add_contact(actor=owner, customer=star, name="乙", phone="021-66667777")
    make_customer(owner, name="远航机械", contacts=[{"name": "丙", "phone": "13933334444"}])

    def search(text):
        return set(queries.visible_customers(owner).filter(queries.search_condition(text))
                   .values_list("name", flat=True))

    assert search("星辰") == {"星辰科技"}
    assert search(star.number) == {"星辰科技"}
    assert search("1393333") == {"远航机械"}
    assert search("6666-7777") == {"星辰科技"}, "a second contact's landline, typed with a dash"
    assert search("") == {"星辰科技", "远航机械"}


def test_tag_condition(tenant, owner):
    make_customer(owner, name="有标签", tags=["VIP", "华东"])
    make_customer(owner, name="别的标签", tags=["VIP客户"])
    make_customer(owner, name="无标签")
    found = queries.visible_customers(owner).filter(queries.tag_condition("VIP")).values_list("name", flat=True)
    assert list(found) == ["有标签"]
    assert queries.tags_in_use(owner) == ["VIP", "VIP客户", "华东"]
