"""Why a fetch failed, as a short code stored on the source and shown to admins in words."""

from __future__ import annotations

from datetime import timedelta

from core.i18n import lazy_gettext

# code → what an admin reads (translated when shown).
REASONS = {
    "timeout": lazy_gettext("Timed out"),
    "dns": lazy_gettext("Host name not found"),
    "connection": lazy_gettext("Could not connect"),
    "tls": lazy_gettext("Secure connection failed"),
    "refused_address": lazy_gettext("Refused address (internal or private network)"),
    "bad_url": lazy_gettext("Not a web address (only http and https are fetched)"),
    "too_many_redirects": lazy_gettext("Too many redirects"),
    "too_large": lazy_gettext("Too large"),
    "not_found": lazy_gettext("Not found"),
    "gone": lazy_gettext("Gone (the feed was removed)"),
    "forbidden": lazy_gettext("Access denied"),
    "rate_limited": lazy_gettext("Too many requests (the server asked us to wait)"),
    "server_error": lazy_gettext("Server error"),
    "http_error": lazy_gettext("Unexpected answer from the server"),
    "not_feed": lazy_gettext("Not a feed"),
    "malformed": lazy_gettext("Malformed feed"),
    "internal": lazy_gettext("Unexpected error while reading the feed"),
}

# Errors that will not go away by trying again soon: the source is paused at once.
PERMANENT = frozenset({"gone"})


def reason_text(code: str) -> str:
    """The reason in the current language; an unknown code is shown as it is."""
    label = REASONS.get(code)
    return str(label) if label is not None else code


def reason_labels() -> dict[str, str]:
    return {code: str(label) for code, label in REASONS.items()}


class FeedError(Exception):
    """A fetch or parse that failed for a reason worth telling an admin."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        status: int | None = None,
        retry_after: timedelta | None = None,
    ) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.status = status
        self.retry_after = retry_after

    @property
    def reason(self) -> str:
        return reason_text(self.code)
