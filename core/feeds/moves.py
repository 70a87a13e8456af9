"""A feed that moved for good (HTTP 301/308) is read at its new address from then on.

The source's address follows the move unless another source of the same organization is
already there. Sign-in details follow only to the same host (or its https version); a move
elsewhere drops them rather than hand them to another server. Each move is audit-logged.
"""

from __future__ import annotations

from typing import Any

from core.audit import record
from core.feeds.credentials import may_receive_credentials, split_credentials
from core.tables import FeedSource


async def follow_permanent_move(source: dict[str, Any], moved_to: str) -> bool:
    """Point `source` at `moved_to`; False when it stays where it is."""
    new_url = split_credentials(moved_to)[0][:2000]
    if not new_url or new_url == source["url"]:
        return False
    taken = await FeedSource.exists().where(
        (FeedSource.organization == source["organization"])
        & (FeedSource.url == new_url)
        & (FeedSource.id != source["id"])
    )
    if taken:
        return False
    changes: dict[Any, Any] = {FeedSource.url: new_url}
    if source["credentials"] and not may_receive_credentials(source["url"], new_url):
        changes[FeedSource.credentials] = ""
    await FeedSource.update(changes).where(FeedSource.id == source["id"])
    await record(
        None,
        "feed.moved",
        "feed_source",
        source["id"],
        before={"url": source["url"]},
        after={"url": new_url},
    )
    return True
