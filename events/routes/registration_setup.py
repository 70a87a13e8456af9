"""The organizers' set-up of registration: seats reserved per partner organization (quotas)
and the questions of the registration form."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from core.content import plain_text
from core.errors import ValidationFailed
from core.i18n import gettext
from core.pages import (
    client_address,
    form_data,
    form_page,
    found_or_404,
    viewer_of,
)
from events.routes.back_office import (
    ADMINS,
    act,
    confirm_delete,
    event_or_404,
    event_path,
    labels_context,
)
from events.services import events as event_rules
from events.services import labels as event_labels
from events.services import questions as question_rules
from events.services import quotas as quota_rules

QUESTION_FORM = "events/manage/question_form.html"


class RegistrationSetupController(Controller):
    """Organizers' set-up of registration: seats reserved per partner organization and the
    registration form's questions."""

    guards = ADMINS

    @get("/manage/events/{slug:str}/quotas")
    async def quota_page(self, slug: FromPath[str]) -> Template:
        return await _quotas_page(await event_or_404(slug))

    @post("/manage/events/{slug:str}/quotas")
    async def quota_save(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        try:
            await quota_rules.set_quota(
                viewer_of(request),
                event,
                data.get("organization", ""),
                data.get("seats", ""),
                client_address(request),
            )
        except ValidationFailed as error:
            return await _quotas_page(event, error, data)
        return Redirect(event_path(event, "quotas?saved=1"), status_code=303)

    @get("/manage/events/{slug:str}/questions")
    async def question_list(self, slug: FromPath[str]) -> Template:
        event = await event_or_404(slug)
        return Template(
            "events/manage/questions.html",
            context={
                "event": event,
                "section": "questions",
                "questions": await question_rules.questions(event["id"]),
                "question_kinds": event_labels.question_kind_labels(),
                "choice_kinds": question_rules.CHOICE_KINDS,
                **labels_context(),
            },
        )

    @get("/manage/events/{slug:str}/questions/new")
    async def question_new(self, slug: FromPath[str]) -> Template:
        event = await event_or_404(slug)
        values = {"source_language": "zh", "kind": "text"}
        return form_page(QUESTION_FORM, values=values, **_question_context(event, values))

    @post("/manage/events/{slug:str}/questions/new")
    async def question_create(self, request: Request, slug: FromPath[str]) -> Template | Redirect:
        event = await event_or_404(slug)
        data = await form_data(request)
        try:
            await question_rules.add_question(
                viewer_of(request), event, data, client_address(request)
            )
        except ValidationFailed as error:
            return form_page(
                QUESTION_FORM, error=error, values=data, **_question_context(event, data)
            )
        return Redirect(event_path(event, "questions?saved=1"), status_code=303)

    @get("/manage/events/{slug:str}/questions/{question_id:int}/edit")
    async def question_edit(self, slug: FromPath[str], question_id: FromPath[int]) -> Template:
        event = await event_or_404(slug)
        question = await _question_or_404(event, question_id)
        values = question_rules.question_form_values(question)
        return form_page(QUESTION_FORM, values=values, **_question_context(event, values, question))

    @post("/manage/events/{slug:str}/questions/{question_id:int}/edit")
    async def question_update(
        self, request: Request, slug: FromPath[str], question_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        question = await _question_or_404(event, question_id)
        data = await form_data(request)
        try:
            await question_rules.update_question(
                viewer_of(request), event, question, data, client_address(request)
            )
        except ValidationFailed as error:
            return form_page(
                QUESTION_FORM, error=error, values=data, **_question_context(event, data, question)
            )
        return Redirect(event_path(event, "questions?saved=1"), status_code=303)

    @get("/manage/events/{slug:str}/questions/{question_id:int}/delete")
    async def question_delete_confirm(
        self, slug: FromPath[str], question_id: FromPath[int]
    ) -> Template:
        event = await event_or_404(slug)
        question = await _question_or_404(event, question_id)
        return confirm_delete(
            event,
            gettext("Remove question"),
            gettext(
                "Remove the question “%(label)s” from the registration form? Answers already "
                "given stay with the registrations but are no longer shown.",
                label=plain_text(question["label"]),
            ),
            event_path(event, f"questions/{question_id}/delete"),
        )

    @post("/manage/events/{slug:str}/questions/{question_id:int}/delete")
    async def question_delete(
        self, request: Request, slug: FromPath[str], question_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        question = await _question_or_404(event, question_id)
        return await act(
            request, event, "questions?saved=1", question_rules.remove_question, question
        )

    @post("/manage/events/{slug:str}/questions/{question_id:int}/move")
    async def question_move(
        self, request: Request, slug: FromPath[str], question_id: FromPath[int]
    ) -> Template | Redirect:
        event = await event_or_404(slug)
        question = await _question_or_404(event, question_id)
        step = -1 if (await form_data(request)).get("direction") == "up" else 1
        then = f"questions#q{question_id}"
        return await act(request, event, then, question_rules.move_question, question, step)


async def _quotas_page(
    event: dict[str, Any],
    error: ValidationFailed | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    return form_page(
        "events/manage/quotas.html",
        error=error,
        values=values or {},
        event=event,
        section="quotas",
        quotas=await quota_rules.quotas(event["id"]),
        summary=await event_rules.summary(event),
        organizations=await event_rules.organizations(),
        **labels_context(),
    )


async def _question_or_404(event: dict[str, Any], question_id: int) -> dict[str, Any]:
    return found_or_404(await question_rules.get_question(event["id"], question_id))


def _question_context(
    event: dict[str, Any], values: dict[str, str], question: dict[str, Any] | None = None
) -> dict[str, Any]:
    return {
        "event": event,
        "section": "questions",
        "question": question,
        "question_kinds": event_labels.question_kind_labels(),
        "option_rows": question_rules.option_rows(values),
        "choice_kinds": question_rules.CHOICE_KINDS,
        **labels_context(),
    }
