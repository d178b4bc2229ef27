"""Every read of work orders, by subject (architecture §4, §6; issue 9). Callers import the subject module
they need (`from shouhou.workorders.queries import orders`); nothing is re-exported here.

orders     visible orders, lists, tabs and filters, detail parts, related orders of customers/products
approvals  the approval inbox, one approval, counts
types      types, service options, add-on components (the settings)
pickers    customers/products/contacts/addresses to pick, and the assignee picker
"""
