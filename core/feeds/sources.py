"""Feed sources in the back office: who may add, see and change them, and the lists of them.

Organizers manage every source; a coordinator manages the sources of the organizations they
act for and never learns that others exist (object denials are 404, see core.access).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from core.access import Viewer, require, rule
from core.audit import changed_fields, record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.feeds.credentials import masked_url, merge_masked, split_credentials
from core.feeds.guard import check_url
from core.feeds.language import AUTO
from core.feeds.reasons import FeedError
from core.feeds.sync import utcnow
from core.i18n import LANGUAGES, gettext, lazy_gettext
from core.paging import Page, order, paginate
from core.tables import FeedItem, FeedSource, Organization, Role

MAX_URL = 2000
HEALTH_LABELS = {
    "new": lazy_gettext("Not checked yet"),
    "ok": lazy_gettext("Working"),
    "failing": lazy_gettext("Failing"),
    "paused": lazy_gettext("Paused after errors"),
    "disabled": lazy_gettext("Disabled"),
}
SORTS = {
    "organization": FeedSource.organization.slug,
    "attempt": FeedSource.last_attempt_at,
    "errors": FeedSource.consecutive_errors,
    "next": FeedSource.next_attempt_at,
    "added": FeedSource.created_at,
}
# What an audit entry of a source records (the fetch state changes on every pass and is not
# anyone's action).
AUDITED = ("organization", "url", "language", "enabled")


# --- rules (admins pass every rule) -----------------------------------------------------------


def _organization_id(obj: Any) -> int | None:
    if isinstance(obj, dict):
        value = obj.get("organization", obj.get("id"))
        return value if isinstance(value, int) else None
    return obj if isinstance(obj, int) else None


@rule("feed.list")
def _list_feeds(viewer: Viewer, _obj: Any) -> bool:
    return viewer.has_role(Role.coordinator) and bool(viewer.organization_ids)


@rule("feed.add")
def _add_feed(viewer: Viewer, organization: Any) -> bool:
    """`organization`: an organization row or id; None asks "may add to any at all"."""
    if not viewer.has_role(Role.coordinator):
        return False
    if organization is None:
        return bool(viewer.organization_ids)
    return viewer.acts_for(_organization_id(organization))


@rule("feed.manage")
def _manage_feed(viewer: Viewer, source: Any) -> bool:
    """`source`: a FeedSource row (its `organization` is the organization's id)."""
    return viewer.has_role(Role.coordinator) and viewer.acts_for(_organization_id(source))


# --- health ----------------------------------------------------------------------------------


def health(source: dict[str, Any]) -> str:
    if not source["enabled"]:
        return "paused" if source["paused_reason"] else "disabled"
    if source["consecutive_errors"]:
        return "failing"
    if source["last_attempt_at"] is None:
        return "new"
    return "ok"


def health_labels() -> dict[str, str]:
    return {code: str(label) for code, label in HEALTH_LABELS.items()}


def _health_condition(code: str) -> Any:
    if code == "paused":
        return (FeedSource.enabled == False) & (FeedSource.paused_reason != "")
    if code == "disabled":
        return (FeedSource.enabled == False) & (FeedSource.paused_reason == "")
    if code == "failing":
        return (FeedSource.enabled == True) & (FeedSource.consecutive_errors > 0)
    if code == "new":
        return (FeedSource.enabled == True) & FeedSource.last_attempt_at.is_null()
    if code == "ok":
        return (
            (FeedSource.enabled == True)
            & (FeedSource.consecutive_errors == 0)
            & FeedSource.last_attempt_at.is_not_null()
        )
    return None


# --- lists -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFilters:
    organization: str = ""  # slug
    health: str = ""
    kind: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _visible(viewer: Viewer) -> Any:
    condition = FeedSource.id > 0
    if not viewer.is_admin:
        condition &= FeedSource.organization.is_in(list(viewer.organization_ids) or [0])
    return condition


def _columns() -> list[Any]:
    return [
        *FeedSource.all_columns(),
        FeedSource.organization.slug.as_alias("organization_slug"),
        FeedSource.organization.name.as_alias("organization_name"),
        FeedSource.organization.timezone.as_alias("organization_timezone"),
    ]


async def item_counts(source_ids: list[int]) -> dict[int, int]:
    if not source_ids:
        return {}
    from piccolo.query.functions.aggregate import Count

    rows = (
        await FeedItem.select(FeedItem.source, Count(alias="n"))
        .where(FeedItem.source.is_in(source_ids))
        .group_by(FeedItem.source)
    )
    return {row["source"]: row["n"] for row in rows}


async def list_page(
    viewer: Viewer, filters: SourceFilters, sort: str, number: int
) -> tuple[Page, str]:
    require(viewer, "feed.list")
    condition = _visible(viewer)
    if filters.organization:
        condition &= FeedSource.organization.slug == filters.organization
    if filters.kind:
        condition &= FeedSource.kind == filters.kind
    if (health_condition := _health_condition(filters.health)) is not None:
        condition &= health_condition
    query, applied = order(
        FeedSource.select(*_columns()).where(condition), sort, SORTS, "organization"
    )
    query = query.order_by(FeedSource.id, ascending=not applied.startswith("-"))
    page = await paginate(query, FeedSource.count().where(condition), number)
    counts = await item_counts([row["id"] for row in page.items])
    for row in page.items:
        row["health"] = health(row)
        row["items_total"] = counts.get(row["id"], 0)
    return page, applied


async def organizations_for(viewer: Viewer) -> list[dict[str, Any]]:
    """The organizations this viewer may add sources to (id, slug, name), by slug."""
    query = Organization.select(Organization.id, Organization.slug, Organization.name)
    if not viewer.is_admin:
        query = query.where(Organization.id.is_in(list(viewer.organization_ids) or [0]))
    return await query.order_by(Organization.slug)


async def get(viewer: Viewer, source_id: int) -> dict[str, Any] | None:
    """A source this viewer may manage; None when there is none, and the refusal of
    core.access (404) when it is someone else's."""
    row = await FeedSource.select(*_columns()).where(FeedSource.id == source_id).first()
    if row is None:
        return None
    require(viewer, "feed.manage", row)
    row["display_url"] = masked_url(row["url"], row["credentials"])
    row["health"] = health(row)
    row["items_total"] = (await item_counts([source_id])).get(source_id, 0)
    return row


async def latest_items(source_id: int, limit: int = 10) -> list[dict[str, Any]]:
    return (
        await FeedItem.select(
            FeedItem.id,
            FeedItem.kind,
            FeedItem.title,
            FeedItem.link,
            FeedItem.excerpt,
            FeedItem.published_at,
            FeedItem.sort_at,
            FeedItem.starts_at,
            FeedItem.timezone,
            FeedItem.all_day,
        )
        .where(FeedItem.source == source_id)
        .order_by(FeedItem.sort_at, ascending=False)
        .order_by(FeedItem.id, ascending=False)
        .limit(limit)
    )


# --- changes ---------------------------------------------------------------------------------


def clean(
    data: dict[str, str], organizations: dict[str, int]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Form fields → column values, and what is wrong with them (messages translated).

    A user and password in the address go to `credentials`; a masked password in an edited
    address stands for the stored one."""
    errors: dict[str, str] = {}
    organization_id = organizations.get(data.get("organization", ""))
    if organization_id is None:
        errors["organization"] = gettext("Choose an organization.")
    url = data.get("url", "").strip()
    if not url:
        errors["url"] = gettext("Enter the address of the feed.")
    elif len(url) > MAX_URL:
        errors["url"] = gettext("This address is too long.")
    else:
        try:
            url = check_url(url)
        except FeedError as error:
            if error.code == "refused_address":
                errors["url"] = gettext(
                    "This address is refused: it points to an internal or private network."
                )
            else:
                errors["url"] = gettext("Enter a web address starting with http:// or https://.")
    language = data.get("language", "")
    if language != AUTO and language not in LANGUAGES:
        errors["language"] = gettext("Choose a language.")
    values = {
        "organization": organization_id,
        "url": split_credentials(url)[0],
        "language": language,
        "enabled": data.get("enabled") == "on",
    }
    return values, errors


def _credentials(data: dict[str, str], stored: str = "") -> str:
    return merge_masked(data.get("url", "").strip(), stored)


async def _taken(organization_id: int, url: str, except_id: int | None = None) -> bool:
    condition = (FeedSource.organization == organization_id) & (FeedSource.url == url)
    if except_id is not None:
        condition &= FeedSource.id != except_id
    return await FeedSource.exists().where(condition)


def _duplicate() -> ValidationFailed:
    return ValidationFailed(
        {"url": gettext("This organization already has a feed at this address.")}
    )


async def add(viewer: Viewer, data: dict[str, str], client: str = "") -> int:
    """A new source, due at once. Returns its id."""
    require(viewer, "feed.add")
    allowed = {row["slug"]: row["id"] for row in await organizations_for(viewer)}
    values, errors = clean(data, allowed)
    if errors:
        raise ValidationFailed(errors)
    require(viewer, "feed.add", values["organization"])
    async with write_transaction():
        if await _taken(values["organization"], values["url"]):
            raise _duplicate()
        source = FeedSource(**values, credentials=_credentials(data), next_attempt_at=utcnow())
        await source.save()
    await record(viewer, "feed.add", "feed_source", source.id, client=client, after=values)
    return source.id


async def update(
    viewer: Viewer, current: dict[str, Any], data: dict[str, str], client: str = ""
) -> None:
    """Change address, language or organization; a new address starts over (no stale
    validators, errors or kind)."""
    require(viewer, "feed.manage", current)
    allowed = {row["slug"]: row["id"] for row in await organizations_for(viewer)}
    values, errors = clean(data, allowed)
    if errors:
        raise ValidationFailed(errors)
    changes: dict[str, Any] = dict(values)
    changes["credentials"] = _credentials(data, current["credentials"])
    if values["url"] != current["url"] or values["language"] == AUTO != current["language"]:
        # Read the whole feed again: a new address, or languages to detect on every item.
        changes.update(etag="", last_modified="", next_attempt_at=utcnow())
    if values["url"] != current["url"]:
        changes.update(
            kind="",
            title="",
            etag="",
            last_modified="",
            consecutive_errors=0,
            last_error="",
            last_error_detail="",
            next_attempt_at=utcnow(),
        )
    if values["enabled"] and not current["enabled"]:
        changes.update(paused_reason="", consecutive_errors=0, next_attempt_at=utcnow())
    if not values["enabled"]:
        changes["paused_reason"] = current["paused_reason"] if not current["enabled"] else ""
    async with write_transaction():
        if await _taken(values["organization"], values["url"], current["id"]):
            raise _duplicate()
        await FeedSource.update(changes).where(FeedSource.id == current["id"])
        if values["organization"] != current["organization"]:
            await FeedItem.update({FeedItem.organization: values["organization"]}).where(
                FeedItem.source == current["id"]
            )
        if values["language"] not in (current["language"], AUTO):
            await FeedItem.update({FeedItem.language: values["language"]}).where(
                FeedItem.source == current["id"]
            )
    before, after = changed_fields({k: current[k] for k in AUDITED}, values)
    if after:
        await record(
            viewer, "feed.update", "feed_source", current["id"], client=client,
            before=before, after=after,
        )  # fmt: skip


async def set_enabled(
    viewer: Viewer, current: dict[str, Any], enabled: bool, client: str = ""
) -> None:
    """Enable (a paused source starts afresh: errors forgotten, due at once) or disable."""
    require(viewer, "feed.manage", current)
    if enabled:
        changes: dict[Any, Any] = {
            FeedSource.enabled: True,
            FeedSource.paused_reason: "",
            FeedSource.consecutive_errors: 0,
            FeedSource.next_attempt_at: utcnow(),
        }
    else:
        changes = {FeedSource.enabled: False, FeedSource.paused_reason: ""}
    await FeedSource.update(changes).where(FeedSource.id == current["id"])
    if enabled != current["enabled"] or current["paused_reason"]:
        await record(
            viewer,
            "feed.enable" if enabled else "feed.disable",
            "feed_source",
            current["id"],
            client=client,
            before={"enabled": current["enabled"], "paused_reason": current["paused_reason"]},
            after={"enabled": enabled, "paused_reason": ""},
        )


def form_values(source: dict[str, Any]) -> dict[str, str]:
    return {
        "organization": source["organization_slug"],
        "url": masked_url(source["url"], source["credentials"]),
        "language": source["language"],
        "enabled": "on" if source["enabled"] else "",
    }
