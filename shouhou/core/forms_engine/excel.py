"""Excel columns of a schema: template headers, row parsing for imports, cells for exports."""

from dataclasses import dataclass

from shouhou.core.errors import ValidationFailed

from .definitions import as_parsed
from .kinds import FieldError
from .kinds.references import References
from .values import validate_values

REQUIRED_MARK = "*"


@dataclass
class ExcelColumn:
    key: str
    header: str
    definition: object


def excel_columns(schema, *, for_import=False):
    """One column per value field (imports skip files and signatures, which cells cannot carry)."""
    fields = as_parsed(schema).value_fields()
    return [ExcelColumn(f.key, f.label, f) for f in fields if f.impl.importable or not for_import]


def excel_headers(schema, *, for_import=False):
    return [column.header for column in excel_columns(schema, for_import=for_import)]


def _normalize_header(header):
    return str(header or "").strip().rstrip(REQUIRED_MARK).strip()


def parse_excel_row(schema, row, *, partial=False, previous=None, refs=None):
    """Cleaned values from one row {header: cell}; ValidationFailed with {key: [messages]}.

    Headers match a field's label (a trailing "*" is ignored) or its key; other headers (system
    columns) are left to the caller. Empty cells are empty values. With `partial=True` (batch
    update), only the columns present are validated.
    """
    parsed = as_parsed(schema)
    refs = refs or References()
    cells = {_normalize_header(header): cell for header, cell in row.items()}
    data, errors = {}, {}
    for column in excel_columns(parsed, for_import=True):
        field = column.definition
        header = column.header if column.header in cells else field.key if field.key in cells else None
        if header is None:
            continue
        cell = cells[header]
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            data[field.key] = None
            continue
        try:
            data[field.key] = field.impl.parse_cell(field, cell, refs)
        except FieldError as exc:
            errors[field.key] = exc.messages
    try:
        cleaned = validate_values(parsed, data, partial=partial, previous=previous)
    except ValidationFailed as exc:
        errors = {**exc.details, **errors}
        raise ValidationFailed(details=errors)
    if errors:
        raise ValidationFailed(details=errors)
    return cleaned


def export_cell(field, value, refs=None):
    """The cell for one stored value: numbers, dates and times stay typed; the rest is text."""
    if value is None or field.impl.is_empty(value):
        return None
    return field.impl.export_cell(field, value, refs or References())


def export_row(schema, values, *, refs=None):
    """Cells in `excel_columns` order; pass `refs=display_context(schema, page)` for many rows."""
    refs = refs or References()
    return [export_cell(column.definition, (values or {}).get(column.key), refs)
            for column in excel_columns(schema)]
