"""Who may read a part's files (core.files): its picture, to whoever may see parts."""

from shouhou.core import files

from . import queries


def _part_visible(user, owner_id):
    return str(owner_id).isdigit() and queries.parts(user).filter(pk=int(owner_id)).exists()


def register():
    files.register_owner("parts.part", _part_visible)
