"""Personal links carry an opaque token: an HMAC, under the site's secret key, of the event,
the address and a random nonce. Only the token's SHA-256 is stored (to find the invitation);
the token is computed again whenever a mail is built, and checked against its binding on use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from typing import Any

from core.settings import get_settings

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def token(event_id: int, email: str, nonce: str) -> str:
    """The personal token: bound to the event and the address, unguessable without the key."""
    key = get_settings().secret_key.encode()
    signed = f"hongshan-invitation\x00{event_id}\x00{email}\x00{nonce}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode("ascii")


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def token_of(invitation: dict[str, Any]) -> str:
    return token(invitation["event"], invitation["email"], invitation["token_nonce"])


def is_well_formed(value: str) -> bool:
    return bool(TOKEN_PATTERN.match(value))


def belongs_to(invitation: dict[str, Any], value: str) -> bool:
    """Whether `value` is still the token of this invitation's event and address."""
    return hmac.compare_digest(token_of(invitation), value)
