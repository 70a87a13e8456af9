"""The old home of tests.support.factories, kept for tests that still import from here."""

from tests.support.factories import (
    PASSWORD,
    audit,
    csrf_token,
    make_organization,
    make_user,
    post_form,
    sign_in,
)

__all__ = [
    "PASSWORD",
    "audit",
    "csrf_token",
    "make_organization",
    "make_user",
    "post_form",
    "sign_in",
]
