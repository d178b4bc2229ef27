"""QR codes (PRD-08, PRD-09): the public page a scan opens, replaced and unknown tokens, the settings,
label sheets (real PDFs, one label per product) and the code images."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from shouhou.core.tenancy import get_current_tenant, tenant_context
from shouhou.core.testing import client_for, make_user
from shouhou.products import labels, services
from shouhou.products.models import Product

from .conftest import make_customer, make_product


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """These tests check what a Chinese user sees: the product's default language."""
    settings.LANGUAGE_CODE = "zh-hans"



def zh(message):
    with translation.override("zh-hans"):
        return translation.gettext(message)


def public(product_or_token):
    token = getattr(product_or_token, "qr_token", product_or_token)
    return reverse("qr:product", args=[token])


@pytest.fixture
def scanned(tenant, owner):
    """A product with a customer (default contact 王工 13912345678) and a type."""
    product_type = services.create_product_type(actor=owner, name="中央空调")
    customer = make_customer(owner, name="星河物业", contacts=[{"name": "王工", "phone": "13912345678"}])
    return services.create_product(actor=owner, name="大金中央空调", number="DK-001", serial_number="SN-778",
                                   product_type_id=product_type.pk, customer_id=customer.pk,
                                   warranty_end="2099-12-31")


def test_anonymous_scan_shows_the_product_and_hides_the_contact_by_default(scanned, tenant):
    tenant.phone = "400-800-1234"
    tenant.save()
    response = Client().get(public(scanned))
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("大金中央空调", "DK-001", "SN-778", "中央空调", "星河物业", "2099-12-31", tenant.short_name,
                 "400-800-1234", 'lang="zh-CN"'):
        assert text in body, text
    assert "王工" not in body and "13912345678" not in body
    assert response["X-Robots-Tag"].startswith("noindex")
    assert get_current_tenant() == tenant  # the test's own context survives the request


def test_the_contact_shows_when_the_setting_is_off(scanned, owner):
    services.update_product_settings(actor=owner, values={"product.qrcode_hide_contact": False})
    body = Client().get(public(scanned)).content.decode()
    assert "王工" in body and "13912345678" in body


def test_service_records_list_the_products_work_orders(scanned, owner):
    from shouhou.workorders.models import WorkOrder, WorkOrderType

    repair = WorkOrderType.objects.create(name="故障维修")
    WorkOrder.objects.create(number="TDD0001", order_type=repair, customer=scanned.customer, product=scanned,
                             status="finished")
    other = make_product(owner)
    WorkOrder.objects.create(number="TDD0002", order_type=repair, customer=scanned.customer, product=other)
    body = Client().get(public(scanned)).content.decode()
    assert "TDD0001" in body and "故障维修" in body and "TDD0002" not in body


def test_regenerated_token_old_is_410_new_works(scanned, owner):
    old = scanned.qr_token
    services.regenerate_qr_token(actor=owner, product=scanned)
    scanned.refresh_from_db()
    response = Client().get(public(old))
    assert response.status_code == 410
    assert zh("Invalid QR code") in response.content.decode()
    assert "大金中央空调" not in response.content.decode()
    assert Client().get(public(scanned)).status_code == 200


def test_unknown_token_is_404_invalid_page(db):
    response = Client().get(public("no-such-token-anywhere-123"))
    assert response.status_code == 404
    assert zh("Invalid QR code") in response.content.decode()
    assert Client().get(public("x" * 300)).status_code == 404


def test_codes_switched_off_show_the_invalid_page(scanned, owner):
    services.update_product_settings(actor=owner, values={"product.qrcode_enabled": False})
    response = Client().get(public(scanned))
    assert response.status_code == 404 and "大金中央空调" not in response.content.decode()


def test_a_signed_in_user_of_another_company_sees_the_public_page_only(scanned, other_company):
    other_tenant, other_owner = other_company
    response = client_for(other_owner).get(public(scanned))
    body = response.content.decode()
    assert response.status_code == 200 and "大金中央空调" in body
    assert reverse("products:detail", args=[scanned.pk]) not in body


def test_a_colleague_gets_a_link_to_the_console(scanned, owner):
    body = client_for(owner).get(public(scanned)).content.decode()
    assert reverse("products:detail", args=[scanned.pk]) in body


# --- labels -----------------------------------------------------------------------------------------------------

