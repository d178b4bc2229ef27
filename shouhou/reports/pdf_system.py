"""The system template (使用系统模板, WOSET-R3): a clean A4 service report — the company's header and logo,
the chosen order fields, custom fields, the receipt, parts and services with totals, photos, the
customer's signature and a QR code to the satisfaction survey when the visits module provides one."""

from io import BytesIO

import segno
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from shouhou.core.numbers import format_amount

from . import fields
from .pdf_base import FONT, GREY, HEAD, LINE, escape, fitted_image, image_bytes, style

WIDTH = A4[0] - 36 * mm
PHOTOS_MAX = 12
LABEL = 30 * mm


def render(*, order, values, chosen, logo=None, footer="", survey_link="", title=None):
    """The PDF (bytes). `chosen`: the keys to show (fields.choosable); empty = all."""
    wanted = set(chosen or [key for key, _label in fields.choosable(order.order_type)])
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=title or _("Service report %(number)s") % {"number": order.number},
                            author=values.get("company.name", ""))
    story = _header(order, values, logo, title)
    labels = {entry.key: entry.label for entry in fields.dictionary(order.order_type)}
    shown = wanted - {"company.name"}  # the header shows the company
    if "block.fees" in wanted and (values["parts"] or values["services"]):
        shown -= {key for key, _label in fields.SYSTEM_FIELDS if key.startswith("fees.")}  # the table has them
    for section, keys in _sections(labels, shown):
        rows = [(labels[key], values.get(key, "")) for key in keys]
        rows = [(label, value) for label, value in rows if value not in ("", None)]
        if rows:
            story += [_heading(section), _pairs(rows)]
    if "block.fees" in wanted and (values["parts"] or values["services"]):
        story += [_heading(_("Parts and services")), _fees_table(values)]
    receipt = fields.receipt_of(order)
    if "block.photos" in wanted and receipt is not None:
        story += _photos(receipt.attachments)
    tail = []
    if "block.signature" in wanted and receipt is not None:
        tail.append(_signature(receipt.signature))
    if "block.survey" in wanted and survey_link:
        tail.append(_survey(survey_link))
    if tail:
        story += [Spacer(1, 6 * mm), Table([tail], colWidths=[WIDTH / len(tail)] * len(tail),
                                           style=[("VALIGN", (0, 0), (-1, -1), "TOP")])]
    doc.build(story, onFirstPage=_footer(footer), onLaterPages=_footer(footer))
    return out.getvalue()


def _header(order, values, logo, title):
    name = Paragraph(escape(values.get("company.name", "")), style(15, bold=True))
    heading = Paragraph(escape(title or _("Service report")), style(12, align="right"))
    number = Paragraph(escape(f"{_('Work-order number')}：{order.number}"), style(9, align="right", color=GREY))
    row, widths = [name, [heading, number]], [None, 62 * mm]
    if logo:
        row, widths = [fitted_image(logo, 30 * mm, 14 * mm), *row], [34 * mm, *widths]
    table = Table([row], colWidths=widths)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LINEBELOW", (0, 0), (-1, 0), 1.2, LINE),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [table, Spacer(1, 4 * mm)]


def _sections(labels, wanted):
    groups = [(_("Work order"), [k for k, _l in fields.SYSTEM_FIELDS if not k.startswith(("receipt.", "fees."))]),
              (_("Custom fields"), [k for k in labels if k.startswith("cf.")]),
              (_("Receipt"), ["receipt.content", *[k for k in labels if k.startswith("receipt.") and k != "receipt.content"]]),
              (_("Fees"), [k for k, _l in fields.SYSTEM_FIELDS if k.startswith("fees.")])]
    return [(title, [k for k in keys if k in wanted and k in labels]) for title, keys in groups]


def _heading(text):
    return Table([[Paragraph(escape(text), style(11, bold=True))]], colWidths=[WIDTH],
                 style=[("BACKGROUND", (0, 0), (-1, -1), HEAD), ("TOPPADDING", (0, 0), (-1, -1), 3),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 3)], spaceBefore=8, spaceAfter=2)


