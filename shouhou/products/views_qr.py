"""Product QR codes (PRD-08, PRD-09): the 产品二维码 page, label sheets, a product's code and label, token
regeneration, and the public page `/q/<token>` that a scan opens (no login)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import company_settings, object_tabs
from shouhou.core.errors import DomainError
from shouhou.core.lists import BatchAction, Column, render_list
from shouhou.core.permissions import has_perm, require
from shouhou.core.tenancy import require_tenant, tenant_context

from . import labels, queries, services
from .views import ProductList, customer_url, local_time, selected_products, warranty_badge

PDF = "application/pdf"


# --- the 产品二维码 page: pick products, print their labels ---------------------------------------------------

class QrCodeList(ProductList):
    key = "product_qrcodes"
    title = gettext_lazy("Product QR codes")
    template = "products/qrcodes.html"
    toolbar_template = "products/_qrcode_toolbar.html"
    export_perm = None
    base_columns = [
        Column("name", gettext_lazy("Product name"), sortable=True,
               link=lambda p: reverse("products:detail", args=[p.pk])),
        Column("number", gettext_lazy("Product number"), sortable=True, code=True),
        Column("serial_number", gettext_lazy("Serial number"), code=True),
        Column("customer", gettext_lazy("Customer"), value=lambda p: p.customer.name if p.customer_id else "",
               link=lambda p: customer_url(p.customer), link_perm="customer.view"),
        Column("product_type", gettext_lazy("Product type"),
               value=lambda p: p.product_type.name if p.product_type_id else ""),
        Column("warranty_end", gettext_lazy("Warranty end"), value=warranty_badge, html=True, sortable=True),
        Column("created_at", gettext_lazy("Created at"), sortable=True, value=lambda p: local_time(p.created_at),
               default=False),
    ]
    batch_actions = [BatchAction(gettext_lazy("Print QR labels (PDF)"), "products:qr_labels", perm="product.qrcode")]

    def base_queryset(self, request):
        require(request.user, "product.qrcode")
        return super().base_queryset(request)

    def extra_context(self, request):
        return {"qr_enabled": company_settings.get("product.qrcode_enabled"),
                "hide_contact": company_settings.get("product.qrcode_hide_contact"),
                "can_settings": has_perm(request.user, "product.settings"), "max_labels": labels.MAX_LABELS}


@login_required
def qrcode_list(request):
    if request.GET.get("labels") == "pdf":
        return _labels_of_list(request)
    return render_list(request, QrCodeList)


def _labels_of_list(request):
    """Labels for every product of the current view (its tab, filters and search), up to MAX_LABELS."""
    listing = QrCodeList(request)
    state = listing.state()
    products = list(listing.ordered(listing.filtered_queryset(state), state)[:labels.MAX_LABELS + 1])
    if len(products) > labels.MAX_LABELS:
        raise DomainError(_("At most %(n)s labels at a time; narrow the list with filters.") % {"n": labels.MAX_LABELS})
    if not products:
        raise DomainError(_("No products to print."))
    return _label_response(request, products, "product-labels")


def _label_response(request, products, name, *, single=False):
    pdf = labels.label_pdf(products, company=labels.company_label_name(require_tenant()),
                           url_for=lambda product: queries.public_url(request, product), single=single)
    response = HttpResponse(pdf, content_type=PDF)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.pdf"'
    return response


@login_required
@require_POST
def qr_labels(request):
    """The batch action: a label sheet of the selected products, newest first."""
    require(request.user, "product.qrcode")
    products = selected_products(request)
    if len(products) > labels.MAX_LABELS:
        raise DomainError(_("At most %(n)s labels at a time.") % {"n": labels.MAX_LABELS})
    return _label_response(request, products, "product-labels")


# --- one product's code ----------------------------------------------------------------------------------------

@login_required
def qr_label(request, pk):
    """The product's single label, a label-sized PDF page."""
    product = queries.get_product(request.user, pk)
    return _label_response(request, [product], f"label-{product.pk}", single=True)


@login_required
def qr_image(request, pk, fmt):
    product = queries.get_product(request.user, pk)
    url = queries.public_url(request, product)
    if fmt == "svg":
        response = HttpResponse(labels.qr_svg(url), content_type="image/svg+xml")
    else:
        response = HttpResponse(labels.qr_png(url), content_type="image/png")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="qrcode-{product.pk}.{fmt}"'
    response["Cache-Control"] = "private, no-cache"  # the token may be regenerated
    return response


@login_required
@require_POST
def qr_regenerate(request, pk):
    product = queries.get_product(request.user, pk)
    services.regenerate_qr_token(actor=request.user, product=product, request=request)
    messages.success(request, _("A new QR code was made; print and stick its label, the old code no longer works."))
    return HttpResponseRedirect(reverse("products:detail", args=[product.pk]))


# --- the public page (no login) -----------------------------------------------------------------------------------

def public_page(request, token):
    """What a scan opens: the product, its warranty and service records, the company's service phone.

    No company is active for an anonymous request (and a signed-in visitor may belong to another
    company), so the product is found across companies and its own company is activated for the rest.
    """
    found = queries.lookup_qr_token(token)
    if found.state == "revoked":
        return _invalid(request, status=410, replaced=True)
    if found.state != "ok":
        return _invalid(request, status=404)
    product = found.product
    with tenant_context(product.tenant):
        return _public_response("products/public.html", _public_context(request, product))


def _public_context(request, product):
    tenant = product.tenant
    customer = product.customer
    hide_contact = company_settings.get("product.qrcode_hide_contact")
    user = request.user
    same_company = user.is_authenticated and user.tenant_id == tenant.pk and has_perm(user, "product.view")
    return {
        "product": product,
        "company": tenant,
        "company_name": tenant.display_name,
        "service_phone": tenant.phone,
        "customer_name": customer.name if customer else "",
        "contact": None if hide_contact or customer is None or not customer.contact_name else {
            "name": customer.contact_name, "phone": customer.contact_phone},
        "records": list(object_tabs.rows("product_public", "service_records", None, product) or ()),
        "console_url": reverse("products:detail", args=[product.pk]) if same_company else "",
    }


def _invalid(request, *, status, replaced=False):
    return _public_response("products/public_invalid.html", {"replaced": replaced}, status=status)


def _public_response(template, context, status=200):
    """Rendered without the request: the console's context processors (menu, notifications of a
    signed-in visitor's own company) have no place on a public page."""
    response = HttpResponse(render_to_string(template, context), status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