def _page_count(pdf):
    """Pages of a PDF, read with pypdf: no poppler needed, and WeasyPrint's compressed object streams
    hide the page objects from a plain byte search."""
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf):
    """Names of the fonts the PDF's pages use (pypdf reads the pages' font resources)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {}).get_object()
        names.update(str(font.get_object().get("/BaseFont", "")) for font in fonts.values())
    return sorted(names)


def _label_texts(html):
    return re.findall(r'<div class="name">([^<]*)</div>', html)


def test_label_sheet_has_one_label_per_product(tenant, owner):
    products = [make_product(owner, name=f"标签产品{i}") for i in range(23)]
    html = labels.sheet_html(labels.labels_for(products, company="测试", url_for=lambda p: f"https://x/q/{p.qr_token}"))
    assert _label_texts(html) == [p.name for p in products]
    assert html.count('class="page"') == 2  # 21 labels fill the first A4 page
    assert 'font-family: "Noto Sans CJK SC"' in html and "@page" in html and 'lang="zh-CN"' in html


def test_label_sheet_pdf_from_the_batch_action(tenant, owner):
    products = [make_product(owner, name=f"打印产品{i}") for i in range(22)]
    response = client_for(owner).post(reverse("products:qr_labels"), {"ids": [p.pk for p in products]})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert _page_count(pdf) == 2
    fonts = _fonts(pdf)
    assert any("Noto-Sans-CJK-SC" in font for font in fonts), fonts


def test_labels_render_the_products_text(tenant, owner):
    """The label text really is in the PDF layout (WeasyPrint boxes), QR codes decode to the public URL."""
    from weasyprint import HTML

    products = [make_product(owner, name="冷水机组A"), make_product(owner, name="冷水机组B")]
    html = labels.sheet_html(labels.labels_for(products, company="测试公司", url_for=lambda p: f"https://x/q/{p.qr_token}"))
    document = HTML(string=html).render()
    texts = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if hasattr(box, "text"):
                texts.append(box.text)
            stack.extend(getattr(box, "children", []))
    joined = "".join(texts)
    assert len(document.pages) == 1
    assert "冷水机组A" in joined and "冷水机组B" in joined and products[0].number in joined and "测试公司" in joined


def test_label_actions_are_scoped_and_need_the_permission(tenant, owner, other_company):
    mine = make_product(owner)
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = make_product(other_owner)
    admin = client_for(owner)
    assert admin.post(reverse("products:qr_labels"), {"ids": [mine.pk, foreign.pk]}).status_code == 404
    engineer = make_user(tenant, roles=("engineer",))
    assert client_for(engineer).post(reverse("products:qr_labels"), {"ids": [mine.pk]}).status_code == 403
    assert admin.get(reverse("products:qr_label", args=[foreign.pk])).status_code == 404


def test_single_label_and_images(tenant, owner):
    product = make_product(owner, name="单个标签")
    admin = client_for(owner)
    response = admin.get(reverse("products:qr_label", args=[product.pk]))
    assert response.content.startswith(b"%PDF") and _page_count(response.content) == 1
    png = admin.get(reverse("products:qr_png", args=[product.pk]) + "?download=1")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert "attachment" in png["Content-Disposition"]
    svg = admin.get(reverse("products:qr_svg", args=[product.pk]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_codes_encode_the_public_address(tenant, owner):
    product = make_product(owner)
    url = "http://testserver" + public(product)
    svg = client_for(owner).get(reverse("products:qr_svg", args=[product.pk])).content
    assert svg == labels.qr_svg(url)
    assert svg != labels.qr_svg(url + "x")
    label = labels.labels_for([product], company="c", url_for=lambda p: url)[0]
    assert label.qr == labels.qr_code(url).png_data_uri(scale=6, border=1)


def test_the_qr_page_prints_the_whole_filtered_list(tenant, owner):
    make_product(owner, name="甲产品")
    make_product(owner, name="乙产品")
    admin = client_for(owner)
    page = admin.get(reverse("products:qrcodes"))
    assert page.status_code == 200 and "甲产品" in page.content.decode()
    response = admin.get(reverse("products:qrcodes") + "?q=甲&labels=pdf")
    assert response["Content-Type"] == "application/pdf" and _page_count(response.content) == 1


def test_regenerate_from_the_detail_page(tenant, owner):
    product = make_product(owner)
    old = product.qr_token
    response = client_for(owner).post(reverse("products:qr_regenerate", args=[product.pk]))
    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).qr_token != old
