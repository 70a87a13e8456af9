"""Visa letters as files, under /manage/delegations/: one letter, a delegation's letters and
an event's letters as zip archives. They carry passport data in clear: the foreign-affairs
office's staff only (not organizers), each download audit-logged."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, Response, get
from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromPath, QueryParameter

from core.access import Viewer
from core.pages import (
    NO_STORE,
    allowed,
    attachment,
    client_address,
    found_or_404,
    shown_inline,
    viewer_of,
)
from events.delegations.routes import common
from events.delegations.services import letter_files, policy

Query = Annotated[str | None, QueryParameter(required=False)]


def passport_holders(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Guard: only those who see passport data in clear."""
    user = connection.scope.get("user")
    if not (isinstance(user, Viewer) and policy.sees_passports(user)):
        raise PermissionDeniedException()


class VisaLetterFiles(Controller):
    path = "/manage/delegations"
    guards = [allowed("delegation.oversee"), passport_holders]
    cache_control = NO_STORE

    @get("/{delegation_id:int}/letters.zip")
    async def delegation_archive(self, request: Request, delegation_id: FromPath[int]) -> Response:
        delegation = await common.delegation_or_404(delegation_id)
        found = await letter_files.delegation_archive(
            viewer_of(request), delegation["id"], client_address(request)
        )
        return attachment(found_or_404(found))

    @get("/letters/{letter_id:int}")
    async def letter(self, request: Request, letter_id: FromPath[int]) -> Response:
        found = await letter_files.letter_download(
            viewer_of(request), letter_id, client_address(request)
        )
        return shown_inline(found_or_404(found))

    @get("/letters.zip")
    async def event_archive(self, request: Request, event: Query = None) -> Response:
        found = found_or_404(await common.board_event(event))
        archive = await letter_files.event_archive(
            viewer_of(request), found["id"], client_address(request)
        )
        return attachment(found_or_404(archive))
