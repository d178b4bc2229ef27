"""Print one demo login per system role, read from the demo company that `seed_demo` creates.

`make run` prints this once the site answers, so the list always matches the data actually loaded.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from shouhou.accounts.models import Role, User
from shouhou.accounts.roles import SYSTEM_ROLE_KEYS
from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.demo.seed import DEMO_PASSWORD, DEMO_SLUG, display_width, pad


class Command(BaseCommand):
    help = "List one demo login (phone) per system role of the demo company."

    def add_arguments(self, parser):
        parser.add_argument("--company", default=DEMO_SLUG, help="company code (slug) to list")

    def handle(self, *args, company, **options):
        tenant = Tenant.objects.filter(slug=company).first()
        if tenant is None:
            self.stdout.write(_("No company %(slug)s yet: run manage.py seed_demo.") % {"slug": company})
            return
        rows = login_per_role(tenant)
        width = max((display_width(role) for role, _phone, _name in rows), default=0)
        self.stdout.write(_("Demo logins of %(company)s, one per role (password for all: %(password)s):")
                          % {"company": tenant.name, "password": DEMO_PASSWORD})
        for role, login, name in rows:
            self.stdout.write(f"  {pad(role, width)}  {login}  {name}")


def login_per_role(tenant):
    """[(role name, phone or e-mail, user name)]: the first enabled user of each system role, in role order."""
    with tenant_context(tenant):
        roles = {role.system_key: role for role in Role.objects.exclude(system_key="")}
        rows = []
        for key in SYSTEM_ROLE_KEYS:
            role = roles.get(key)
            if role is None:
                continue
            user = (
                User.objects.for_tenant().filter(roles=role, is_active=True)
                .order_by("-is_tenant_owner", "phone", "pk").first()
            )
            if user is not None:
                rows.append((role.name, user.phone or user.email, user.name))
    return rows
