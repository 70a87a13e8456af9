"""Account pages: sign in and out, invitations, password resets, one's own preferences."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core import accounts, sessions
from core.errors import TooManyAttempts, ValidationFailed
from core.i18n import gettext as _
from core.i18n import ngettext
from core.pages import (
    client_address,
    form_data,
    form_page,
    lang_path,
    local_path,
    signed_in,
    signed_in_redirect,
    signed_out_redirect,
    viewer_of,
)
from core.tables import Organization

COMMON_ZONES = (
    "Asia/Urumqi",
    "Asia/Shanghai",
    "Asia/Almaty",
    "Asia/Tashkent",
    "Asia/Bishkek",
    "Asia/Dushanbe",
    "Asia/Ashgabat",
    "Europe/Moscow",
    "UTC",
)


def _too_many(template: str, error: TooManyAttempts, values: dict[str, str]) -> Template:
    minutes = max(1, round(error.retry_after_s / 60))
    message = ngettext(
        "Too many attempts. Please try again in %(num)d minute.",
        "Too many attempts. Please try again in %(num)d minutes.",
        minutes,
    )
    return form_page(
        template,
        error=ValidationFailed({"": message}),
        values=values,
        status_code=429,
        headers={"Retry-After": str(error.retry_after_s)},
    )


@get("/account/login", name="login")
async def login_form(
    next_url: Annotated[str | None, QueryParameter(name="next")] = None,
) -> Template:
    return form_page("core/account/login.html", values={"next": next_url or ""})


@post("/account/login")
async def login(request: Request) -> Template | Redirect:
    data = await form_data(request)
    values = {"email": data.get("email", ""), "next": data.get("next", "")}
    try:
        user_id = await accounts.authenticate(
            data.get("email", ""), data.get("password", ""), client_address(request)
        )
    except TooManyAttempts as error:
        return _too_many("core/account/login.html", error, values)
    except ValidationFailed as error:
        return form_page("core/account/login.html", error=error, values=values)
    if isinstance(request.auth, sessions.Session):
        await sessions.end(request.auth.token)  # a fresh id at every sign-in
    session = await sessions.start(user_id)
    return signed_in_redirect(local_path(values["next"], lang_path("manage/")), session.token)


@post("/account/logout")
async def logout(request: Request) -> Redirect:
    if isinstance(request.auth, sessions.Session):
        await sessions.end(request.auth.token)
    return signed_out_redirect(lang_path(""))


@get("/account/", guards=[signed_in])
async def account_home(request: Request) -> Template:
    viewer = viewer_of(request)
    organizations = await Organization.select(
        Organization.id, Organization.slug, Organization.name
    ).where(Organization.id.is_in(list(viewer.organization_ids) or [0]))
    return form_page(
        "core/account/home.html",
        values={"name": viewer.name, "language": viewer.language, "timezone": viewer.timezone},
        organizations=organizations,
        zones=COMMON_ZONES,
    )


@post("/account/preferences", guards=[signed_in])
async def save_preferences(request: Request) -> Template | Redirect:
    viewer = viewer_of(request)
    data = await form_data(request)
    try:
        await accounts.update_preferences(
            viewer,
            name=data.get("name", ""),
            language=data.get("language", ""),
            timezone=data.get("timezone", ""),
        )
    except ValidationFailed as error:
        return form_page(
            "core/account/home.html", error=error, values=data, organizations=[], zones=COMMON_ZONES
        )
    return Redirect(f"/{data['language']}/account/?saved=1", status_code=303)


@get("/account/password", guards=[signed_in])
async def password_form() -> Template:
    return form_page("core/account/password.html")


@post("/account/password", guards=[signed_in])
async def change_password(request: Request) -> Template | Redirect:
    viewer = viewer_of(request)
    data = await form_data(request)
    try:
        await accounts.change_password(
            viewer,
            data.get("current_password", ""),
            data.get("new_password", ""),
            client_address(request),
        )
    except ValidationFailed as error:
        return form_page("core/account/password.html", error=error)
    assert viewer.id is not None
    session = await sessions.start(viewer.id)  # the change ended every session, this one too
    return signed_in_redirect(lang_path("account/?password_changed=1"), session.token)


@get("/account/forgot")
async def forgot_form() -> Template:
    return form_page("core/account/forgot.html")


@post("/account/forgot")
async def forgot(request: Request) -> Template:
    data = await form_data(request)
    try:
        await accounts.request_password_reset(data.get("email", ""), client_address(request))
    except TooManyAttempts as error:
        return _too_many("core/account/forgot.html", error, data)
    except ValidationFailed as error:
        return form_page("core/account/forgot.html", error=error, values=data)
    return form_page("core/account/forgot.html", values=data, sent=True)


async def _link_form(token: str, purpose: str) -> Template:
    user = await accounts.token_user(token, purpose)
    return form_page(
        "core/account/set_password.html",
        purpose=purpose,
        token=token,
        account=user,
        status_code=200 if user else 410,
    )


async def _use_link(request: Request, token: str, purpose: str) -> Template | Redirect:
    data = await form_data(request)
    if data.get("password", "") != data.get("password_again", ""):
        error = ValidationFailed({"password_again": _("The two passwords do not match.")})
        user = await accounts.token_user(token, purpose)
        return form_page(
            "core/account/set_password.html",
            error=error,
            purpose=purpose,
            token=token,
            account=user,
        )
    try:
        user_id = await accounts.set_password_from_link(token, purpose, data.get("password", ""))
    except ValidationFailed as error:
        user = await accounts.token_user(token, purpose)
        return form_page(
            "core/account/set_password.html",
            error=error,
            purpose=purpose,
            token=token,
            account=user,
        )
    session = await sessions.start(user_id)
    return signed_in_redirect(lang_path("account/?welcome=1"), session.token)


@get("/account/accept/{token:str}")
async def accept_form(token: FromPath[str]) -> Template:
    return await _link_form(token, "invite")


@post("/account/accept/{token:str}")
async def accept(request: Request, token: FromPath[str]) -> Template | Redirect:
    return await _use_link(request, token, "invite")


@get("/account/reset/{token:str}")
async def reset_form(token: FromPath[str]) -> Template:
    return await _link_form(token, "reset")


@post("/account/reset/{token:str}")
async def reset(request: Request, token: FromPath[str]) -> Template | Redirect:
    return await _use_link(request, token, "reset")


pages = [
    login_form,
    login,
    logout,
    account_home,
    save_preferences,
    password_form,
    change_password,
    forgot_form,
    forgot,
    accept_form,
    accept,
    reset_form,
    reset,
]
