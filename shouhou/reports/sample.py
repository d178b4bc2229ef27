"""The field dictionary as a workbook (字段字典, WOSET-R4 step 2) with a sample template on its first sheet:
a company starts from it, lays out its own report in Excel and uploads it (the demo uploads it as is)."""

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from . import fields

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F4F7")


def dictionary_workbook(order_type, *, with_sample=True):
    workbook = Workbook()
    sheet = workbook.active
    if with_sample:
        _sample(sheet, order_type)
        sheet = workbook.create_sheet(_("Field dictionary"))
    else:
        sheet.title = _("Field dictionary")
    sheet.append([_("Write a key in a cell between double braces: {{key}}. Keys of parts and services make "
                    "their row repeat once per line.")])
    sheet.append([_("Section"), _("Field"), _("Key")])
    for cell in sheet[2]:
        cell.font, cell.fill = Font(bold=True), HEAD_FILL
    for entry in fields.dictionary(order_type):
        sheet.append([entry.section, entry.label, entry.key])
    for letter, width in (("A", 22), ("B", 28), ("C", 34)):
        sheet.column_dimensions[letter].width = width
    return _bytes(workbook)


def sample_template(order_type):
    """The sample report template alone (what the demo uploads)."""
    workbook = Workbook()
    _sample(workbook.active, order_type)
    return _bytes(workbook)


def _bytes(workbook):
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sample(sheet, order_type):
    sheet.title = _("Report template")
    widths = {"A": 12, "B": 20, "C": 12, "D": 10, "E": 12, "F": 14}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    sheet["A1"] = "{{company.name}}"
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.merge_cells("A1:F1")
    sheet["A2"] = _("Service report") + " {{order.number}}"
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.merge_cells("A2:F2")
    pairs = [(_("Customer"), "{{customer.name}}", _("Contact"), "{{order.contact}} {{order.phone}}"),
             (_("Address"), "{{order.address}}", _("Product"), "{{product.name}}"),
             (_("Assignee"), "{{order.assignee}}", _("Completed at"), "{{order.finished_at}}"),
             (_("Receipt content"), "{{receipt.content}}", "", "")]
    row = 4
    for label1, key1, label2, key2 in pairs:
        sheet.cell(row=row, column=1, value=label1)
        sheet.cell(row=row, column=2, value=key1)
        sheet.cell(row=row, column=4, value=label2 or None)
        sheet.cell(row=row, column=5, value=key2 or None)
        if label2:
            sheet.merge_cells(start_row=row, end_row=row, start_column=2, end_column=3)
            sheet.merge_cells(start_row=row, end_row=row, start_column=5, end_column=6)
        else:
            sheet.merge_cells(start_row=row, end_row=row, start_column=2, end_column=6)
        row += 1
    row += 1
    head = [_("Number"), _("Name"), _("Unit"), _("Quantity"), _("Unit price"), _("Amount")]
    for kind_label, prefix in ((_("Parts"), "part"), (_("Services"), "service")):
        sheet.cell(row=row, column=1, value=kind_label).font = Font(bold=True)
        row += 1
        for column, text in enumerate(head, start=1):
            cell = sheet.cell(row=row, column=column, value=text)
            cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
        row += 1
        keys = ["number", "name", "unit", "quantity", "unit_price"]
        for column, key in enumerate(keys, start=1):
            sheet.cell(row=row, column=column, value=f"{{{{{prefix}.{key}}}}}").border = BOX
        line = row
        amount = sheet.cell(row=row, column=6, value=f"=D{row}*E{row}")
        amount.border, amount.number_format = BOX, "#,##0.00"
        row += 1
        sheet.cell(row=row, column=5, value=_("Subtotal")).border = BOX
        total = sheet.cell(row=row, column=6, value=f"=SUM(F{line}:F{line})")
        total.border, total.number_format, total.font = BOX, "#,##0.00", Font(bold=True)
        row += 2
    sheet.cell(row=row, column=5, value=_("Total fees")).font = Font(bold=True)
    sheet.cell(row=row, column=6, value="{{fees.total}}").number_format = "#,##0.00"
    row += 2
    sheet.cell(row=row, column=1, value=_("Customer signature"))
    sheet.cell(row=row, column=4, value=_("Report date"))
    sheet.cell(row=row, column=5, value="{{report.date}}")
    sheet.print_area = f"A1:F{row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
