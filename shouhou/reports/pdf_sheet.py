"""A filled Excel template as PDF (上传自己的模板 exported as PDF, and printing with an uploaded template, R5).

Each worksheet's print area (the used range when none is set) is drawn as a table on A4 in the sheet's
orientation and margins: column widths and row heights from the sheet, merged cells spanned, cell borders,
solid fills, horizontal alignment, bold and size of the font, numbers in their cell's format (two places for
formats with decimals), formulas by their value (formulas.py). A sheet wider than the page is scaled down.
"""

from decimal import Decimal
from io import BytesIO

from openpyxl.utils import get_column_letter, range_boundaries
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from . import formulas
from .pdf_base import escape, style

POINTS_PER_WIDTH_UNIT = 5.6  # an Excel column-width unit (one "0" of Calibri 11) in points
DEFAULT_WIDTH = 8.43
MAX_CELLS = 20000
SIDES = (("left", "LINEBEFORE"), ("right", "LINEAFTER"), ("top", "LINEABOVE"), ("bottom", "LINEBELOW"))
WEIGHTS = {"thin": 0.5, "hair": 0.25, "dotted": 0.5, "dashed": 0.5, "medium": 1.0, "thick": 1.5, "double": 1.5}


def render(workbook, *, title=""):
    sheets = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    first = sheets[0]
    pagesize = landscape(A4) if first.page_setup.orientation == "landscape" else A4
    margins = first.page_margins
    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=pagesize, leftMargin=margins.left * 72, rightMargin=margins.right * 72,
                            topMargin=margins.top * 72, bottomMargin=margins.bottom * 72, title=title)
    story = []
    for index, sheet in enumerate(sheets):
        if index:
            story.append(PageBreak())
        story.append(_table(sheet, doc.width))
    doc.build(story)
    return out.getvalue()


def _bounds(sheet):
    area = sheet.print_area
    if area:
        first = (area[0] if isinstance(area, (list, tuple)) else area).split(",")[0]
        min_col, min_row, max_col, max_row = range_boundaries(first.split("!")[-1].replace("$", ""))
    else:
        min_col, min_row, max_col, max_row = 1, 1, max(sheet.max_column, 1), max(sheet.max_row, 1)
    if (max_row - min_row + 1) * (max_col - min_col + 1) > MAX_CELLS:
        max_row = min_row + MAX_CELLS // (max_col - min_col + 1) - 1
    return min_col, min_row, max_col, max_row


def _table(sheet, page_width):
    min_col, min_row, max_col, max_row = _bounds(sheet)
    widths = []
    for column in range(min_col, max_col + 1):
        dimension = sheet.column_dimensions.get(get_column_letter(column))
        hidden = dimension is not None and dimension.hidden
        width = (dimension.width if dimension is not None and dimension.width else DEFAULT_WIDTH)
        widths.append(0.1 if hidden else width * POINTS_PER_WIDTH_UNIT)
    scale = min(1.0, page_width / sum(widths))
    widths = [w * scale for w in widths]
    heights, data, commands = [], [], [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                                       ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    for row in range(min_row, max_row + 1):
        dimension = sheet.row_dimensions.get(row)
        height = dimension.height if dimension is not None else None
        heights.append(height * scale if height else None)
        line = []
        for column in range(min_col, max_col + 1):
            cell = sheet.cell(row=row, column=column)
            x, y = column - min_col, row - min_row
            line.append(_content(sheet, cell, scale))
            commands += _cell_commands(cell, x, y)
        data.append(line)
    for merged in sheet.merged_cells.ranges:
        c1, r1, c2, r2 = merged.min_col, merged.min_row, merged.max_col, merged.max_row
        if c1 >= min_col and r1 >= min_row and c2 <= max_col and r2 <= max_row:
            commands.append(("SPAN", (c1 - min_col, r1 - min_row), (c2 - min_col, r2 - min_row)))
    table = Table(data, colWidths=widths, rowHeights=heights, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def _content(sheet, cell, scale):
    value = cell.value
    if value is None or value == "":
        return ""
    if isinstance(value, str) and value.startswith("="):
        value = formulas.evaluate(sheet, value)
        if value is None:
            return ""
    text = _format(value, cell.number_format)
    font = cell.font
    size = max(6.0, float(font.sz or 11) * scale * 0.9)
    align = {"center": "center", "centerContinuous": "center", "right": "right"}.get(
        cell.alignment.horizontal or "", "right" if isinstance(value, (int, float, Decimal)) else "left")
    color = colors.black
    if font.color is not None and font.color.type == "rgb" and isinstance(font.color.rgb, str):
        color = colors.HexColor("#" + font.color.rgb[-6:])
    return Paragraph(escape(text), style(size, align=align, bold=bool(font.b), color=color))


def _format(value, number_format):
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if "0.00" in (number_format or ""):
            return f"{number:,.2f}" if "," in number_format else f"{number:.2f}"
        if number == number.to_integral_value():
            return f"{number:.0f}"
        return f"{number.normalize():f}"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if getattr(value, "hour", 0) or getattr(value, "minute", 0) \
            else value.strftime("%Y-%m-%d")
    return str(value)


def _cell_commands(cell, x, y):
    commands = []
    border = cell.border
    for side_name, command in SIDES:
        side = getattr(border, side_name)
        if side is not None and side.style:
            commands.append((command, (x, y), (x, y), WEIGHTS.get(side.style, 0.5), colors.black))
    fill = cell.fill
    if fill is not None and fill.fill_type == "solid" and fill.fgColor is not None and fill.fgColor.type == "rgb":
        rgb = fill.fgColor.rgb
        if isinstance(rgb, str):
            commands.append(("BACKGROUND", (x, y), (x, y), colors.HexColor("#" + rgb[-6:])))
    return commands

