"""Test data of core, built through its services: custom-field definitions (forms_engine.save_schema)."""

import itertools

_seq = itertools.count(1)


class CoreFactory:
    def __init__(self, actor):
        self.actor = actor

    def custom_field(self, target, *, permission, label=None, kind="text", **extra):
        """A custom field appended to `target`'s form ("customer", "product" …); returns the saved schema."""
        from shouhou.core.forms_engine import get_schema, save_schema

        n = next(_seq)
        field = {"label": label or f"测试字段{n}", "kind": kind, **extra}
        return save_schema(actor=self.actor, target=target, permission=permission,
                           fields=[*get_schema(target).fields, field])

    def import_job(self, importer_class, *, headers=(), rows=(), filename=None):
        """A data-import job of `importer_class` made from a workbook of `headers` and `rows`, as an upload
        makes one (its rows are checked at once: jobs run inline in tests). Files go to MEDIA_ROOT."""
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile

        from shouhou.core.excel import write_xlsx
        from shouhou.core.importer import start_import

        buffer = io.BytesIO()
        write_xlsx(buffer, list(headers), [list(row) for row in rows])
        upload = SimpleUploadedFile(filename or f"测试导入{next(_seq)}.xlsx", buffer.getvalue())
        return start_import(actor=self.actor, importer_class=importer_class, upload=upload)
