"""`manage.py seed_demo`: create the demo company (shouhou.demo.seed) and list its logins."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shouhou.accounts.models import Team, User
from shouhou.core.errors import DomainError
from shouhou.core.models import Tenant
from shouhou.customers.models import Customer
from shouhou.demo.seed import DEMO_PASSWORD, DEMO_SLUG, display_width, login_rows, pad, seed_all
from shouhou.products.models import Product
from shouhou.workorders.models import WorkOrder


class Command(BaseCommand):
    help = (
        "Create the demo company 'demo' (演示科技) with teams and about 30 users over all system roles, "
        "about 300 customers, 600 products and 2,000 work orders of the last 90 days (--scale sizes these), "
        "then list the logins. Idempotent: only what is missing is created. Every demo user's password is "
        f"'{DEMO_PASSWORD}'; it is set directly, without the password validators (which refuse it), because "
        "it is demo data only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=None,
                            help="Size of the customers, products and work orders, 1 = full (the default).")

    def handle(self, *args, **options):
        before = self.counts()
        try:
            tenant = seed_all(scale=options["scale"])
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.as_dict()['details'] or ''}".strip())
        added = {key: value - before.get(key, 0) for key, value in self.counts().items()}
        if any(added.values()):
            self.stdout.write(_("Created %(users)s users and %(teams)s teams.") % added)
            if added["customers"] or added["products"] or added["work_orders"]:
                self.stdout.write(_("Created %(customers)s customers, %(products)s products and %(work_orders)s "
                                    "work orders.") % added)
        else:
            self.stdout.write(_("The demo company is already complete; nothing was changed."))
        self.print_logins(tenant)

    @staticmethod
    def counts():
        tenant = Tenant.objects.filter(slug=DEMO_SLUG).first()
        if tenant is None:
            return {"users": 0, "teams": 0, "customers": 0, "products": 0, "work_orders": 0}
        return {"users": User.objects.filter(tenant=tenant).count(), "teams": Team.all_tenants.filter(tenant=tenant).count(),
                "customers": Customer.all_tenants.filter(tenant=tenant).count(),
                "products": Product.all_tenants.filter(tenant=tenant).count(),
                "work_orders": WorkOrder.all_tenants.filter(tenant=tenant).count()}

    def print_logins(self, tenant):
        header = (_("Mobile phone"), _("Name"), _("Roles"), _("Teams"))
        rows = [header, *login_rows(tenant)]
        widths = [max(display_width(row[column]) for row in rows) for column in range(len(header))]
        self.stdout.write(_("Demo company %(name)s (code %(slug)s); every account's password is %(password)s")
                          % {"name": tenant.name, "slug": tenant.slug, "password": DEMO_PASSWORD})
        for row in rows:
            self.stdout.write("  ".join(pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
