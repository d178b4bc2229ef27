"""Excel export and import helpers (openpyxl, streaming for large files)."""

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1677FF")
# What openpyxl cannot write (C0 controls but tab/LF/CR) is shown as U+FFFD, the usual mark of an
# unrepresentable character: data stored before such text was refused must never break an export.
REPLACEMENT_CHARACTER = "\ufffd"


def write_xlsx(path_or_file, headers, rows, sheet_title="Sheet1"):
    """Stream `rows` into an .xlsx file with a styled header row. Returns the number of data rows."""
    return write_workbook(path_or_file, [(sheet_title, headers, rows)])[0]


def write_workbook(path_or_file, sheets):
    """Write several sheets, each `(title, headers, rows)`, streaming. Returns the row count of each.

    Every export goes through here, so this is the one place text is made writable (`excel_safe`).
    """
    workbook = Workbook(write_only=True)
    counts = []
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=excel_safe(str(title))[:31])
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=excel_safe(str(header)))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            header_cells.append(cell)
        sheet.append(header_cells)
        count = 0
        for row in rows:
            sheet.append([excel_safe(value) for value in row])
            count += 1
        counts.append(count)
    workbook.save(path_or_file)
    return counts


def excel_safe(value):
    """`value` with the characters openpyxl refuses replaced; other values unchanged."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(REPLACEMENT_CHARACTER, value)
    return value


def xlsx_response(headers, rows, filename, sheet_title="Sheet1"):
    """An .xlsx download built in a temporary file (memory stays flat for big exports)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    count = write_xlsx(handle, headers, rows, sheet_title)
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.row_count = count
    return response


def export_list(request, listing):
    """Export a standard list's current view and write the import/export log (SYS-13)."""
    from .errors import PermissionDenied
    from .permissions import has_perm

    if not listing.export_perm or not has_perm(request.user, listing.export_perm):
        raise PermissionDenied()
    headers, rows = listing.export_rows()
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    response = xlsx_response(headers, rows, f"{listing.key}-{stamp}.xlsx", str(listing.title))
    from shouhou.core.audit import SystemLog, log

    log(SystemLog.Kind.IMPORT_EXPORT, user=request.user, request=request,
        action=_("Exported %(title)s (%(n)s rows)") % {"title": listing.title, "n": response.row_count},
        detail={"list": listing.key, "rows": response.row_count, "query": listing.querystring()})
    return response


def read_rows(file, max_rows=200_000):
    """Yield (row_number, {header: value}) from the first sheet of an uploaded .xlsx (read-only mode)."""
    headers, rows = read_table(file, max_rows)
    for index, values in rows:
        yield index, {h: v for h, v in zip(headers, values, strict=False) if h}


def read_table(file, max_rows=200_000):
    """(headers, iterator of (row_number, [values])) of the first sheet; blank rows are skipped.

    Headers lose surrounding spaces and a trailing "*" (the required-column mark of our templates).
    Raises ValidationFailed for a file that is not an .xlsx and, while iterating, for too many rows.
    """
    from .errors import ValidationFailed

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        raise ValidationFailed(_("The file is not a valid Excel (.xlsx) file."),
                               details={"file": [_("The file is not a valid Excel (.xlsx) file.")]})
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    first = next(rows, None)
    if first is None:
        workbook.close()
        return [], iter(())
    headers = [str(h).strip().rstrip("*").strip() if h is not None else "" for h in first]

    def data():
        try:
            for index, values in enumerate(rows, start=2):
                if index - 1 > max_rows:
                    raise ValidationFailed(_("The file has too many rows (at most %(n)s).") % {"n": max_rows})
                if values is None or all(v is None or str(v).strip() == "" for v in values):
                    continue
                yield index, [_clean(v) for v in values]
        finally:
            workbook.close()

    return headers, data()


def _clean(value):
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
