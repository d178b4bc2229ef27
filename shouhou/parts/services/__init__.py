"""Every write of spare parts and service items (architecture §4), by subject:

- `catalogue`: parts, part categories, service items, warehouses;
- `stock`: the ledger — in, out, remove (scrap), transfer, allocate, adjust, safety stock (and the engine the others use);
- `requests`: requisitions (申领) and returns (退回) with their approval.
"""

from .catalogue import *  # noqa: F401,F403
from .requests import *  # noqa: F401,F403
from .stock import *  # noqa: F401,F403
