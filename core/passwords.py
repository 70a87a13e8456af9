"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from core.i18n import gettext
from core.settings import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 256  # argon2 hashes anything, but a megabyte "password" is an attack, not a secret

# argon2id, m = 19 MiB, t = 2, p = 1: OWASP's minimum recommendation.
_OWASP = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_HASHERS = {"owasp": _OWASP, "cheapest": PasswordHasher.from_parameters(profiles.CHEAPEST)}


@cache
def _hasher() -> PasswordHasher:
    """The configured parameters (HONGSHAN_PASSWORD_HASHING); unknown names are an error."""
    return _HASHERS[get_settings().password_hashing]


@cache
def _dummy_hash() -> str:
    """Hash of a random password, verified against when no account matches, so a missing
    account takes as long to refuse as a wrong password."""
    return _hasher().hash("hongshan-no-such-account-placeholder")


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords from leaked-password corpora (shipped with zxcvbn)."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash or _dummy_hash(), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password may not be used, in the reader's language; None when it is fine."""
    if len(password) < MIN_LENGTH:
        return gettext("Use at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return gettext("Use at most %(num)d characters.", num=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return gettext("This password is too common; choose one that is harder to guess.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        return gettext("The password must not contain your e-mail address.")
    return None
