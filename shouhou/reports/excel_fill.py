"""Filling a company's Excel template (WOSET-R4) with openpyxl.

Cells hold placeholders (`{{order.number}}`, see fields.py). A row holding `{{part.*}}` or `{{service.*}}`
placeholders repeats once per fee line of that kind: rows are inserted under it and everything below moves
down as Excel would move it — merged cells, row heights, formulas (a reference below the row moves; a range
that ends on the repeating row grows over the new rows, so `=SUM(F10:F10)` under one part line becomes
`=SUM(F10:F12)` for three), the print area, the print titles and the workbook's defined names. Formulas in
the repeating row itself are copied row by row (`=D10*E10` → `=D11*E11`). Margins, page set-up and column
widths are not touched. Images and charts of the template are not kept (openpyxl does not read them;
WOSET-R4: attachments are not supported).
"""

import re
from copy import copy
from io import BytesIO

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.formula.translate import Translator
from openpyxl.worksheet.cell_range import CellRange

from .fields import REPEATING

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")
# A cell reference or range, with an optional sheet prefix; not a function name (LOG10( ) nor part of a name.
REF = re.compile(r"(?<![A-Za-z0-9_.$])((?:'[^']+'|[A-Za-z0-9_]+)!)?(\$?[A-Z]{1,3})(\$?)(\d+)"
                 r"(?::(\$?[A-Z]{1,3})(\$?)(\d+))?(?![A-Za-z0-9_(])")
MAX_LINES = 2000


def placeholders(workbook):
    """Every placeholder key the workbook's cells use."""
    found = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.update(PLACEHOLDER.findall(cell.value))
    return found


def open_template(data):
    return load_workbook(BytesIO(data))


def fill(data, values):
    """The template (bytes) filled with `values` (fields.values): an openpyxl Workbook."""
    workbook = open_template(data)
    for sheet in workbook.worksheets:
        for row, kind in sorted(_repeating_rows(sheet), reverse=True):
            lines = values.get("parts" if kind == "part" else "services", [])[:MAX_LINES]
            _repeat(workbook, sheet, row, kind, lines, values)
        for cells in sheet.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and "{{" in cell.value:
                    cell.value = _substitute(cell.value, values)
    workbook.calculation.fullCalcOnLoad = True  # Excel recomputes the formulas on opening
    return workbook


def to_bytes(workbook):
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _repeating_rows(sheet):
    rows = {}
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                for key in PLACEHOLDER.findall(cell.value):
                    prefix = key.split(".", 1)[0]
                    if prefix in REPEATING:
                        rows.setdefault(cell.row, prefix)
    return rows.items()


def _substitute(text, values, line=None, kind=None):
    """The text with its placeholders replaced; a cell that is one placeholder of a number gets the number."""
    def lookup(key):
        prefix, _dot, name = key.partition(".")
        if kind and prefix == kind:
            return (line or {}).get(name, "")
        if prefix in REPEATING:
            return ""  # a line key outside its repeating row
        value = values.get(key, "")
        return "" if isinstance(value, list) else value

    whole = PLACEHOLDER.fullmatch(text.strip())
    if whole:
        return lookup(whole.group(1))
    return PLACEHOLDER.sub(lambda m: str(lookup(m.group(1))), text)


def _repeat(workbook, sheet, row, kind, lines, values):
    """Make `row` a block of len(lines) rows (at least one, left blank when there are no lines)."""
    extra = max(len(lines) - 1, 0)
    if extra:
        _insert_after(workbook, sheet, row, extra)
    template = {cell.column: cell for cell in sheet[row]}
    height = sheet.row_dimensions[row].height
    row_merges = [r for r in sheet.merged_cells.ranges if r.min_row == r.max_row == row]
    for offset in range(1, extra + 1):
        target = row + offset
        for column, source in template.items():
            if isinstance(source, MergedCell):
                continue
            cell = sheet.cell(row=target, column=column)
            cell.value = source.value
            if isinstance(source.value, str) and source.value.startswith("="):
                cell.value = Translator(source.value, origin=source.coordinate).translate_formula(cell.coordinate)
            if source.has_style:
                cell._style = copy(source._style)
        if height is not None:
            sheet.row_dimensions[target].height = height
        for merged in row_merges:
            sheet.merge_cells(start_row=target, end_row=target, start_column=merged.min_col,
                              end_column=merged.max_col)
    for offset in range(extra + 1):
        line = lines[offset] if offset < len(lines) else {}
        for cell in sheet[row + offset]:
            if isinstance(cell.value, str) and "{{" in cell.value:
                cell.value = _substitute(cell.value, values, line, kind)


def _insert_after(workbook, sheet, row, count):
    merges = [CellRange(r.coord) for r in sheet.merged_cells.ranges]
    for merged in list(sheet.merged_cells.ranges):
        sheet.merged_cells.remove(merged)
    heights = {index: dim.height for index, dim in sheet.row_dimensions.items() if index > row}
    sheet.insert_rows(row + 1, count)
    for index in heights:
        sheet.row_dimensions[index].height = None
    for index, value in heights.items():
        sheet.row_dimensions[index + count].height = value
    for merged in merges:
        if merged.min_row > row:
            merged.shift(row_shift=count)
        elif merged.max_row > row:  # spans the repeating row and rows below it: grows with the block
            merged.expand(down=count)
        sheet.merge_cells(merged.coord)
    for other in workbook.worksheets:
        same = other is sheet
        for cells in other.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.value = shift_formula(cell.value, sheet.title, same, row, count)
    _shift_print_settings(sheet, row, count)
    for name in list(workbook.defined_names.values()):
        if name.attr_text:
            name.attr_text = shift_formula(name.attr_text, sheet.title, False, row, count)


def shift_formula(text, sheet_title, same_sheet, row, count):
    """`text` with its references to `sheet_title` moved for `count` rows inserted under `row`.

    References without a sheet prefix are to `sheet_title` when `same_sheet`. Text in quotes is left alone.
    """
    parts = text.split('"')
    for index in range(0, len(parts), 2):  # outside string literals
        parts[index] = REF.sub(lambda m: _shift_ref(m, sheet_title, same_sheet, row, count), parts[index])
    return '"'.join(parts)


def _shift_ref(match, sheet_title, same_sheet, row, count):
    prefix, col1, abs1, row1, col2, abs2, row2 = match.groups()
    named = (prefix or "").rstrip("!").strip("'")
    if (prefix and named != sheet_title) or (not prefix and not same_sheet):
        return match.group(0)
    first = int(row1)
    if row2 is None:
        moved = first + count if first > row else first
        return f"{prefix or ''}{col1}{abs1}{moved}"
    last = int(row2)
    first = first + count if first > row else first
    last = last + count if last >= row else last
    return f"{prefix or ''}{col1}{abs1}{first}:{col2}{abs2}{last}"


def _shift_print_settings(sheet, row, count):
    area = sheet.print_area
    if area:
        areas = area if isinstance(area, (list, tuple)) else area.split(",")
        moved = [shift_formula(a.split("!")[-1], sheet.title, True, row, count).replace("$", "") for a in areas]
        sheet.print_area = moved
    titles = sheet.print_title_rows
    if titles:
        first, _colon, last = titles.replace("$", "").partition(":")
        first, last = int(first), int(last or first)
        first = first + count if first > row else first
        last = last + count if last > row else last
        sheet.print_title_rows = f"{first}:{last}"

