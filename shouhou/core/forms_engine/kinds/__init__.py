"""Every field kind of architecture §7, registered by name in `KINDS`."""

from . import choice, files, layout, numbers, places, references, temporal, text  # noqa: F401 (registers)
from .base import KINDS, FieldError, Kind, Rule

__all__ = ["KINDS", "FieldError", "Kind", "Rule"]
