"""The survey link's token (architecture §17's walls for a public page): `<nonce>.<signature>`. The nonce
(128 random bits) is what the Survey row stores; the signature is an HMAC of it under SECRET_KEY, so a
copy of the table gives no working link, and a guessed or altered token is just "not found"."""

import re
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "shouhou.visits.survey"
TOKEN_RE = re.compile(r"^([A-Za-z0-9_-]{22})\.([0-9a-f]{20})$")


def new_nonce():
    return secrets.token_urlsafe(16)  # 22 characters


def _signature(nonce):
    return salted_hmac(SALT, nonce, algorithm="sha256").hexdigest()[:20]


def token_for(nonce):
    return f"{nonce}.{_signature(nonce)}"


def nonce_of(token):
    """The nonce of a well-formed, correctly signed token, else None."""
    match = TOKEN_RE.match(token or "")
    if match is None or not constant_time_compare(match.group(2), _signature(match.group(1))):
        return None
    return match.group(1)


def path_for(nonce):
    return f"/s/{token_for(nonce)}"
