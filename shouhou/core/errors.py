"""Errors a user can cause. Views, the API and importers turn them into messages in one place each."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, code=None, details=None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))

    def as_dict(self):
        return {"code": self.code, "message": str(self.message), "details": _stringify(self.details)}

    def first_message(self):
        """One line for a flash message: the first field error (a ValidationFailed), else the message."""
        for messages in self.details.values():
            if isinstance(messages, (list, tuple)) and messages:
                return str(messages[0])
        return str(self.message)


def _stringify(value):
    if isinstance(value, dict):
        return {str(k): _stringify(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_stringify(v) for v in value]
    return str(value) if value is not None and not isinstance(value, (int, float, bool)) else value


class ValidationFailed(DomainError):
    """Field errors: details maps field name -> list of messages."""

    code = "validation_error"
    default_message = _("Please correct the errors below.")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("The object does not exist or you cannot see it.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("The object has changed; reload it and try again.")


class QuotaExceeded(DomainError):
    code = "quota_exceeded"
    status = 400
    default_message = _("Your company's quota is used up.")


class SubscriptionExpired(DomainError):
    """The company's trial or subscription has expired: reads and exports work, writes do not
    (core.subscription decides which requests are writes)."""

    code = "subscription_expired"
    status = 403
    default_message = _("Your company's trial has expired. You can still sign in, read and export your data; "
                        "to change it again, ask your Shouhou provider to extend the subscription.")
