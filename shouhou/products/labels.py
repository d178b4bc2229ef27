"""Product QR codes (PRD-08): segno images and printable label sheets (WeasyPrint PDF).

A code encodes the product's public address `<site>/q/<token>`. A sheet is A4 with a grid of
labels (company short name, product name, number, QR code); the single label of a product's detail
page is one label-sized page, for label printers.
"""

import io
import logging
from dataclasses import dataclass
from itertools import batched

import segno
from django.template.loader import render_to_string

COLUMNS, ROWS = 3, 7
LABELS_PER_PAGE = COLUMNS * ROWS
LABEL_WIDTH_MM, LABEL_HEIGHT_MM = 63.5, 38.1  # the common 3 × 7 A4 label stock
MAX_LABELS = 500  # one request renders at most this many (24 pages, a few seconds)
FONT = "Noto Sans CJK SC"

# WeasyPrint logs every layout step at INFO; one label download would fill the server log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def qr_code(url):
    # "M" recovers from about 15% damage; segno raises the level further when the size allows
    return segno.make(url, error="m")


def qr_png(url, scale=10):
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def qr_svg(url, scale=4):
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True)
    return buffer.getvalue()


@dataclass
class Label:
    company: str
    name: str
    number: str
    serial_number: str
    qr: str  # data URI of the PNG


def company_label_name(tenant):
    return tenant.short_name or tenant.name


def labels_for(products, *, company, url_for):
    """One Label per product, in the given order; `url_for(product)` gives the address to encode."""
    return [Label(company, product.name, product.number, product.serial_number,
                  qr_code(url_for(product)).png_data_uri(scale=6, border=1))
            for product in products]


def sheet_html(labels, *, single=False):
    """The HTML WeasyPrint renders: pages of COLUMNS × ROWS labels, or one label-sized page.

    Labels are placed absolutely on each page: WeasyPrint lays that out many times faster than flex
    or grid, and a label never moves with its neighbours' text.
    """
    pages = [list(page) for page in batched(labels, LABELS_PER_PAGE)] if not single else [labels[:1]]
    placed = [[_place(label, index) for index, label in enumerate(page)] for page in pages]
    return render_to_string("products/labels.html", {
        "pages": placed, "single": single, "font": FONT, "width": LABEL_WIDTH_MM, "height": LABEL_HEIGHT_MM,
        "page_height": LABEL_HEIGHT_MM * ROWS})


def _place(label, index):
    row, column = divmod(index, COLUMNS)
    return {"label": label, "left": f"{column * LABEL_WIDTH_MM:.2f}mm", "top": f"{row * LABEL_HEIGHT_MM:.2f}mm"}


def label_pdf(products, *, company, url_for, single=False):
    """The PDF bytes of a label sheet (or of one label with `single`)."""
    from weasyprint import HTML  # heavy import; only label downloads need it

    html = sheet_html(labels_for(products, company=company, url_for=url_for), single=single)
    return HTML(string=html).write_pdf()
