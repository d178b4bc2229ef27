"""Dispatch data shared by the issue-10 benchmarks (candidates.py, pool_claims.py): 2,000 engineers with
skills, teams and positions in the company `bench` of gen_workorders.py, and their share of the open orders.

Added once (the script checks for the first of them) on top of gen_workorders.py's data, by bulk inserts:

- five skills (空调维修, 高压电工证, 制冷维修, 电梯维保, 弱电安装); the type 维修 requires 空调维修;
- 40 teams 调度组01…40, three in four with a location (around 上海 and 杭州);
- 2,000 engineers 13800000001… (role 服务工程师, work status 空闲), each in one team (one in ten in two),
  with one to three skills (空调维修 for ~70 %), and a last reported position around 上海 or 杭州:
  60 % fresh (within the last two hours), 20 % stale (two days old), 20 % never reported;
- the open orders (已指派 / 已接受 / 进行中) of the generator, two in three handed to the new engineers
  (each engineer ~7) with planned times spread over a week around now — the loads and clashes the
  ranking counts. Then VACUUM ANALYZE.
"""

import datetime as dt
import random

import common

ENGINEER_COUNT = 2000
PHONE_PREFIX = "138"
SKILLS = ["空调维修", "高压电工证", "制冷维修", "电梯维保", "弱电安装"]
REQUIRED = "空调维修"
TEAM_COUNT = 40
CITIES = [(31.23, 121.47), (30.26, 120.13)]  # 上海, 杭州
OPEN_WORK = ("assigned", "accepted", "in_progress")


def engineer_phone(index):
    return f"{PHONE_PREFIX}{index:08d}"


def ensure(tenant, seed=10):
    """Add the engineers and the rest once. Returns the engineers' ids in phone order."""
    from django.db import connection, transaction

    from shouhou.accounts.models import Role, Skill, Team, User, WorkStatus
    from shouhou.core.tenancy import tenant_context
    from shouhou.workorders.models import WorkOrderType

    with tenant_context(tenant):
        existing = list(User.objects.for_tenant().filter(phone__startswith=PHONE_PREFIX).order_by("phone")
                        .values_list("pk", flat=True))
        if len(existing) >= ENGINEER_COUNT:
            return existing
        assert not existing, "a partial set of dispatch engineers: regenerate with gen_workorders.py"
        rng = random.Random(seed)
        now = dt.datetime.now(dt.UTC)
        with common.stopwatch() as took, transaction.atomic():
            skills = {name: Skill.objects.get_or_create(tenant=tenant, name=name, defaults={"sort_order": i})[0]
                      for i, name in enumerate(SKILLS)}
            WorkOrderType.objects.get(name="维修").required_skills.set([skills[REQUIRED]])
            teams = Team.objects.bulk_create([
                Team(tenant=tenant, name=f"调度组{i + 1:02d}", sort_order=i,
                     **(_near(rng, CITIES[i % 2], 0.3, "latitude", "longitude") if i % 4 else {}))
                for i in range(TEAM_COUNT)])
            status = WorkStatus.objects.order_by("sort_order", "pk").first()
            users = []
            for i in range(1, ENGINEER_COUNT + 1):
                kind = rng.random()
                position = {}
                if kind < 0.8:
                    position = _near(rng, CITIES[i % 2], 0.4, "last_latitude", "last_longitude")
                    position["last_located_at"] = now - (dt.timedelta(minutes=rng.randint(1, 120)) if kind < 0.6
                                                         else dt.timedelta(days=2))
                users.append(User(tenant=tenant, name=f"调度工程师{i:04d}", phone=engineer_phone(i),
                                  account=engineer_phone(i), password=common._password_hash(), work_status=status,
                                  **position))
            users = User.objects.bulk_create(users)
            engineer = Role.objects.get(system_key="engineer")
            User.roles.through.objects.bulk_create([User.roles.through(user_id=u.pk, role_id=engineer.pk)
                                                    for u in users])
            held = []
            for user in users:
                names = {REQUIRED} if rng.random() < 0.7 else set()
                names |= set(rng.sample(SKILLS[1:], rng.randint(0 if names else 1, 2)))
                held += [User.skills.through(user_id=user.pk, skill_id=skills[name].pk) for name in names]
            User.skills.through.objects.bulk_create(held)
            members = []
            for index, user in enumerate(users):
                chosen = {index % TEAM_COUNT} | ({rng.randrange(TEAM_COUNT)} if rng.random() < 0.1 else set())
                members += [Team.members.through(team_id=teams[t].pk, user_id=user.pk) for t in chosen]
            Team.members.through.objects.bulk_create(members)
            ids = [user.pk for user in users]
            with connection.cursor() as cursor:
                cursor.execute("""
                    UPDATE workorders_workorder SET assignee_id = (%(ids)s::bigint[])[1 + id %% %(n)s],
                           planned_at = now() + ((id %% 337) - 168) * interval '30 minutes'
                    WHERE tenant_id = %(tenant)s AND status = ANY(%(open)s) AND id %% 3 <> 0""",
                               {"ids": ids, "n": len(ids), "tenant": tenant.pk, "open": list(OPEN_WORK)})
                moved = cursor.rowcount
        with connection.cursor() as cursor:
            for table in ("workorders_workorder", "accounts_user", "accounts_user_skills", "accounts_user_roles",
                          "accounts_team_members", "accounts_team"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"  added {len(ids):,} engineers, {len(teams)} teams, {len(held):,} skills held, {moved:,} open "
              f"orders handed to them: {took():.0f} s", flush=True)
        return ids


def _near(rng, centre, spread, lat_name, lng_name):
    return {lat_name: f"{centre[0] + rng.uniform(-spread, spread):.6f}",
            lng_name: f"{centre[1] + rng.uniform(-spread, spread):.6f}"}
