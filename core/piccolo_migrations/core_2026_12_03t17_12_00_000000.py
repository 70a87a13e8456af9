"""Move user names and passwords written into feed addresses into `credentials`, so the
stored address is bare (as core.feeds.credentials keeps new ones)."""

from urllib.parse import unquote, urlsplit, urlunsplit

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.table import Table

ID = "2026-12-03T17:12:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Move sign-in details out of feed addresses"


class FeedSource(Table, tablename="feed_source", schema=None):
    url = Varchar(length=2000)
    credentials = Varchar(length=500)


def _split(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return url, ""
    if "@" not in parts.netloc:
        return url, ""
    bare = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    return bare, f"{user}:{password}" if user or password else ""


async def _move_credentials() -> None:
    rows = await FeedSource.select(FeedSource.id, FeedSource.url).where(
        FeedSource.url.like("%@%") & (FeedSource.credentials == "")
    )
    for row in rows:
        bare, credentials = _split(row["url"])
        if credentials:
            await FeedSource.update(
                {FeedSource.url: bare, FeedSource.credentials: credentials}
            ).where(FeedSource.id == row["id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_raw(_move_credentials)
    return manager
