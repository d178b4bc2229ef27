from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from .models import User
from .sessions import user_loaded_with_session


def find_login_user(username):
    """The user whose phone, e-mail or account is `username` (case-insensitive e-mail)."""
    username = (username or "").strip()
    if not username:
        return None
    return (
        User.objects.select_related("tenant")
        .filter(Q(phone=username) | Q(email__iexact=username) | Q(account=username))
        .first()
    )


class PhoneOrEmailBackend(ModelBackend):
    """Log in with mobile phone or e-mail. Lockout is enforced by accounts.services.login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_login_user(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user) and user.tenant.is_active:
            return user
        return None

    def get_user(self, user_id):
        """The session's user: the one its read already loaded (accounts.sessions), or read now."""
        user = user_loaded_with_session(user_id)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        user = User.objects.select_related("tenant", "work_status").filter(pk=user_id).first()
        return user if user and self.user_can_authenticate(user) else None
