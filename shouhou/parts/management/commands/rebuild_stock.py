"""Compare (and with no --check, repair) every company's on-hand rows against the stock ledger.

    manage.py rebuild_stock --check    # report differences; exit status 1 when there are any
    manage.py rebuild_stock            # set each on-hand row to the sum of its movements
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.parts.models import StockLevel
from shouhou.parts.services import ledger_differences


class Command(BaseCommand):
    help = "Check or rebuild on-hand stock from the stock movements ledger."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report differences (exit 1 if any).")

    def handle(self, *args, check=False, **options):
        found = 0
        for tenant in Tenant.objects.order_by("pk"):
            with tenant_context(tenant), transaction.atomic():
                StockLevel.objects.select_for_update().count()  # hold the rows while comparing
                for part_id, warehouse_id, holder_id, on_hand, ledger in ledger_differences():
                    found += 1
                    place = f"warehouse {warehouse_id}" if warehouse_id else f"holder {holder_id}"
                    self.stdout.write(f"company {tenant.pk}: part {part_id} at {place}: on hand {on_hand}, "
                                      f"ledger {ledger}")
                    if not check:
                        StockLevel.objects.update_or_create(part_id=part_id, warehouse_id=warehouse_id,
                                                            holder_id=holder_id, defaults={"quantity": ledger})
        if found == 0:
            self.stdout.write("Stock matches the ledger.")
        elif check:
            raise CommandError(f"{found} on-hand rows differ from the ledger.")
        else:
            self.stdout.write(f"Rebuilt {found} on-hand rows.")
