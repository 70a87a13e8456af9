"""Passport data at rest: sealing and opening passport numbers, dates of birth and visa-letter
files, a keyed fingerprint that finds the same passport twice without decrypting anything, and
the masked forms everyone but the foreign-affairs office sees.

Values are sealed with AES-256-GCM under a key derived (HKDF-SHA256) from
`HONGSHAN_PASSPORT_KEY`, or from the secret key when that is unset. A sealed value names its
key (`<key id>.<nonce + ciphertext>`), so setting a dedicated key later leaves values sealed
under the secret key readable. The field name is bound in as associated data: a ciphertext
copied from one field into another does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.settings import get_settings

NONCE_BYTES = 12
_SEAL_INFO = b"hongshan passport data: AES-256-GCM v1"
_INDEX_INFO = b"hongshan passport fingerprint: HMAC-SHA256 v1"
_PASSPORT_CHARS = re.compile(r"[\s\-./]+")
MASK = "•"


class UnreadableData(Exception):
    """A sealed value that no configured key opens (a lost or changed key, or tampering)."""


@dataclass(frozen=True)
class _Key:
    kid: str
    seal: bytes
    index: bytes


def _derive(material: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        material.encode()
    )


@cache
def _key_from(material: str) -> _Key:
    seal = _derive(material, _SEAL_INFO)
    kid = hashlib.sha256(b"kid:" + seal).hexdigest()[:8]
    return _Key(kid=kid, seal=seal, index=_derive(material, _INDEX_INFO))


def _current() -> _Key:
    settings = get_settings()
    return _key_from(settings.passport_key or settings.secret_key)


def _keyring() -> dict[str, _Key]:
    settings = get_settings()
    keys = [_key_from(settings.secret_key)]
    if settings.passport_key:
        keys.insert(0, _key_from(settings.passport_key))
    return {key.kid: key for key in keys}


def seal_bytes(data: bytes, field: str) -> bytes:
    key = _current()
    nonce = os.urandom(NONCE_BYTES)
    return key.kid.encode() + b"." + nonce + AESGCM(key.seal).encrypt(nonce, data, field.encode())


def open_bytes(sealed: bytes, field: str) -> bytes:
    kid, dot, body = sealed.partition(b".")
    key = _keyring().get(kid.decode("ascii", "replace"))
    if not dot or key is None or len(body) <= NONCE_BYTES:
        raise UnreadableData(field)
    try:
        return AESGCM(key.seal).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], field.encode())
    except InvalidTag as error:
        raise UnreadableData(field) from error


def seal(value: str, field: str) -> str:
    """Text sealed for a text column; "" stays "" (nothing to hide)."""
    if not value:
        return ""
    sealed = seal_bytes(value.encode(), field)
    kid, _dot, body = sealed.partition(b".")
    return f"{kid.decode()}.{base64.urlsafe_b64encode(body).decode()}"


def unseal(token: str, field: str) -> str:
    if not token:
        return ""
    kid, dot, body = token.partition(".")
    if not dot:
        raise UnreadableData(field)
    try:
        raw = base64.urlsafe_b64decode(body.encode())
    except ValueError as error:
        raise UnreadableData(field) from error
    return open_bytes(kid.encode() + b"." + raw, field).decode()


def normalize_passport(raw: str) -> str:
    """A passport number as the machine-readable zone prints it: capitals and digits only."""
    return _PASSPORT_CHARS.sub("", raw).upper()


def fingerprint(event_id: int, number: str) -> str:
    """`<event>:<HMAC>` of the normalized number: equal for the same passport in one event,
    unrelated across events, and useless without the key (no dictionary of numbers)."""
    digest = hmac.new(
        _current().index, f"{event_id}:{normalize_passport(number)}".encode(), hashlib.sha256
    ).hexdigest()
    return f"{event_id}:{digest}"


def mask_passport(number: str) -> str:
    """Only the last three characters show: enough for its owner to recognise it."""
    if not number:
        return ""
    shown = number[-3:] if len(number) > 5 else ""
    return MASK * max(len(number) - len(shown), 4) + shown


def mask_birth_date(iso_date: str) -> str:
    """The year only (an age bracket), never the day."""
    if not iso_date:
        return ""
    return f"{iso_date[:4]}-{MASK * 2}-{MASK * 2}"
