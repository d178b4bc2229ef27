"""Filling an Excel template (no database): repeating rows with formulas and merged cells below them, the
print area, print titles, margins and row heights after the insertion; the formula evaluator; the PDF of a
filled sheet."""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from shouhou.reports import excel_fill, formulas, pdf_sheet

from .conftest import pdf_text


def template():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "报告"
    sheet["A1"] = "服务报告 {{order.number}}"
    sheet.merge_cells("A1:F1")
    sheet["A2"] = "客户"
    sheet["B2"] = "{{customer.name}}"
    sheet.merge_cells("B2:F2")
    sheet.append(["名称", None, None, "数量", "单价", "金额"])  # row 3
    sheet["A4"], sheet["D4"], sheet["E4"], sheet["F4"] = "{{part.name}}", "{{part.quantity}}", "{{part.unit_price}}", "=D4*E4"
    sheet.merge_cells("A4:C4")
    sheet["A5"], sheet["F5"] = "备件小计", "=SUM(F4:F4)"
    sheet.merge_cells("A5:E5")
    sheet["A6"], sheet["D6"], sheet["F6"] = "{{service.name}}", "{{service.quantity}}", "{{service.amount}}"
    sheet["A7"], sheet["F7"] = "合计", "=F5+SUM(F6:F6)"
    sheet["A8"] = "客户签字"
    sheet.merge_cells("A8:F9")  # a two-row merge below both blocks
    sheet["F10"] = "=$F$7*2"
    sheet.row_dimensions[8].height = 42
    sheet.row_dimensions[4].height = 20
    sheet.print_area = "A1:F10"
    sheet.print_title_rows = "3:3"
    sheet.page_margins.left, sheet.page_margins.top = 0.3, 0.6
    sheet.page_setup.orientation = "landscape"
    other = workbook.create_sheet("汇总")
    other["A1"] = "='报告'!F7"
    workbook.defined_names["合计单元格"] = DefinedName("合计单元格", attr_text="'报告'!$F$7")
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def values(parts=3, services=2):
    return {
        "order.number": "GD-0001", "customer.name": "甲公司",
        "parts": [{"name": f"备件{i}", "quantity": Decimal(i), "unit_price": Decimal("10.50")} for i in range(1, parts + 1)],
        "services": [{"name": f"服务{i}", "quantity": Decimal(1), "amount": Decimal(80)} for i in range(1, services + 1)],
    }


def reloaded(workbook):
    return load_workbook(BytesIO(excel_fill.to_bytes(workbook)))


def test_repeating_rows_keep_formulas_merges_print_area_and_margins():
    workbook = reloaded(excel_fill.fill(template(), values()))
    sheet = workbook["报告"]
    # three part rows (4–6), the subtotal moved to 7, two service rows (8–9), the total to 10 …
    assert [sheet.cell(row=r, column=1).value for r in range(1, 14)] == [
        "服务报告 GD-0001", "客户", "名称", "备件1", "备件2", "备件3", "备件小计", "服务1", "服务2", "合计", "客户签字",
        None, None]
    assert sheet["B2"].value == "甲公司"
    assert [sheet.cell(row=r, column=4).value for r in (4, 5, 6)] == [1, 2, 3]
    # … formulas of the repeating row copied row by row, the ranges grown, references below moved
    assert [sheet.cell(row=r, column=6).value for r in (4, 5, 6)] == ["=D4*E4", "=D5*E5", "=D6*E6"]
    assert sheet["F7"].value == "=SUM(F4:F6)"
    assert [sheet["F8"].value, sheet["F9"].value] == [80, 80]
    assert sheet["F10"].value == "=F7+SUM(F8:F9)"
    assert sheet["F13"].value == "=$F$10*2"
    # merged cells: those of the repeating row on every copy, those below moved (the two-row one too)
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    assert merged == sorted(["A1:F1", "B2:F2", "A4:C4", "A5:C5", "A6:C6", "A7:E7", "A11:F12"])
    # row heights follow their rows; print area, titles, margins, orientation, other sheets, defined names
    assert sheet.row_dimensions[11].height == 42 and sheet.row_dimensions[8].height is None
    assert [sheet.row_dimensions[r].height for r in (4, 5, 6)] == [20, 20, 20]
    assert sheet.print_area == "'报告'!$A$1:$F$13"
    assert sheet.print_title_rows == "$3:$3"
    assert (sheet.page_margins.left, sheet.page_margins.top) == (0.3, 0.6)
    assert sheet.page_setup.orientation == "landscape"
    assert workbook["汇总"]["A1"].value == "='报告'!F10"
    assert workbook.defined_names["合计单元格"].attr_text == "'报告'!$F$10"


def test_no_lines_leave_the_row_blank_and_nothing_moves():
    sheet = reloaded(excel_fill.fill(template(), values(parts=0, services=0)))["报告"]
    assert sheet["A4"].value is None and sheet["A5"].value == "备件小计" and sheet["F5"].value == "=SUM(F4:F4)"
    assert sheet.print_area == "'报告'!$A$1:$F$10"


def test_one_line_fills_the_row_in_place():
    sheet = reloaded(excel_fill.fill(template(), values(parts=1, services=1)))["报告"]
    assert sheet["A4"].value == "备件1" and sheet["A5"].value == "备件小计" and sheet["F7"].value == "=F5+SUM(F6:F6)"


def test_placeholders_in_text_and_unknown_line_keys_outside_their_row():
    workbook = Workbook()
    workbook.active["A1"] = "单号：{{order.number}}，客户：{{customer.name}}"
    workbook.active["A2"] = "{{part.name}}"
    workbook.active["B3"] = "{{fees.total}}"
    out = BytesIO()
    workbook.save(out)
    sheet = excel_fill.fill(out.getvalue(), {**values(parts=1), "fees.total": Decimal("12.50")}).active
    assert sheet["A1"].value == "单号：GD-0001，客户：甲公司"
    assert sheet["A2"].value == "备件1" and sheet["B3"].value == Decimal("12.50")


def test_shift_formula_leaves_strings_functions_and_other_sheets_alone():
    shift = excel_fill.shift_formula
    assert shift('=IF(A5>0,"A5 ok",LOG10(B9))', "S", True, 4, 2) == '=IF(A7>0,"A5 ok",LOG10(B11))'
    assert shift("=Other!A9+A9", "S", True, 4, 2) == "=Other!A9+A11"
    assert shift("=A1:B3+C4", "S", True, 4, 2) == "=A1:B3+C4"
    assert shift("=SUM(A2:A4)", "S", True, 4, 2) == "=SUM(A2:A6)"


def test_formula_values_for_the_pdf():
    workbook = excel_fill.fill(template(), values())
    sheet = workbook["报告"]
    assert formulas.evaluate(sheet, sheet["F7"].value) == Decimal("63.00")  # 10.5 × (1 + 2 + 3)
    assert formulas.evaluate(sheet, sheet["F10"].value) == Decimal("223.00")
    assert formulas.evaluate(sheet, "=ROUND(F10/3,2)") == Decimal("74.33")
    assert formulas.evaluate(sheet, "=VLOOKUP(1,A1:B2,2)") is None  # unknown: shown empty, never wrong


def test_pdf_of_the_filled_sheet_has_the_chinese_text_and_computed_totals():
    text = pdf_text(pdf_sheet.render(excel_fill.fill(template(), values()), title="GD-0001"))
    for expected in ("服务报告 GD-0001", "甲公司", "备件3", "服务2", "63", "223", "客户签字"):
        assert expected in text, expected
