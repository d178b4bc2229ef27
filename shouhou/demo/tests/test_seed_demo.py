"""`manage.py seed_demo`: the demo company, one login per system role, and idempotency."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from shouhou.accounts import queries, services
from shouhou.accounts.models import ApiToken, Role, Team, User, WorkStatus
from shouhou.accounts.roles import SYSTEM_ROLE_KEYS
from shouhou.core import permissions
from shouhou.core.audit import SystemLog
from shouhou.core.models import Activity, OutboxEvent, Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.demo.seed import DEMO_PASSWORD, TEAMS

WATCHED = [Tenant, User, User.roles.through, Team, Team.members.through, Team.leaders.through, Role,
           WorkStatus, ApiToken, Activity, OutboxEvent, SystemLog]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def db_state():
    return {model._meta.label: list(model._base_manager.order_by("pk").values()) for model in WATCHED}


def seed():
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    output = seed()
    tenant = Tenant.objects.get(slug="demo")
    with tenant_context(tenant):
        yield tenant, output


def test_company_and_owner(demo):
    tenant, _output = demo
    assert (tenant.name, tenant.short_name) == ("演示科技有限公司", "演示科技")
    assert tenant.address and tenant.email == "service@demo.shouhou.test" and tenant.profile
    assert tenant.is_demo and tenant.expires_at is None  # the demo never expires
    owner = User.objects.get(phone="13800000000")
    assert owner.is_tenant_owner and owner.name == "张伟" and owner.email == "zhangwei@demo.shouhou.test"
    assert services.login(request=None, username="13800000000", password=DEMO_PASSWORD) == owner


def test_one_login_per_system_role_in_order(demo):
    for index, key in enumerate(SYSTEM_ROLE_KEYS):
        user = User.objects.get(phone=f"138000000{index:02d}")
        assert key in set(user.roles.values_list("system_key", flat=True)), (user.phone, key)
        assert user.check_password(DEMO_PASSWORD)


def test_about_thirty_users_over_all_roles(demo):
    users = list(User.objects.for_tenant().prefetch_related("roles"))
    assert 25 <= len(users) <= 40
    assert all(user.check_password(DEMO_PASSWORD) and user.is_active for user in users)
    assert all(user.email.endswith("@demo.shouhou.test") for user in users)
    held = {role.system_key for user in users for role in user.roles.all()}
    assert held == set(SYSTEM_ROLE_KEYS)
    engineers = [user for user in users if any(r.system_key == "engineer" for r in user.roles.all())]
    assert len(engineers) > len(users) / 2
    assert all(user.teams.exists() for user in engineers)
    assert len({user.work_status_id for user in users}) >= 3
    assert all(Activity.objects.filter(object_id=str(user.pk), verb="created").exists()
               for user in users if not user.is_tenant_owner)


def test_team_tree_with_leaders_and_locations(demo):
    tree = [(team.name, depth) for team, depth in queries.team_tree(None)]
    assert len(tree) == len(TEAMS) and ("华东服务中心", 0) in tree and ("上海一组", 1) in tree
    for team in Team.objects.all():
        assert team.leaders.exists() and set(team.leaders.all()) <= set(team.members.all())
        assert team.service_phone and team.area and team.address
        assert -90 <= team.latitude <= 90 and -180 <= team.longitude <= 180


def test_team_admin_sees_the_centre_and_its_groups(demo):
    zhou = User.objects.get(phone="13800000008")
    visible = {user.name for user in queries.visible_users(zhou)}
    assert {"周杰", "李强", "马超", "胡军", "高峰"} <= visible
    assert not visible & {"罗斌", "唐亮", "王芳"}
    assert permissions.data_scope(zhou, "account") == "team"


def test_login_log_has_entries(demo):
    clients = set(SystemLog.objects.filter(kind=SystemLog.Kind.LOGIN).values_list("client_type", flat=True))
    assert clients == {"pc", "mobile", "api"}


def test_running_twice_changes_nothing(demo):
    _tenant, first_output = demo
    before = db_state()
    second_output = seed()
    assert db_state() == before
    assert "Created 30 users and 10 teams." in first_output
    assert "nothing was changed" in second_output
    for phone in ("13800000000", "13800000009", "13800000029"):
        assert phone in first_output and phone in second_output


def test_missing_parts_are_added_back(demo):
    User.objects.get(phone="13800000029").delete()
    Team.objects.get(name="深圳组").leaders.clear()
    seed()
    assert User.objects.filter(phone="13800000029", name="曹阳").exists()
    assert list(Team.objects.get(name="深圳组").leaders.values_list("name", flat=True)) == ["董辉"]
    assert User.objects.for_tenant().count() == 30


class RecordingGateway:
    """A real provider as far as the code can tell: it records what it was asked to send."""

    sent = []

    def send(self, phone, content, template=""):
        RecordingGateway.sent.append((phone, content))
        return "recorded"


def test_seeding_never_sends_sms_through_the_configured_gateway(db, settings, monkeypatch):
    """The demo's warranty rule texts customers at set-up (3 at full size); their SMS stay in the demo's
    message log. At this test's small size nothing is due, so the half-yearly rule texts too, with a year's lead."""
    from shouhou.demo import reminders as reminder_demo
    from shouhou.messaging.models import SmsMessage

    texting = {"sms_contact": True, "sms_template": "{客户}您好，{产品}该保养了。", "lead_days": 365}
    rules = [{**rule, **texting} if rule["name"] == "半年保养提醒" else rule for rule in reminder_demo.DEMO_RULES]
    monkeypatch.setattr(reminder_demo, "DEMO_RULES", rules)
    settings.SMS_BACKEND = f"{__name__}.RecordingGateway"
    RecordingGateway.sent.clear()
    with translation.override("en"):
        call_command("seed_demo", "--scale", "0.05", stdout=StringIO())
    tenant = Tenant.objects.get(slug="demo")
    with tenant_context(tenant):
        logged = SmsMessage.objects.count()
    assert RecordingGateway.sent == []
    assert logged > 0  # the demo did text its customers, through the console gateway
