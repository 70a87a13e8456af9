"""Sign-in details of a feed address (`https://user:password@host/feed`): kept apart from the
address, sent only to the feed's own origin, and shown with the password masked.

The stored address never holds them, so lists, pages, logs and the audit log show the bare
address; `FeedSource.credentials` holds `user:password` and is read only to fetch.
"""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

MASK = "••••"


def _host_port(netloc: str) -> str:
    return netloc.rpartition("@")[2]


def split_credentials(url: str) -> tuple[str, str]:
    """(the address without user and password, `user:password` or "")."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, ""
    if "@" not in parts.netloc:
        return url, ""
    bare = urlunsplit(parts._replace(netloc=_host_port(parts.netloc)))
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    return bare, f"{user}:{password}" if user or password else ""


def basic_auth(credentials: str) -> tuple[str, str] | None:
    if not credentials:
        return None
    user, _sep, password = credentials.partition(":")
    return user, password


def masked_url(url: str, credentials: str) -> str:
    """The address as people see it: the user name, never the password."""
    if not credentials:
        return url
    parts = urlsplit(url)
    user, _sep, password = credentials.partition(":")
    secret = f":{MASK}" if password else ""
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}{secret}@{parts.netloc}"))


def merge_masked(submitted: str, stored: str) -> str:
    """Credentials of a submitted address; a masked password stands for the stored one, so
    saving the edit form unchanged keeps them."""
    _bare, credentials = split_credentials(submitted)
    user, _sep, password = credentials.partition(":")
    stored_user = stored.partition(":")[0]
    if password == MASK and user == stored_user:
        return stored
    return credentials


def may_receive_credentials(feed_url: str, target: str) -> bool:
    """Whether sign-in details given for `feed_url` may be sent to `target`: the same host,
    over the same scheme or upgraded to https (never downgraded, never to another host)."""
    feed, other = urlsplit(feed_url), urlsplit(target)
    scheme, other_scheme = feed.scheme.lower(), other.scheme.lower()
    if feed.hostname != other.hostname or other_scheme not in (scheme, "https"):
        return False
    return other_scheme != scheme or feed.port == other.port
