"""Test data of system, built through system.services: companies (as sign-up makes them) and log lines."""

from shouhou.core.testing import make_company


class SystemFactory:
    def __init__(self, actor):
        self.actor = actor

    @staticmethod
    def company(**values):
        """(tenant, owner) of a new company, made the way sign-up makes one."""
        return make_company(**values)

    def log(self, *, action, kind=None, detail=None):
        from shouhou.core.audit import SystemLog, log

        return log(kind or SystemLog.Kind.SETTINGS, user=self.actor, action=action, detail=detail)
