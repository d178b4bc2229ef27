"""Every write of spare parts and service items (architecture §4), by subject:

- `catalogue`: parts, part categories, service items, warehouses;
- `stock`: the ledger — in, out, remove (scrap), transfer, allocate, adjust, safety stock (and the engine the others use);
- `requests`: requisitions (申领) and returns (退回) with their approval;
- `usage`: parts and service items used on work orders (reserve, consume, reverse, 旧件返还, 服务记录);
- `pricing`: the pricing rules (收费标准).
"""

from .catalogue import *  # noqa: F401,F403
from .pricing import *  # noqa: F401,F403
from .requests import *  # noqa: F401,F403
from .stock import *  # noqa: F401,F403
from .usage import *  # noqa: F401,F403