def _text(value):
    return format_amount(value) if hasattr(value, "quantize") else str(value)


def _pairs(rows):
    """Label/value pairs two to a line; long values take the whole line."""
    label_style, value_style = style(9, color=GREY), style(9.5)
    cells, line = [], []
    for label, value in rows:
        text = _text(value)
        pair = [Paragraph(escape(label), label_style), Paragraph(escape(text), value_style)]
        if len(text) > 24 or "\n" in text:
            if line:
                cells.append(line + ["", ""])
                line = []
            cells.append(pair + ["", ""])
            continue
        line += pair
        if len(line) == 4:
            cells.append(line)
            line = []
    if line:
        cells.append(line + ["", ""])
    table = Table(cells, colWidths=[LABEL, WIDTH / 2 - LABEL, LABEL, WIDTH / 2 - LABEL])
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE)]
    commands += [("SPAN", (1, i), (3, i)) for i, row in enumerate(cells) if row[2] == "" and row[3] == ""]
    table.setStyle(TableStyle(commands))
    return table


def _fees_table(values):
    head = [_("Kind"), _("Name"), _("Quantity"), _("Unit price"), _("Discount (%)"), _("Amount")]
    cell = style(9)
    right = style(9, align="right")
    rows = [[Paragraph(escape(text), style(9, bold=True)) for text in head]]
    for kind, lines in ((_("Part"), values["parts"]), (_("Service item"), values["services"])):
        for line in lines:
            rows.append([Paragraph(escape(kind), cell), Paragraph(escape(line["name"]), cell),
                         Paragraph(escape(f"{line['quantity'].normalize():f} {line['unit']}".strip()), right),
                         Paragraph(format_amount(line["unit_price"]), right),
                         Paragraph(f"{line['discount'].normalize():f}", right),
                         Paragraph(format_amount(line["amount"]), right)])
    for label, key in ((_("Parts total"), "fees.parts_total"), (_("Services total"), "fees.services_total"),
                       (_("Total fees"), "fees.total")):
        rows.append(["", Paragraph(escape(label), style(9, bold=key == "fees.total")), "", "", "",
                     Paragraph(format_amount(values[key]), style(9, align="right", bold=key == "fees.total"))])
    table = Table(rows, colWidths=[16 * mm, None, 24 * mm, 26 * mm, 20 * mm, 28 * mm], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -4), 0.3, LINE),
                               ("BACKGROUND", (0, 0), (-1, 0), HEAD), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LINEABOVE", (0, -3), (-1, -3), 0.8, GREY)]))
    return table


def _photos(attachments):
    images = [data for data in (image_bytes(ref) for ref in (attachments or [])[:PHOTOS_MAX]) if data]
    if not images:
        return []
    cells = [fitted_image(data, WIDTH / 3 - 4 * mm, 55 * mm) for data in images]
    rows = [cells[i:i + 3] + [""] * (3 - len(cells[i:i + 3])) for i in range(0, len(cells), 3)]
    return [_heading(_("Photos")), Table(rows, colWidths=[WIDTH / 3] * 3,
                                         style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                                ("ALIGN", (0, 0), (-1, -1), "CENTER")])]


def _signature(signature):
    data = image_bytes(signature)
    picture = fitted_image(data, 60 * mm, 28 * mm) if data else Paragraph("—", style(10))
    return [Paragraph(escape(_("Customer signature")), style(9, color=GREY)), picture]


def _survey(link):
    png = BytesIO()
    segno.make(link, error="m").save(png, kind="png", scale=4, border=2)
    png.seek(0)
    return [Paragraph(escape(_("Scan to rate our service")), style(9, color=GREY)),
            Image(png, width=28 * mm, height=28 * mm)]


def _footer(text):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        if text:
            canvas.drawString(doc.leftMargin, 9 * mm, text[:120])
        canvas.drawRightString(A4[0] - doc.rightMargin, 9 * mm, str(doc.page))
        canvas.restoreState()
    return draw
