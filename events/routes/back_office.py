"""What the organizers' controllers of the event core share: the guard, the event looked up
by its short name, links into an event's back office, and the delete-and-confirm steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from core.errors import ValidationFailed
from core.i18n import LANGUAGES
from core.pages import (
    client_address,
    found_or_404,
    lang_path,
    role_required,
    viewer_of,
)
from events.services import agenda, lifecycle
from events.services import events as event_rules
from events.services import labels as event_labels

ADMINS = [role_required()]


CONFIRM = "events/manage/confirm.html"


Query = Annotated[str | None, QueryParameter()]


def stripped(value: str | None) -> str:
    return (value or "").strip()


async def event_or_404(slug: str) -> dict[str, Any]:
    return found_or_404(await event_rules.get(slug))


def labels_context() -> dict[str, Any]:
    return {
        "kinds": event_labels.kind_labels(),
        "statuses": event_labels.status_labels(),
        "content_languages": LANGUAGES,
    }


def event_path(event: dict[str, Any], rest: str = "") -> str:
    return lang_path(f"manage/events/{event['slug']}/{rest}")


async def act(
    request: Request,
    event: dict[str, Any],
    then: str,
    action: Callable[..., Awaitable[Any]],
    *args: Any,
) -> Template | Redirect:
    """Run `action(viewer, event, *args, client)`, then on to `then` (a path under the event);
    the overview with the reason when the service refuses."""
    try:
        await action(viewer_of(request), event, *args, client_address(request))
    except ValidationFailed as error:
        return await overview_page(event, error)
    return Redirect(event_path(event, then), status_code=303)


def confirm_delete(event: dict[str, Any], heading: str, question: str, action: str) -> Template:
    return Template(
        CONFIRM,
        context={
            "event": event,
            "heading": heading,
            "question": question,
            "action": action,
            "fields": {},
            "button": heading,
            "back": event_path(event, "agenda" if "/agenda/" in action else "questions"),
            "danger": True,
        },
    )


async def host_of(event: dict[str, Any]) -> dict[str, Any] | None:
    rows = await event_rules.organizations()
    return next((row for row in rows if row["id"] == event["host_organization"]), None)


async def overview_page(event: dict[str, Any], error: ValidationFailed | None = None) -> Template:
    found = await agenda.clashes(event["id"])
    return Template(
        "events/manage/overview.html",
        context={
            "event": event,
            "section": "overview",
            "summary": await event_rules.summary(event),
            "transitions": lifecycle.allowed_transitions(event["status"]),
            "missing": event_rules.missing_translations(event),
            "agenda_untranslated": await agenda.untranslated(event["id"]),
            "clashes": [str(clash) for clash in found],
            "refusal": error.errors.get("") if error else "",
            "registration_statuses": event_labels.registration_status_labels(),
            "host": await host_of(event),
            **labels_context(),
        },
        status_code=400 if error else 200,
    )
