"""Who may read a product's files (core.files): whoever may see the product, through the scoped query."""

from shouhou.core import files
from shouhou.core.permissions import has_perm

from . import queries


def _product_visible(user, owner_id):
    return has_perm(user, "product.view") and queries.visible_products(user).filter(pk=owner_id).exists()


def _template_visible(user, owner_id):
    return has_perm(user, "product.view")  # templates are company-wide, like the product form


def register():
    files.register_owner("products.product", _product_visible)
    files.register_owner("products.producttemplate", _template_visible)
