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
